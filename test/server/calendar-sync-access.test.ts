// Who may use the calendar-sync actions (R-ACT-3, R-ACT-4) and switch an activity type's "show in
// calendars" (R-ACT-1): a connection is its owner's alone (a grantee of his records, another user and an
// admin get 404, and nothing changes); activity types are configured by admins (others get 403).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { activityTypes, calendarOutbox, connections } from "../../server/db/schema.js";
import { callAs, engines, startTestServer, type TestServer } from "../harness/app.js";
import { type Actor, actors, makeActors } from "./actors.js";

describe.each(engines)("calendar-sync access on %s", (engine) => {
  let s: TestServer;
  const who = {} as Record<Actor, { id: string; token: string; email: string }>;

  beforeAll(async () => {
    s = await startTestServer({ engine });
    Object.assign(who, await makeActors(s));
    // The grantee reads one of the owner's companies: that gives him nothing of her connections.
    const company = await call("owner", "POST", "/api/v1/companies", { name: "Shared Co" });
    await call("owner", "POST", `/api/v1/companies/${company.body.id}/grants`, { userId: who.grantee.id });
    await call("owner", "POST", "/api/v1/activities", {
      type: "call",
      state: "planned",
      subject: "Planned before",
      startAt: "2026-12-10T10:00:00.000Z",
    });
  });
  afterAll(() => s?.close());

  const call = (actor: Actor, method: string, url: string, payload?: unknown) =>
    callAs(s, who[actor].token, method, url, payload);

  /** A fresh calendar connection of the owner, made after her planned activity. */
  const calendarConnection = async () =>
    (
      await createConnection(s.ctx.db, who.owner.id, {
        provider: "icloud",
        accountAddress: `olivia.${Math.random()}@icloud.test`,
        syncs: "both",
      })
    ).id;

  it("R-ACT-3: only the connection's owner syncs previous activities; the others get 404 and queue nothing", async () => {
    const answers: number[] = [];
    for (const actor of actors) {
      const id = await calendarConnection();
      const r = await call(actor, "POST", `/api/v1/connections/${id}/sync-previous-activities`);
      answers.push(r.status);
      const owed = await s.ctx.db.select().from(calendarOutbox).where(eq(calendarOutbox.connectionId, id));
      expect(owed).toHaveLength(r.status === 200 ? 1 : 0);
      if (r.status === 404) expect(r.type).toContain("application/problem+json");
    }
    expect(answers).toEqual([200, 404, 404, 404]);
  });

  it("R-ACT-4: only the connection's owner removes its calendar sync; for the others it keeps syncing", async () => {
    const answers: number[] = [];
    for (const actor of actors) {
      const id = await calendarConnection();
      const r = await call(actor, "POST", `/api/v1/connections/${id}/remove-calendar-sync`);
      answers.push(r.status);
      const [c] = await s.ctx.db.select().from(connections).where(eq(connections.id, id));
      expect(c!.syncs).toBe(r.status === 200 ? "email" : "both");
    }
    expect(answers).toEqual([200, 404, 404, 404]);
  });

  it("R-ACT-1: only an admin switches an activity type's 'show in calendars'; the others get 403 and the flag stays", async () => {
    const answers: number[] = [];
    for (const actor of actors) {
      const [before] = await s.ctx.db.select().from(activityTypes).where(eq(activityTypes.key, "task"));
      const r = await call(actor, "PATCH", "/api/v1/activity-types/task", {
        showInCalendars: !before!.showInCalendars,
      });
      answers.push(r.status);
      const [after] = await s.ctx.db.select().from(activityTypes).where(eq(activityTypes.key, "task"));
      expect(after!.showInCalendars).toBe(
        r.status === 200 ? !before!.showInCalendars : before!.showInCalendars,
      );
      if (r.status === 403) expect(r.type).toContain("application/problem+json");
    }
    expect(answers).toEqual([403, 403, 403, 200]);
  });
});
