import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { beforeAll, describe, expect, it } from "vitest";
import { GoogleEmulator } from "../../emulators/google/emulator.js";
import { serveForFile } from "./serve-for-file.js";

let now = Date.UTC(2026, 10, 30, 9);
const google = new GoogleEmulator({ clock: () => now, pushRetryDelaysMs: [] });
const hooks: Record<string, string>[] = [];
const server = setupServer(
  ...google.handlers(),
  http.post("https://app.test/google/calendar", ({ request }) => {
    hooks.push(Object.fromEntries(request.headers));
    return new HttpResponse(null, { status: 200 });
  }),
);

const ANA = "ana@example.com";
const API = "https://www.googleapis.com/calendar/v3";
const EVENTS = `${API}/calendars/primary/events`;
let token = "";
const call = (url: string, init: RequestInit & { json?: unknown } = {}) =>
  fetch(url, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      ...(init.headers ?? {}),
    },
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  });
type Ev = Record<string, unknown> & { id: string; etag: string; status: string };
type Page = { items: Ev[]; nextPageToken?: string; nextSyncToken?: string };
const listAll = async (query: string): Promise<{ items: Ev[]; syncToken: string; pages: Page[] }> => {
  const pages: Page[] = [];
  let pageToken: string | undefined;
  do {
    const r = await call(`${EVENTS}?${query}${pageToken ? `&pageToken=${pageToken}` : ""}`);
    expect(r.status).toBe(200);
    pages.push((await r.json()) as Page);
    pageToken = pages[pages.length - 1].nextPageToken;
  } while (pageToken);
  return { items: pages.flatMap((p) => p.items), syncToken: pages[pages.length - 1].nextSyncToken!, pages };
};
const meeting = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  summary: "Quarterly review",
  start: { dateTime: "2026-12-02T10:00:00+01:00", timeZone: "Europe/Madrid" },
  end: { dateTime: "2026-12-02T11:00:00+01:00", timeZone: "Europe/Madrid" },
  attendees: [{ email: "bo@client.example" }, { email: "eva@example.com" }],
  ...extra,
});

serveForFile(server, google);
beforeAll(() => {
  google.addAccount(ANA, "Ana Ruiz");
  token = google.issueTokens(ANA, "https://www.googleapis.com/auth/calendar").accessToken;
});

