// The account's Outlook calendars (`GET /me/calendars`, paged with @odata.nextLink, §1.2) as the
// connection lists them for R-CON-9: the default calendar is the primary one (preselected on the first
// listing); calendars the user cannot edit (shared read-only) can still be synced inbound.
import type { ListedCalendar } from "../../connections/calendars.js";
import { answerOf } from "../http.js";
import { onceEach } from "../page-links.js";
import { graphCalendarsPage } from "./calendar-answers.js";
import type { GraphClient } from "./client.js";

export type GraphCalendarListing = ListedCalendar & { canEdit: boolean };

export async function listGraphCalendars(client: GraphClient): Promise<GraphCalendarListing[]> {
  const out: GraphCalendarListing[] = [];
  let next: string | undefined = "/me/calendars?$top=100&$select=id,name,isDefaultCalendar,canEdit";
  const once = onceEach("Microsoft", "calendars");
  while (next) {
    const page = answerOf(
      "Microsoft",
      "calendar list",
      graphCalendarsPage,
      await client.call("GET", next, { headers: { prefer: 'IdType="ImmutableId"' } }),
    );
    for (const c of page.value ?? [])
      out.push({
        id: c.id,
        name: c.name ?? "",
        primary: c.isDefaultCalendar === true,
        canEdit: c.canEdit !== false,
      });
    next = once(page["@odata.nextLink"]);
  }
  return out;
}
