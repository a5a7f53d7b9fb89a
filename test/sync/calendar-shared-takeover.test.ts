// A shared meeting taken over by its organiser (R-CAL-3, R-CAL-4, R-CAL-5, failure mode 1): Bea, a
// guest, syncs her Google calendar first and brings the meeting in; then Ana, who organises it, connects
// Microsoft 365. Both emulators run at once; the meeting has one iCalUID in both calendars. One CRM event
// must come out of it, owned and driven by Ana's copy, listed read-only for Bea through her link, with
// its attendees linked as Ana's CRM sees them, and nothing written to either calendar.
import { and, eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_GOOGLE_CLIENT, GoogleEmulator } from "../../emulators/google/emulator.js";
import { DEMO_MICROSOFT_CLIENT, MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { connections, eventLinks, events } from "../../server/db/schema.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";
import { connectGoogleCalendar } from "./google-calendar-e2e.js";
import { api, MARTA, signInThroughPopup, userWithMarta } from "./mail-e2e.js";

const ANA = "ana@contoso.test";
const BEA = "bea.lopez@gmail.test";
const UID = "040000008200E00074C5B7101A82E00800000000C0FFEE";
const LUIS = "luis.gil@partner.test";

describe.each(engines)("a shared meeting taken over by its organiser's calendar, on %s", (engine) => {
  let s: TestServer;
  let google: GoogleEmulator;
  let microsoft: MicrosoftEmulator;
  const msw = setupServer();
  let ana: { id: string; token: string };
  let bea: { id: string; token: string };
  let anaConnection: string;
  let beaConnection: string;
  let beaCopy: string;
  let anaCopy: string;
  let eventId: string;

  async function syncNow(id: string) {
    for (let i = 0; i < 100; i++) {
      const r = await runStepExclusive(s.ctx, id);
      if (r !== "busy" && r.result !== "more") return r;
      if (r === "busy") await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error("the sync never came to rest");
  }
  /** What each calendar holds, as versions: a write by Concilia would change one. */
  const googleVersions = () => google.calendarSnapshot(BEA).map((e) => `${e.id}:${e.etag}`);
  const outlookVersions = () =>
    [...microsoft.calendars(ANA).events.values()].map((e) => `${e.id}:${e.changeKey}`);
  const linksOf = (id: string) =>
    s.ctx.db
      .select({ connectionId: eventLinks.connectionId, providerId: eventLinks.providerId })
      .from(eventLinks)
      .where(eq(eventLinks.eventId, id));
  async function seen(who: { token: string }) {
    const res = await api(s, who, "GET", `/api/v1/events/${eventId}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  }
  const eventsWithUid = async () =>
    new Set(
      (
        await s.ctx.db.select({ id: eventLinks.eventId }).from(eventLinks).where(eq(eventLinks.icalUid, UID))
      ).map((r) => r.id),
    );

  beforeAll(async () => {
    s = await startTestServer({
      engine,
      env: {
        GOOGLE_OAUTH_CLIENT_ID: DEMO_GOOGLE_CLIENT.clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: DEMO_GOOGLE_CLIENT.clientSecret!,
        MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
        MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret!,
        CONCILIA_PUBLIC_URL: "https://concilia.test",
        CONCILIA_SYNC_TICK_SECONDS: "0",
      },
    });
    google = new GoogleEmulator({ fetch: injectFetch(s.app), pushRetryDelaysMs: [] });
    google.addAccount(BEA, "Bea López");
    microsoft = new MicrosoftEmulator({ fetch: injectFetch(s.app) });
    microsoft.addAccount(ANA, "Ana Ruiz");
    msw.use(...google.handlers(), ...microsoft.handlers());
    msw.listen({ onUnhandledRequest: "bypass" });
    // Marta is Ana's CRM person: Bea cannot see her.
    ana = await userWithMarta(s, `ana-${engine}@acme.test`);
    bea = await s.user(`bea-${engine}@acme.test`, { name: "Bea" });
    // Luis is Bea's CRM person: Ana cannot see him.
    const luis = await api(s, bea, "POST", "/api/v1/persons", {
      firstName: "Luis",
      lastName: "Gil",
      emails: [LUIS],
    });
    expect(luis.statusCode).toBe(201);

    beaConnection = await connectGoogleCalendar(s, google, bea.id, BEA);
    // Bea's copy of Ana's meeting, as Google keeps it for a guest: the same meeting as Ana's copy,
    // field for field, so taking it over changes none of the event's fields.
    beaCopy = google.seedCalendarEvent(
      BEA,
      {
        summary: "Iberia steering",
        iCalUID: UID,
        start: { dateTime: "2026-12-14T09:00:00Z", timeZone: "UTC" },
        end: { dateTime: "2026-12-14T10:00:00Z", timeZone: "UTC" },
        attendees: [
          { email: BEA, displayName: "Bea López", self: true, responseStatus: "accepted" },
          { email: MARTA, displayName: "Marta Núñez", responseStatus: "needsAction" },
          { email: LUIS, displayName: "Luis Gil", responseStatus: "accepted" },
        ],
      },
      { organizer: { name: "Ana Ruiz", address: ANA } },
    ).id;
    // Ana's own copy in Outlook: she organises it.
    const mine = microsoft.calendars(ANA).seedEvent({
      subject: "Iberia steering",
      start: { dateTime: "2026-12-14T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2026-12-14T10:00:00", timeZone: "UTC" },
      attendees: [
        { emailAddress: { address: BEA, name: "Bea López" }, status: { response: "accepted" } },
        { emailAddress: { address: MARTA, name: "Marta Núñez" }, status: { response: "none" } },
        { emailAddress: { address: LUIS, name: "Luis Gil" }, status: { response: "accepted" } },
      ],
    });
    mine.iCalUId = UID;
    anaCopy = mine.id;
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-CAL-3, R-CAL-4: the guest's calendar brings the meeting in first, owned by her, read-only", async () => {
    await syncNow(beaConnection);
    const [link] = await s.ctx.db
      .select()
      .from(eventLinks)
      .where(and(eq(eventLinks.connectionId, beaConnection), eq(eventLinks.providerId, beaCopy)));
    expect(link?.eventId).toMatch(/^\S+$/);
    eventId = link!.eventId!;
    const first = await seen(bea);
    expect(first).toMatchObject({ title: "Iberia steering", guest: true, readOnly: true });
    // Matched as Bea's CRM sees it: her Luis linked, Ana's Marta by address only.
    const byEmail = Object.fromEntries(first.attendees.map((a: { email: string }) => [a.email, a]));
    expect(byEmail[LUIS].record).toMatchObject({ type: "person" });
    expect(byEmail[MARTA].record).toBeNull();
  });

  it("R-CAL-3, R-CAL-4, R-CAL-5: the organiser's Outlook copy takes the event over: one event, two links, Marta linked to Ana's person, nothing written to either calendar", async () => {
    await signInThroughPopup(s, ana, { provider: "microsoft", syncs: "calendar" });
    const [c] = await s.ctx.db.select().from(connections).where(eq(connections.userId, ana.id));
    anaConnection = c!.id;
    const google0 = googleVersions();
    const outlook0 = outlookVersions();

    await syncNow(anaConnection);
    await syncNow(beaConnection);
    await syncNow(anaConnection);

    expect(await eventsWithUid()).toEqual(new Set([eventId]));
    expect((await linksOf(eventId)).map((l) => l.connectionId).sort()).toEqual(
      [anaConnection, beaConnection].sort(),
    );
    const [row] = await s.ctx.db.select().from(events).where(eq(events.id, eventId));
    expect(row).toMatchObject({ ownerId: ana.id, guest: false, status: "confirmed" });
    const [marta] = (await api(s, ana, "GET", `/api/v1/persons?q=${encodeURIComponent("Marta")}`)).json()
      .items;
    const forAna = await seen(ana);
    expect(forAna).toMatchObject({ title: "Iberia steering", guest: false, owner: { id: ana.id } });
    const martaThere = forAna.attendees.find((a: { email: string }) => a.email === MARTA);
    // Bea's Luis is no record of Ana's: an address only, as R-CAL-5 shows non-CRM attendees.
    expect(forAna.attendees.find((a: { email: string }) => a.email === LUIS)).toMatchObject({ record: null });
    expect(martaThere).toMatchObject({
      record: { type: "person", id: marta.id },
      responseStatus: "needsAction",
    });
    expect(await seen(bea)).toMatchObject({
      title: "Iberia steering",
      readOnly: true,
      owner: { id: ana.id },
    });
    expect(googleVersions()).toEqual(google0);
    expect(outlookVersions()).toEqual(outlook0);
    expect(google.sentInvitations(BEA)).toEqual([]);
    expect(microsoft.calendars(ANA).sentMail).toEqual([]);
  });

  it("R-CAL-2, R-CAL-4: Ana's Outlook edits reach the event; Bea's Google copy, out of date or changed, never does, and is never written to", async () => {
    microsoft.calendars(ANA).userEdit(anaCopy, {
      subject: "Iberia steering (moved)",
      start: { dateTime: "2026-12-14T15:00:00", timeZone: "UTC" },
      end: { dateTime: "2026-12-14T16:00:00", timeZone: "UTC" },
    });
    await syncNow(anaConnection);
    expect(await seen(bea)).toMatchObject({
      title: "Iberia steering (moved)",
      startAt: "2026-12-14T15:00:00.000Z",
      readOnly: true,
    });
    // Bea's copy changes in her calendar (her own note in the title): the event keeps Ana's version.
    google.userEditEvent(BEA, beaCopy, { summary: "Iberia steering (Bea's note)" });
    const google0 = googleVersions();
    const outlook0 = outlookVersions();
    await syncNow(beaConnection);
    await syncNow(anaConnection);
    expect(await seen(ana)).toMatchObject({
      title: "Iberia steering (moved)",
      startAt: "2026-12-14T15:00:00.000Z",
    });
    expect(googleVersions()).toEqual(google0);
    expect(outlookVersions()).toEqual(outlook0);
    expect(await eventsWithUid()).toEqual(new Set([eventId]));
  });

  it("R-CAL-9, R-CAL-4: Bea removing her copy drops only her link; the organiser's event stays confirmed and Bea no longer sees it", async () => {
    google.userDeleteEvent(BEA, beaCopy);
    await syncNow(beaConnection);
    expect((await linksOf(eventId)).map((l) => l.connectionId)).toEqual([anaConnection]);
    expect(await seen(ana)).toMatchObject({ title: "Iberia steering (moved)", status: "confirmed" });
    expect((await api(s, bea, "GET", `/api/v1/events/${eventId}`)).statusCode).toBe(404);
  });
});
