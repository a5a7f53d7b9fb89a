// Who sees an event: its owner (or an admin), and every user whose synced calendar holds the same
// meeting (R-CAL-3). One meeting attended by several CRM users is one event, owned by the user whose
// calendar brought it in first; the other users' copies are linked to it (sync/calendar/inbound.ts),
// and that link is what lists it for them, read-only (R-CAL-4: only the owner's copy drives it).
import { eq, inArray, or, type SQL } from "drizzle-orm";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { connections, eventLinks, events } from "../db/schema.js";
import { ownedBy } from "./access.js";

export function eventVisibleTo(db: Tx, user: AuthUser): SQL {
  const linked = db
    .select({ id: eventLinks.eventId })
    .from(eventLinks)
    .innerJoin(connections, eq(connections.id, eventLinks.connectionId))
    .where(eq(connections.userId, user.id));
  return or(ownedBy(user, events.ownerId), inArray(events.id, linked))!;
}
