// What outbound's provider writes leave to record in `event_links` and the outbox, and the one
// transaction per batch that records them: a multi-row upsert of new links, the changed ones, the
// forgotten ones, and the outbox rows now done.
import { eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import { calendarOutbox, eventLinks } from "../../db/schema.js";

export type NewLink = typeof eventLinks.$inferInsert;
/** What a provider write leaves to record; a batch records them all in one transaction. */
export type Recording =
  | { kind: "link"; values: NewLink }
  | { kind: "relink"; id: string; set: Partial<NewLink> }
  | { kind: "forget"; id: string }
  | { kind: "done"; ids: string[] };

/** A batch's records in one transaction: a few statements, whatever the number of items. */
export async function record(tx: Tx, records: Recording[]): Promise<void> {
  const of = <K extends Recording["kind"]>(kind: K) =>
    records.filter((r): r is Extract<Recording, { kind: K }> => r.kind === kind);
  const links = of("link").map((r) => r.values);
  if (links.length)
    // A create repeated after a crash finds its object: the link of that object is brought up to date.
    await tx
      .insert(eventLinks)
      .values(links)
      .onConflictDoUpdate({
        target: [eventLinks.connectionId, eventLinks.calendarId, eventLinks.providerId],
        set: {
          icalUid: sql`excluded.ical_uid`,
          etag: sql`excluded.etag`,
          sequence: sql`excluded.sequence`,
          lastSynced: sql`excluded.last_synced`,
          updatedAt: sql`now()`,
        },
      });
  for (const r of of("relink")) await tx.update(eventLinks).set(r.set).where(eq(eventLinks.id, r.id));
  const forget = of("forget").map((r) => r.id);
  if (forget.length) await tx.delete(eventLinks).where(inArray(eventLinks.id, forget));
  const done = of("done").flatMap((r) => r.ids);
  for (let i = 0; i < done.length; i += 1000)
    await tx.delete(calendarOutbox).where(inArray(calendarOutbox.id, done.slice(i, i + 1000)));
}