describe("Google Calendar emulator", () => {
  it("lists the primary calendar in calendarList", async () => {
    const body = (await (await call(`${API}/users/me/calendarList`)).json()) as {
      items: { id: string; primary?: boolean; accessRole: string }[];
    };
    expect(body.items).toContainEqual(
      expect.objectContaining({ id: ANA, primary: true, accessRole: "owner" }),
    );
  });

  it("sync tokens: nextSyncToken only on the last page, then only changes; 410 fullSyncRequired after invalidation", async () => {
    for (let i = 0; i < 5; i++)
      google.calendars(ANA).seedEvent(ANA, meeting(`seed0000${i}`, { attendees: undefined }));
    const full = await listAll("maxResults=2");
    expect(full.pages.length).toBeGreaterThan(2);
    expect(full.pages.slice(0, -1).every((p) => p.nextSyncToken === undefined)).toBe(true);
    expect(full.items.map((e) => e.id)).toEqual(expect.arrayContaining(["seed00000", "seed00004"]));

    google.calendars(ANA).userEdit(ANA, "seed00001", { summary: "Moved in the UI" });
    google.calendars(ANA).userDelete(ANA, "seed00002");
    const incremental = await listAll(`syncToken=${full.syncToken}`);
    expect(incremental.items.map((e) => [e.id, e.status])).toEqual([
      ["seed00001", "confirmed"],
      ["seed00002", "cancelled"],
    ]);
    const quiet = await listAll(`syncToken=${incremental.syncToken}`);
    expect(quiet.items).toEqual([]);

    expect((await call(`${EVENTS}?syncToken=${quiet.syncToken}&timeMin=2026-01-01T00:00:00Z`)).status).toBe(
      400,
    );
    google.invalidateCursors(ANA);
    const gone = await call(`${EVENTS}?syncToken=${quiet.syncToken}`);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { errors: { reason: string }[] } }).error.errors[0].reason).toBe(
      "fullSyncRequired",
    );
    expect(google.counter.snapshot().perEndpoint["calendar.events.list"]).toBeGreaterThan(4);
  });

  it("sync tokens expire: older than the emulator's syncTokenTtlMs, a token answers 410 fullSyncRequired", async () => {
    const calendars = google.calendars(ANA);
    calendars.syncTokenTtlMs = 600_000;
    try {
      const full = await listAll("showDeleted=true");
      now += 400_000;
      const fresh = await listAll(`showDeleted=true&syncToken=${full.syncToken}`);
      now += 400_000;
      // The first token is now 800 s old; the one the incremental listing gave is 400 s.
      expect((await call(`${EVENTS}?showDeleted=true&syncToken=${full.syncToken}`)).status).toBe(410);
      expect((await call(`${EVENTS}?showDeleted=true&syncToken=${fresh.syncToken}`)).status).toBe(200);
    } finally {
      calendars.syncTokenTtlMs = Number.POSITIVE_INFINITY;
      token = google.issueTokens(ANA, "https://www.googleapis.com/auth/calendar").accessToken;
    }
  });

  it("insert with a client id is idempotent: a lost response, then 409 duplicate on the retry", async () => {
    google.faults.set(ANA, { loseResponse: { endpoints: ["calendar.events.insert"], times: 1 } });
    await expect(call(EVENTS, { method: "POST", json: meeting("crm0001aa") })).rejects.toThrow();
    const retry = await call(EVENTS, { method: "POST", json: meeting("crm0001aa") });
    expect(retry.status).toBe(409);
    expect(((await retry.json()) as { error: { errors: { reason: string }[] } }).error.errors[0].reason).toBe(
      "duplicate",
    );
    expect(
      [...google.calendars(ANA).calendar(ANA)!.events.keys()].filter((id) => id === "crm0001aa"),
    ).toHaveLength(1);
    expect((await call(EVENTS, { method: "POST", json: meeting("NOT-base32") })).status).toBe(400);
  });

  it("sendUpdates=all records an invitation per attendee; none and absent send nothing; externalOnly skips the own domain", async () => {
    const sent = () => google.calendars(ANA).invitations;
    await call(`${EVENTS}?sendUpdates=all`, { method: "POST", json: meeting("inviteall1") });
    await call(`${EVENTS}?sendUpdates=none`, { method: "POST", json: meeting("invitenone") });
    await call(EVENTS, { method: "POST", json: meeting("inviteabs1") });
    await call(`${EVENTS}?sendUpdates=externalOnly`, { method: "POST", json: meeting("invitedom1") });
    const byEvent = (id: string) =>
      sent()
        .filter((i) => i.eventId === id)
        .map((i) => `${i.kind}:${i.to}`);
    expect(byEvent("inviteall1").sort()).toEqual([
      "invitation:bo@client.example",
      "invitation:eva@example.com",
    ]);
    expect(byEvent("invitenone")).toEqual([]);
    expect(byEvent("inviteabs1")).toEqual([]);
    expect(byEvent("invitedom1")).toEqual(["invitation:bo@client.example"]);
    await call(`${EVENTS}/inviteall1?sendUpdates=none`, {
      method: "PATCH",
      json: { summary: "Quiet change" },
    });
    expect(byEvent("inviteall1")).toHaveLength(2);
    await call(`${EVENTS}/inviteall1?sendUpdates=all`, { method: "PATCH", json: { location: "Room 2" } });
    expect(byEvent("inviteall1").filter((x) => x.startsWith("update:"))).toHaveLength(2);
  });

  it("patch with a stale etag answers 412 conditionNotMet; the current etag wins; delete twice is 410", async () => {
    const created = (await (await call(EVENTS, { method: "POST", json: meeting("etagtest1") })).json()) as Ev;
    const patched = await call(`${EVENTS}/etagtest1`, {
      method: "PATCH",
      headers: { "if-match": created.etag },
      json: { summary: "v2" },
    });
    expect(patched.status).toBe(200);
    const v2 = (await patched.json()) as Ev;
    expect(v2.etag).not.toBe(created.etag);
    const stale = await call(`${EVENTS}/etagtest1`, {
      method: "PATCH",
      headers: { "if-match": created.etag },
      json: { summary: "v3" },
    });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: { errors: { reason: string }[] } }).error.errors[0].reason).toBe(
      "conditionNotMet",
    );
    expect(
      (await call(`${EVENTS}/etagtest1`, { method: "DELETE", headers: { "if-match": created.etag } })).status,
    ).toBe(412);
    expect((await call(`${EVENTS}/etagtest1`, { method: "DELETE" })).status).toBe(204);
    expect((await call(`${EVENTS}/etagtest1`, { method: "DELETE" })).status).toBe(410);
    const got = (await (await call(`${EVENTS}/etagtest1`)).json()) as Ev;
    expect(got.status).toBe("cancelled");
    expect((await listAll("")).items.map((e) => e.id)).not.toContain("etagtest1");
    const withDeleted = await listAll("showDeleted=true");
    expect(withDeleted.items.find((e) => e.id === "etagtest1")?.status).toBe("cancelled");
  });

  it("private extended properties tag events, merge on patch, and are searchable (OR within a kind)", async () => {
    await call(EVENTS, {
      method: "POST",
      json: meeting("tagged001", { extendedProperties: { private: { conciliaId: "evt_1" } } }),
    });
    await call(EVENTS, {
      method: "POST",
      json: meeting("tagged002", { extendedProperties: { private: { conciliaId: "evt_2" } } }),
    });
    const patched = (await (
      await call(`${EVENTS}/tagged002`, {
        method: "PATCH",
        json: { extendedProperties: { private: { other: "x" } } },
      })
    ).json()) as Ev;
    expect(patched.extendedProperties).toEqual({ private: { conciliaId: "evt_2", other: "x" } });
    const found = await listAll(
      "privateExtendedProperty=conciliaId%3Devt_1&privateExtendedProperty=conciliaId%3Devt_2",
    );
    expect(found.items.map((e) => e.id).sort()).toEqual(["tagged001", "tagged002"]);
    expect(
      (await call(`${EVENTS}?syncToken=${found.syncToken}&privateExtendedProperty=conciliaId%3Devt_1`))
        .status,
    ).toBe(400);
  });

  it("recurring series: parent + edited exception + cancelled instance stub, or every instance with singleEvents", async () => {
    const own = google.addAccount("rec@example.com", "Rec");
    const saved = token;
    token = google.issueTokens("rec@example.com", "https://www.googleapis.com/auth/calendar").accessToken;
    try {
      void own;
      const series = {
        id: "standup01",
        summary: "Standup",
        start: { dateTime: "2026-12-07T09:00:00", timeZone: "Europe/Madrid" },
        end: { dateTime: "2026-12-07T09:15:00", timeZone: "Europe/Madrid" },
        recurrence: ["RRULE:FREQ=DAILY;COUNT=4"],
      };
      expect((await call(`${API}/calendars/primary/events`, { method: "POST", json: series })).status).toBe(
        200,
      );
      const { syncToken } = await listAll("");
      const instances = (await (await call(`${EVENTS}/standup01/instances`)).json()) as { items: Ev[] };
      expect(instances.items.map((i) => i.id)).toEqual([
        "standup01_20261207T080000Z",
        "standup01_20261208T080000Z",
        "standup01_20261209T080000Z",
        "standup01_20261210T080000Z",
      ]);
      expect(instances.items[1]).toMatchObject({
        recurringEventId: "standup01",
        originalStartTime: { dateTime: "2026-12-08T09:00:00+01:00" },
      });
      // The user moves the second instance and cancels the third in Google's UI.
      google.calendars("rec@example.com").userEdit("rec@example.com", "standup01_20261208T080000Z", {
        start: { dateTime: "2026-12-08T11:00:00+01:00", timeZone: "Europe/Madrid" },
        end: { dateTime: "2026-12-08T11:15:00+01:00", timeZone: "Europe/Madrid" },
      });
      google.calendars("rec@example.com").userDelete("rec@example.com", "standup01_20261209T080000Z");

      const changes = await listAll(`syncToken=${syncToken}`);
      expect(changes.items.map((e) => [e.id, e.status, e.recurringEventId])).toEqual([
        ["standup01_20261208T080000Z", "confirmed", "standup01"],
        ["standup01_20261209T080000Z", "cancelled", "standup01"],
      ]);
      const parentView = await listAll("");
      expect(parentView.items.map((e) => e.id)).toEqual([
        "standup01",
        "standup01_20261208T080000Z",
        "standup01_20261209T080000Z",
      ]);
      expect(parentView.items[0].recurrence).toEqual(["RRULE:FREQ=DAILY;COUNT=4"]);
      // Sent without an offset, written back with the zone's offset.
      expect(parentView.items[0].start).toEqual({
        dateTime: "2026-12-07T09:00:00+01:00",
        timeZone: "Europe/Madrid",
      });
      expect(parentView.items[2]).toMatchObject({
        status: "cancelled",
        originalStartTime: { dateTime: "2026-12-09T09:00:00+01:00" },
      });

      const expanded = await listAll(
        "singleEvents=true&orderBy=startTime&timeMin=2026-12-01T00:00:00Z&timeMax=2026-12-31T00:00:00Z",
      );
      expect(expanded.items.map((e) => e.id)).toEqual([
        "standup01_20261207T080000Z",
        "standup01_20261208T080000Z",
        "standup01_20261210T080000Z",
      ]);
      expect(expanded.items[1].start).toEqual({
        dateTime: "2026-12-08T11:00:00+01:00",
        timeZone: "Europe/Madrid",
      });
      const withDeleted = await listAll("singleEvents=true&showDeleted=true");
      expect(withDeleted.items.map((e) => e.id)).toContain("standup01_20261209T080000Z");
    } finally {
      token = saved;
    }
  });

  it("all-day events are dates with an exclusive end", async () => {
    await call(EVENTS, {
      method: "POST",
      json: {
        id: "offsite01",
        summary: "Offsite",
        start: { date: "2026-12-14" },
        end: { date: "2026-12-16" },
      },
    });
    const got = (await (await call(`${EVENTS}/offsite01`)).json()) as Ev;
    expect(got.start).toEqual({ date: "2026-12-14" });
    expect(got.end).toEqual({ date: "2026-12-16" });
    const bad = await call(EVENTS, {
      method: "POST",
      json: { summary: "x", start: { date: "2026-12-14" }, end: { dateTime: "2026-12-15T10:00:00Z" } },
    });
    expect(bad.status).toBe(400);
  });

  it("watch channels: sync on creation, exists on change, nothing after stop or expiry; 400 on a live channel id", async () => {
    hooks.length = 0;
    const open = await call(`${EVENTS}/watch`, {
      method: "POST",
      json: {
        id: "chan-1",
        type: "web_hook",
        address: "https://app.test/google/calendar",
        token: "tok",
        params: { ttl: "60" },
      },
    });
    expect(open.status).toBe(200);
    const channel = (await open.json()) as { resourceId: string; expiration: string };
    expect(Number(channel.expiration)).toBe(now + 60_000);
    await google.outbox.flush();
    expect(hooks[0]).toMatchObject({
      "x-goog-channel-id": "chan-1",
      "x-goog-channel-token": "tok",
      "x-goog-resource-state": "sync",
      "x-goog-message-number": "1",
    });
    expect(
      (
        await call(`${EVENTS}/watch`, {
          method: "POST",
          json: { id: "chan-1", type: "web_hook", address: "https://app.test/google/calendar" },
        })
      ).status,
    ).toBe(400);

    await call(EVENTS, { method: "POST", json: meeting("changed01") });
    await google.outbox.flush();
    expect(hooks[1]).toMatchObject({
      "x-goog-resource-state": "exists",
      "x-goog-message-number": "2",
      "x-goog-resource-id": channel.resourceId,
    });

    google.faults.set(ANA, { notifications: { drop: 1 } });
    google.calendars(ANA).userEdit(ANA, "changed01", { summary: "dropped" });
    await google.outbox.flush();
    expect(hooks).toHaveLength(2);

    now += 61_000;
    google.calendars(ANA).userEdit(ANA, "changed01", { summary: "after expiry" });
    await google.outbox.flush();
    expect(hooks).toHaveLength(2);
    const stop = await call(`${API}/channels/stop`, {
      method: "POST",
      json: { id: "chan-1", resourceId: channel.resourceId },
    });
    expect(stop.status).toBe(404);
  });

  it("throttling: 403 rateLimitExceeded and 429 with the Google envelope", async () => {
    google.faults.set(ANA, {
      throttle: {
        status: 403,
        code: "rateLimitExceeded",
        retryAfter: null,
        endpoints: ["calendar.*"],
        times: 1,
      },
    });
    const first = await call(EVENTS);
    expect(first.status).toBe(403);
    expect(first.headers.get("retry-after")).toBeNull();
    expect(
      ((await first.json()) as { error: { errors: { reason: string; domain: string }[] } }).error.errors[0],
    ).toMatchObject({ reason: "rateLimitExceeded", domain: "usageLimits" });
    expect((await call(EVENTS)).status).toBe(200);
    google.faults.set(ANA, { quota: { units: 1, windowMs: 60_000 } });
    expect((await call(EVENTS)).status).toBe(200);
    expect((await call(EVENTS)).status).toBe(429);
  });

  it("batch: calendar requests in one multipart body, each part answered and counted on its own", async () => {
    const boundary = "batch_cal";
    const part = (id: string, request: string) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <${id}>\r\n\r\n${request}\r\n`;
    const body =
      part("1", "GET /calendar/v3/calendars/primary/events/crm0001aa HTTP/1.1\r\n") +
      part("2", "GET /calendar/v3/calendars/primary/events/nothere00 HTTP/1.1\r\n") +
      `--${boundary}--\r\n`;
    const response = await fetch("https://www.googleapis.com/batch/calendar/v3", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/mixed; boundary=${boundary}` },
      body,
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("HTTP/1.1 200 OK");
    expect(text).toContain("HTTP/1.1 404 Not Found");
    expect(google.counter.snapshot().perEndpoint).toMatchObject({
      "calendar.batch": 1,
      "calendar.events.get": 2,
    });
  });

  it("update (PUT) on someone else's event is 403 forbiddenForNonOrganizer; If-None-Match gives 304", async () => {
    const theirs = google
      .calendars(ANA)
      .seedEvent(ANA, meeting("theirs001", { organizer: { email: "bo@client.example" } }));
    const put = await call(`${EVENTS}/theirs001`, {
      method: "PUT",
      json: meeting("theirs001", { summary: "mine now" }),
    });
    expect(put.status).toBe(403);
    expect(((await put.json()) as { error: { errors: { reason: string }[] } }).error.errors[0].reason).toBe(
      "forbiddenForNonOrganizer",
    );
    const got = (await (await call(`${EVENTS}/theirs001`)).json()) as Ev;
    expect(got.organizer).toEqual({ email: "bo@client.example" });
    expect((await call(`${EVENTS}/theirs001`, { headers: { "if-none-match": theirs.etag } })).status).toBe(
      304,
    );
  });

  it("a watched calendar that is deleted sends not_exists", async () => {
    hooks.length = 0;
    const store = google.calendars(ANA);
    const team = store.addCalendar({ summary: "Team" });
    const url = `${API}/calendars/${encodeURIComponent(team.id)}/events/watch`;
    const open = await call(url, {
      method: "POST",
      json: { id: "chan-team", type: "web_hook", address: "https://app.test/google/calendar" },
    });
    expect(open.status).toBe(200);
    store.deleteCalendar(team.id);
    await google.outbox.flush();
    expect(hooks.map((h) => h["x-goog-resource-state"])).toEqual(["sync", "not_exists"]);
    expect((await call(`${API}/calendars/${encodeURIComponent(team.id)}/events`)).status).toBe(404);
  });

  it("bad input gets Google's 400, never a 500", async () => {
    const bodies = [
      meeting("badinput1", { attendees: [{}] }),
      meeting("badinput2", { attendees: "bo@client.example" }),
      meeting("badinput3", { recurrence: "RRULE:FREQ=DAILY" }),
      meeting("badinput4", { recurrence: ["RRULE:FREQ=HOURLY"] }),
      meeting("badinput5", { start: "tomorrow" }),
    ];
    for (const body of bodies) expect((await call(EVENTS, { method: "POST", json: body })).status).toBe(400);
    expect((await call(`${EVENTS}?timeMin=yesterday`)).status).toBe(400);
    expect((await call(`${EVENTS}?timeMin=2026-12-01T00:00:00`)).status).toBe(400);
    expect((await call(EVENTS, { method: "POST", body: "{not json" })).status).toBe(400);
  });

  it("reordered and duplicated channel notifications keep their message numbers", async () => {
    hooks.length = 0;
    const open = await call(`${EVENTS}/watch`, {
      method: "POST",
      json: { id: "chan-order", type: "web_hook", address: "https://app.test/google/calendar" },
    });
    expect(open.status).toBe(200);
    await google.outbox.flush();
    google.faults.set(ANA, { notifications: { reorder: true, duplicate: 1 } });
    await call(EVENTS, { method: "POST", json: meeting("ordered01", { attendees: [] }) });
    await call(`${EVENTS}/ordered01`, { method: "PATCH", json: { summary: "second" } });
    await google.outbox.flush();
    const numbers = hooks
      .filter((h) => h["x-goog-channel-id"] === "chan-order")
      .map((h) => `${h["x-goog-resource-state"]}:${h["x-goog-message-number"]}`);
    expect(numbers).toEqual(["sync:1", "exists:3", "exists:2", "exists:2"]);
  });

  it("updatedMin lists what changed since an instant, deletions included", async () => {
    const store = google.calendars(ANA);
    store.seedEvent(ANA, meeting("oldone001", { attendees: [] }));
    store.seedEvent(ANA, meeting("gone00001", { attendees: [] }));
    now += 60_000;
    const since = new Date(now).toISOString();
    now += 1000;
    store.seedEvent(ANA, meeting("newone001", { attendees: [] }));
    store.userDelete(ANA, "gone00001");
    const changed = await listAll(`updatedMin=${since}`);
    expect(changed.items.map((e) => [e.id, e.status])).toEqual([
      ["newone001", "confirmed"],
      ["gone00001", "cancelled"],
    ]);
  });

  it("an attendee's answer shows in their responseStatus without a new sequence", async () => {
    const created = (await (await call(EVENTS, { method: "POST", json: meeting("accepted1") })).json()) as Ev;
    google.calendars(ANA).attendeeResponds(ANA, "accepted1", "bo@client.example", "accepted");
    const got = (await (await call(`${EVENTS}/accepted1`)).json()) as Ev & {
      attendees: { email: string; responseStatus: string }[];
    };
    expect(got.attendees.map((a) => [a.email, a.responseStatus])).toEqual([
      ["bo@client.example", "accepted"],
      ["eva@example.com", "needsAction"],
    ]);
    expect(got.sequence).toBe(created.sequence);
    expect(got.etag).not.toBe(created.etag);
  });
});
