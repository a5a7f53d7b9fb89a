// A calendar item written onto its CRM event (calendar sync's inbound half): the event, its exceptions and
// its attendees with the calendar's answers, in a bounded number of statements whatever the number of
// guests, since a first sync writes one such event per item of the calendar.
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { toAuthUser } from "../../server/auth/authenticate.js";
import type { SyncedEventState } from "../../server/calendar/synced-state.js";
import { eventAttendees, users } from "../../server/db/schema.js";
import { newId } from "../../server/ids.js";
import { writeCrmState } from "../../server/sync/calendar/crm-event.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { person } from "./contacts/harness.js";

describe.each(engines)("calendar items written onto CRM events on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ engine, work: false });
  });
  afterAll(async () => s?.close());

  it("R-CAL-3, R-CAL-8: a new event keeps each guest's answer and links the guest the owner knows, in one update for all the answers", async () => {
    const ana = await s.user("ana@acme.test", { name: "Ana" });
    const marta = await person(s, ana, {
      firstName: "Marta",
      lastName: "Núñez",
      emails: ["marta@acme.example"],
    });
    const [row] = await s.ctx.db.select().from(users).where(eq(users.id, ana.id));
    const owner = toAuthUser(row, ["crm"], "test");
    const guests = ["accepted", "declined", "tentative", "needsAction", "accepted"] as const;
    const state: SyncedEventState = {
      title: "Kick-off",
      description: null,
      location: null,
      status: "confirmed",
      timing: {
        allDay: false,
        startAt: "2026-12-03T09:00:00.000Z",
        endAt: "2026-12-03T10:00:00.000Z",
        timeZone: "Europe/Madrid",
        endTimeZone: "Europe/Madrid",
      },
      organizer: { email: "ana@acme.test", name: "Ana" },
      attendees: [
        { email: "Marta@acme.example", name: "Marta", responseStatus: "tentative" },
        ...guests.map((r, i) => ({ email: `guest${i}@other.example`, name: null, responseStatus: r })),
      ],
      recurrence: null,
      exceptions: [],
    };
    const id = newId();
    const sent = engine === "postgres" ? vi.spyOn(pg.Client.prototype, "query") : undefined;
    let texts: string[] = [];
    try {
      await s.ctx.db.transaction((tx) => writeCrmState(tx, owner, id, state, { guest: false }));
    } finally {
      texts = (sent?.mock.calls ?? []).map(([q]) =>
        typeof q === "string" ? q : (q as { text: string }).text,
      );
      sent?.mockRestore();
    }
    const stored = await s.ctx.db
      .select({
        email: eventAttendees.email,
        status: eventAttendees.responseStatus,
        id: eventAttendees.recordId,
      })
      .from(eventAttendees)
      .where(eq(eventAttendees.eventId, id))
      .orderBy(eventAttendees.email);
    expect(stored).toEqual([
      ...guests.map((r, i) => ({ email: `guest${i}@other.example`, status: r, id: null })),
      { email: "marta@acme.example", status: "tentative", id: marta.id },
    ]);
    if (sent) {
      expect(texts.filter((t) => /^\s*update "event_attendees"/.test(t))).toHaveLength(1);
      expect(texts.filter((t) => t.startsWith('delete from "event_exceptions"'))).toHaveLength(0);
    }
  });
});
