// An event's attendees. Editing the list keeps the response status of every address that stays
// (R-CAL-8): new addresses need action, removed ones go, and a staying one only gets its new name
// and CRM record.
import { and, eq, notInArray, sql } from "drizzle-orm";
import { normalizeEmail } from "../../shared/text.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { eventAttendees } from "../db/schema.js";
import { matchAddresses } from "./match.js";

export async function writeAttendees(
  db: Tx,
  user: AuthUser,
  eventId: string,
  list: { email: string; name?: string | null }[],
): Promise<void> {
  const unique = [...new Map(list.map((a) => [normalizeEmail(a.email), a])).values()];
  const emails = unique.map((a) => normalizeEmail(a.email));
  await db
    .delete(eventAttendees)
    .where(
      emails.length
        ? and(eq(eventAttendees.eventId, eventId), notInArray(eventAttendees.email, emails))
        : eq(eventAttendees.eventId, eventId),
    );
  if (!unique.length) return;
  const matches = await matchAddresses(db, user, emails);
  await db
    .insert(eventAttendees)
    .values(
      unique.map((a) => {
        const email = normalizeEmail(a.email);
        const m = matches.get(email)?.[0];
        return {
          eventId,
          email,
          name: a.name ?? null,
          responseStatus: "needsAction" as const,
          recordType: m?.type ?? null,
          recordId: m?.id ?? null,
        };
      }),
    )
    .onConflictDoUpdate({
      target: [eventAttendees.eventId, eventAttendees.email],
      set: {
        name: sql`excluded.name`,
        recordType: sql`excluded.record_type`,
        recordId: sql`excluded.record_id`,
      },
    });
}
