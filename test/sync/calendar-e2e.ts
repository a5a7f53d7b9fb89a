// What the end-to-end calendar tests share: CRM series and their exceptions written as Concilia writes
// them, queued for the owner's calendars in the same transaction.
import { eq } from "drizzle-orm";
import { eventExceptions, events } from "../../server/db/schema.js";
import { newId } from "../../server/ids.js";
import { enqueueCalendarChange } from "../../server/sync/calendar/outbox.js";
import type { TestServer } from "../harness/app.js";

/** `ownerId`'s daily series of five, 08:00–08:15 UTC from 21 December 2026, titled `title`; its id. */
export async function crmDailySeries(s: TestServer, ownerId: string, title: string): Promise<string> {
  const id = newId();
  await s.ctx.db.transaction(async (tx) => {
    await tx.insert(events).values({
      id,
      title,
      startAt: new Date("2026-12-21T08:00:00Z"),
      endAt: new Date("2026-12-21T08:15:00Z"),
      recurrence: "FREQ=DAILY;COUNT=5",
      ownerId,
    });
    await enqueueCalendarChange(tx, ownerId, { kind: "event", id });
  });
  return id;
}

/** Occurrences of `ownerId`'s series `eventId` moved or cancelled in Concilia: the series is edited. */
export async function crmExceptions(
  s: TestServer,
  ownerId: string,
  eventId: string,
  exceptions: Omit<typeof eventExceptions.$inferInsert, "eventId">[],
) {
  await s.ctx.db.transaction(async (tx) => {
    await tx.insert(eventExceptions).values(exceptions.map((x) => ({ ...x, eventId })));
    await tx.update(events).set({ updatedAt: new Date() }).where(eq(events.id, eventId));
    await enqueueCalendarChange(tx, ownerId, { kind: "event", id: eventId });
  });
}
