import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT, seedDemo } from "../../emulators/demo.js";
import { type ServedEmulators, serveEmulators } from "../../emulators/serve.js";

let served: ServedEmulators;
const email = encodeURIComponent(DEMO_ACCOUNT.email);
const admin = (base: string, path: string, method = "GET", body?: unknown) =>
  fetch(`${base}/__emulator/accounts/${email}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  served = await serveEmulators({ googlePort: 0, microsoftPort: 0 });
  await seedDemo(served.google, served.microsoft, 5);
});
afterAll(() => served.close());

describe("served calendar emulators and their admin route", () => {
  it("Google: seed, sync, a user edit between two syncs, and the invitations sent", async () => {
    const { accessToken } = served.google.issueTokens(
      DEMO_ACCOUNT.email,
      "https://www.googleapis.com/auth/calendar",
    );
    const auth = { authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
    const events = `${served.env.GOOGLE_API_URL}/calendar/v3/calendars/primary/events`;
    const seeded = await admin(served.googleUrl, "/events", "POST", {
      event: {
        id: "adminseed01",
        summary: "Seeded",
        start: { date: "2026-12-10" },
        end: { date: "2026-12-11" },
      },
    });
    expect(seeded.status).toBe(201);
    const full = await (await fetch(events, { headers: auth })).json();
    expect(full.items.map((e: { id: string }) => e.id)).toEqual(
      expect.arrayContaining(["demorenewal2027", "demoweeklysales", "adminseed01"]),
    );
    expect(
      (
        await admin(served.googleUrl, "/events/adminseed01", "PATCH", {
          changes: { summary: "Renamed in the UI" },
        })
      ).status,
    ).toBe(204);
    const changes = await (
      await fetch(`${events}?syncToken=${full.nextSyncToken}`, { headers: auth })
    ).json();
    expect(changes.items.map((e: { summary: string }) => e.summary)).toEqual(["Renamed in the UI"]);

    await fetch(`${events}?sendUpdates=all`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        summary: "Demo",
        start: { date: "2026-12-12" },
        end: { date: "2026-12-13" },
        attendees: [{ email: "carmen.vidal@acme-iberia.example" }],
      }),
    });
    const { invitations } = await (await admin(served.googleUrl, "/invitations")).json();
    expect(invitations).toEqual([
      expect.objectContaining({ to: "carmen.vidal@acme-iberia.example", kind: "invitation" }),
    ]);
    const bad = await admin(served.googleUrl, "/events/nothere", "DELETE");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });

  it("Graph: a meeting deleted in Outlook arrives as @removed in the next delta round", async () => {
    const { accessToken } = served.microsoft.issueTokens(DEMO_ACCOUNT.email, "offline_access Calendars.Read");
    const auth = { authorization: `Bearer ${accessToken}` };
    const start = await fetch(
      `${served.env.GRAPH_URL}/me/calendarView/delta?startDateTime=2026-11-29T00:00:00Z&endDateTime=2026-12-31T00:00:00Z`,
      { headers: { ...auth, prefer: "odata.maxpagesize=50" } },
    );
    const first = await start.json();
    expect(first["@odata.deltaLink"].startsWith(`${served.microsoftUrl}/v1.0/me/calendarView/delta?`)).toBe(
      true,
    );
    // Occurrences are stubs without a subject (quirk 6).
    const meeting = first.value.find((e: { subject?: string }) => e.subject?.startsWith("Renovación"));
    expect(
      first.value.filter((e: { type: string }) => e.type === "occurrence").length,
    ).toBeGreaterThanOrEqual(4);
    expect(
      (await admin(served.microsoftUrl, `/events/${encodeURIComponent(meeting.id)}`, "DELETE")).status,
    ).toBe(204);
    const next = await (await fetch(first["@odata.deltaLink"], { headers: auth })).json();
    expect(next.value).toEqual([
      expect.objectContaining({ id: meeting.id, "@removed": { reason: "deleted" } }),
    ]);
    const shared = await admin(served.microsoftUrl, "/calendars", "POST", { name: "Board", readOnly: true });
    expect(shared.status).toBe(201);
    const { id: boardId } = await shared.json();
    const calendars = await (await fetch(`${served.env.GRAPH_URL}/me/calendars`, { headers: auth })).json();
    expect(calendars.value).toContainEqual(
      expect.objectContaining({ id: boardId, name: "Board", canEdit: false }),
    );
    const truth = await (await admin(served.microsoftUrl, "/events")).json();
    expect(truth.events.map((e: { subject: string }) => e.subject)).toEqual(["Reunión semanal de ventas"]);
  });
});
