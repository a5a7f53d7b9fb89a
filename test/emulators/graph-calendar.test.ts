import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { beforeAll, describe, expect, it } from "vitest";
import { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { serveForFile } from "./serve-for-file.js";

const now = Date.UTC(2026, 10, 30, 9);
const microsoft = new MicrosoftEmulator({
  clock: () => now,
  validationTimeoutMs: 500,
  notificationRetryDelaysMs: [],
});
type Notification = {
  subscriptionId: string;
  changeType: string;
  resource: string;
  resourceData: { id: string; "@odata.etag": string };
};
const received: Notification[] = [];
const server = setupServer(
  ...microsoft.handlers(),
  http.post("https://app.test/graph/events", async ({ request }) => {
    const token = new URL(request.url).searchParams.get("validationToken");
    if (token !== null) return new HttpResponse(token, { headers: { "content-type": "text/plain" } });
    received.push(...((await request.json()) as { value: Notification[] }).value);
    return new HttpResponse(null, { status: 202 });
  }),
);

const ANA = "ana@contoso.example";
const GRAPH = "https://graph.microsoft.com/v1.0";
let token = "";
const call = (path: string, init: RequestInit & { json?: unknown } = {}) =>
  fetch(path.startsWith("https://") ? path : `${GRAPH}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      ...(init.headers ?? {}),
    },
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  });
type Ev = Record<string, unknown> & { id: string; changeKey: string; "@odata.etag": string; type: string };
type DeltaPage = {
  value: (Ev & { "@removed"?: { reason: string } })[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
};
const store = () => microsoft.calendars(ANA);
const WINDOW = "startDateTime=2026-12-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z";
const meeting = (extra: Record<string, unknown> = {}) => ({
  subject: "Quarterly review",
  start: { dateTime: "2026-12-02T10:00:00", timeZone: "W. Europe Standard Time" },
  end: { dateTime: "2026-12-02T11:00:00", timeZone: "W. Europe Standard Time" },
  attendees: [
    { emailAddress: { address: "bo@client.example", name: "Bo" }, type: "required" },
    { emailAddress: { address: "eva@contoso.example", name: "Eva" }, type: "optional" },
  ],
  ...extra,
});
async function round(
  url: string,
  pageSize = 2,
): Promise<{ items: DeltaPage["value"]; deltaLink: string; pages: number }> {
  const items: DeltaPage["value"] = [];
  let next: string | undefined = url;
  let pages = 0;
  for (;;) {
    const response = await call(next, { headers: { prefer: `odata.maxpagesize=${pageSize}` } });
    expect(response.status).toBe(200);
    const page = (await response.json()) as DeltaPage;
    pages++;
    expect(page["@odata.nextLink"] && page["@odata.deltaLink"]).toBeFalsy();
    items.push(...page.value);
    if (page["@odata.deltaLink"]) return { items, deltaLink: page["@odata.deltaLink"], pages };
    next = page["@odata.nextLink"]!;
  }
}

serveForFile(server, microsoft);
beforeAll(() => {
  microsoft.addAccount(ANA, "Ana Ruiz");
  token = microsoft.issueTokens(ANA, "openid offline_access Calendars.ReadWrite").accessToken;
});

describe("Graph calendar emulator", () => {
  it("lists the default calendar and a read-only shared one; creating in the shared one is denied", async () => {
    const { value } = (await (await call("/me/calendars")).json()) as {
      value: { id: string; isDefaultCalendar: boolean; canEdit: boolean }[];
    };
    expect(value.map((c) => [c.isDefaultCalendar, c.canEdit])).toEqual([
      [true, true],
      [false, false],
    ]);
    const denied = await call(`/me/calendars/${value[1].id}/events`, { method: "POST", json: meeting() });
    expect(denied.status).toBe(403);
    const noScope = microsoft.issueTokens(ANA, "openid Mail.Read").accessToken;
    expect(
      (await fetch(`${GRAPH}/me/calendars`, { headers: { authorization: `Bearer ${noScope}` } })).status,
    ).toBe(403);
  });

  it("transactionId makes a retried POST idempotent after a lost response; invitations go out once", async () => {
    microsoft.faults.set(ANA, { loseResponse: { endpoints: ["graph.events.create"], times: 1 } });
    const body = meeting({ transactionId: "crm-evt-1" });
    await expect(call("/me/events", { method: "POST", json: body })).rejects.toThrow();
    const retry = await call("/me/events", { method: "POST", json: body });
    expect(retry.status).toBe(201);
    const event = (await retry.json()) as Ev;
    expect(event.transactionId).toBe("crm-evt-1");
    expect([...store().events.values()].filter((e) => e.transactionId === "crm-evt-1")).toHaveLength(1);
    expect(
      store()
        .sentMail.filter((m) => m.eventId === event.id)
        .map((m) => `${m.kind}:${m.to}`),
    ).toEqual(["invitation:bo@client.example", "invitation:eva@contoso.example"]);
    expect(microsoft.counter.snapshot().perEndpoint["graph.events.create"]).toBe(2);
  });

  it("If-Match with a stale changeKey answers 412 ErrorIrresolvableConflict", async () => {
    const created = (await (
      await call("/me/events", { method: "POST", json: meeting({ attendees: [] }) })
    ).json()) as Ev;
    expect(created["@odata.etag"]).toBe(`W/"${created.changeKey}"`);
    const ok = await call(`/me/events/${created.id}`, {
      method: "PATCH",
      headers: { "if-match": created["@odata.etag"] },
      json: { subject: "v2" },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Ev).changeKey).not.toBe(created.changeKey);
    const stale = await call(`/me/events/${created.id}`, {
      method: "PATCH",
      headers: { "if-match": created["@odata.etag"] },
      json: { subject: "v3" },
    });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe(
      "ErrorIrresolvableConflict",
    );
    expect(
      (
        await call(`/me/events/${created.id}`, {
          method: "DELETE",
          headers: { "if-match": created["@odata.etag"] },
        })
      ).status,
    ).toBe(412);
  });

  it("Windows zone names in, UTC out unless Prefer: outlook.timezone; unknown zones are refused", async () => {
    const created = (await (
      await call("/me/events", {
        method: "POST",
        json: {
          subject: "Call",
          start: { dateTime: "2026-12-03T09:00:00", timeZone: "Pacific Standard Time" },
          end: { dateTime: "2026-12-03T09:30:00", timeZone: "Pacific Standard Time" },
        },
      })
    ).json()) as Ev;
    expect(created.start).toEqual({ dateTime: "2026-12-03T17:00:00.0000000", timeZone: "UTC" });
    expect(created.originalStartTimeZone).toBe("Pacific Standard Time");
    const inMadrid = (await (
      await call(`/me/events/${created.id}`, {
        headers: { prefer: 'outlook.timezone="W. Europe Standard Time"' },
      })
    ).json()) as Ev;
    expect(inMadrid.start).toEqual({
      dateTime: "2026-12-03T18:00:00.0000000",
      timeZone: "W. Europe Standard Time",
    });
    const bad = await call("/me/events", {
      method: "POST",
      json: {
        subject: "x",
        start: { dateTime: "2026-12-03T09:00:00", timeZone: "Mars Standard Time" },
        end: { dateTime: "2026-12-03T10:00:00", timeZone: "UTC" },
      },
    });
    expect(bad.status).toBe(400);
  });

  it("all-day events are isAllDay with midnight start and exclusive midnight end; other times are refused", async () => {
    const allDay = {
      subject: "Offsite",
      isAllDay: true,
      start: { dateTime: "2026-12-14T00:00:00", timeZone: "Romance Standard Time" },
      end: { dateTime: "2026-12-16T00:00:00", timeZone: "Romance Standard Time" },
    };
    const created = (await (await call("/me/events", { method: "POST", json: allDay })).json()) as Ev;
    expect(created).toMatchObject({
      isAllDay: true,
      start: { dateTime: "2026-12-14T00:00:00.0000000" },
      end: { dateTime: "2026-12-16T00:00:00.0000000" },
    });
    const inTokyo = (await (
      await call(`/me/events/${created.id}`, {
        headers: { prefer: 'outlook.timezone="Tokyo Standard Time"' },
      })
    ).json()) as Ev;
    expect(inTokyo.start).toEqual({
      dateTime: "2026-12-14T00:00:00.0000000",
      timeZone: "Tokyo Standard Time",
    });
    const notMidnight = await call("/me/events", {
      method: "POST",
      json: { ...allDay, start: { dateTime: "2026-12-14T09:00:00", timeZone: "UTC" } },
    });
    expect(notMidnight.status).toBe(400);
  });

  it("recurring series: master with recurrence in /events, occurrences and exceptions in instances and calendarView, cancelled ones absent", async () => {
    const series = (await (
      await call("/me/events", {
        method: "POST",
        json: {
          subject: "Standup",
          start: { dateTime: "2026-12-07T09:00:00", timeZone: "Romance Standard Time" },
          end: { dateTime: "2026-12-07T09:15:00", timeZone: "Romance Standard Time" },
          recurrence: {
            pattern: { type: "daily", interval: 1 },
            range: { type: "numbered", startDate: "2026-12-07", numberOfOccurrences: 4 },
          },
        },
      })
    ).json()) as Ev;
    expect(series.type).toBe("seriesMaster");
    const listed = (await (await call("/me/events?$top=100")).json()) as { value: Ev[] };
    expect(listed.value.find((e) => e.id === series.id)?.recurrence).toMatchObject({
      pattern: { type: "daily" },
    });
    const instancesUrl = `/me/events/${series.id}/instances?${WINDOW}`;
    const first = (await (await call(instancesUrl)).json()) as { value: Ev[] };
    expect(first.value.map((o) => [o.type, o.originalStart, o.seriesMasterId])).toEqual([
      ["occurrence", "2026-12-07T08:00:00Z", series.id],
      ["occurrence", "2026-12-08T08:00:00Z", series.id],
      ["occurrence", "2026-12-09T08:00:00Z", series.id],
      ["occurrence", "2026-12-10T08:00:00Z", series.id],
    ]);
    expect(new Set(first.value.map((o) => o.iCalUId)).size).toBe(4);
    // The user moves the second occurrence and cancels the third in Outlook.
    store().userEdit(first.value[1].id, {
      start: { dateTime: "2026-12-08T11:00:00", timeZone: "Romance Standard Time" },
      end: { dateTime: "2026-12-08T11:15:00", timeZone: "Romance Standard Time" },
    });
    store().userDelete(first.value[2].id);
    const after = (await (await call(instancesUrl)).json()) as { value: Ev[] };
    expect(
      after.value.map((o) => [o.type, o.originalStart, (o.start as { dateTime: string }).dateTime]),
    ).toEqual([
      ["occurrence", "2026-12-07T08:00:00Z", "2026-12-07T08:00:00.0000000"],
      ["exception", "2026-12-08T08:00:00Z", "2026-12-08T10:00:00.0000000"],
      ["occurrence", "2026-12-10T08:00:00Z", "2026-12-10T08:00:00.0000000"],
    ]);
    const view = (await (
      await call(
        `/me/calendarView?startDateTime=2026-12-07T00:00:00Z&endDateTime=2026-12-11T00:00:00Z&$top=50`,
      )
    ).json()) as { value: Ev[] };
    expect(view.value.filter((e) => e.seriesMasterId === series.id).map((e) => e.type)).toEqual([
      "occurrence",
      "exception",
      "occurrence",
    ]);
    expect(view.value.some((e) => e.type === "seriesMaster")).toBe(false);
    expect((await call(`/me/events/${first.value[2].id}`)).status).toBe(404);
    const crossing = await call(`/me/events/${first.value[0].id}`, {
      method: "PATCH",
      json: {
        start: { dateTime: "2026-12-08T12:00:00", timeZone: "Romance Standard Time" },
        end: { dateTime: "2026-12-08T12:15:00", timeZone: "Romance Standard Time" },
      },
    });
    expect(crossing.status).toBe(400);
    expect(((await crossing.json()) as { error: { code: string } }).error.code).toBe(
      "ErrorOccurrenceCrossingBoundary",
    );
  });

  it("absoluteMonthly series: on the day of the month, and on the last day of months without it, as Outlook does", async () => {
    const series = (await (
      await call("/me/events", {
        method: "POST",
        json: {
          subject: "Month-end close",
          start: { dateTime: "2027-01-31T17:00:00", timeZone: "Romance Standard Time" },
          end: { dateTime: "2027-01-31T18:00:00", timeZone: "Romance Standard Time" },
          recurrence: {
            pattern: { type: "absoluteMonthly", interval: 1, dayOfMonth: 31 },
            range: { type: "numbered", startDate: "2027-01-31", numberOfOccurrences: 4 },
          },
        },
      })
    ).json()) as Ev;
    const window = "startDateTime=2027-01-01T00:00:00Z&endDateTime=2027-06-01T00:00:00Z";
    const listed = (await (await call(`/me/events/${series.id}/instances?${window}`)).json()) as {
      value: Ev[];
    };
    expect(listed.value.map((o) => o.originalStart)).toEqual([
      "2027-01-31T16:00:00Z",
      "2027-02-28T16:00:00Z",
      "2027-03-31T15:00:00Z",
      "2027-04-30T15:00:00Z",
    ]);
  });

  it("invitations: sent on create and on updates of a meeting the user organises, not for categories, never for others' meetings", async () => {
    const mail = (id: string) =>
      store()
        .sentMail.filter((m) => m.eventId === id)
        .map((m) => `${m.kind}:${m.to}`);
    const created = (await (await call("/me/events", { method: "POST", json: meeting() })).json()) as Ev;
    expect(mail(created.id)).toHaveLength(2);
    await call(`/me/events/${created.id}`, { method: "PATCH", json: { categories: ["CRM"] } });
    expect(mail(created.id)).toHaveLength(2);
    await call(`/me/events/${created.id}`, {
      method: "PATCH",
      json: { subject: "Quarterly review (moved)" },
    });
    expect(mail(created.id).slice(2)).toEqual(["update:bo@client.example", "update:eva@contoso.example"]);
    await call(`/me/events/${created.id}`, {
      method: "PATCH",
      json: { attendees: [...meeting().attendees, { emailAddress: { address: "new@client.example" } }] },
    });
    expect(mail(created.id).slice(4)).toEqual(["invitation:new@client.example"]);
    expect((await call(`/me/events/${created.id}`, { method: "DELETE" })).status).toBe(204);
    expect(
      mail(created.id)
        .slice(5)
        .filter((m) => m.startsWith("cancellation:")),
    ).toHaveLength(3);

    const theirs = store().seedEvent(meeting(), { organizer: { name: "Bo", address: "bo@client.example" } });
    const patched = (await (
      await call(`/me/events/${theirs.id}`, { method: "PATCH", json: { subject: "My own title" } })
    ).json()) as Ev;
    expect(patched.isOrganizer).toBe(false);
    expect(mail(theirs.id)).toEqual([]);
    expect(
      (await call(`/me/events/${theirs.id}/cancel`, { method: "POST", json: { comment: "x" } })).status,
    ).toBe(400);
  });

  it("extended properties tag events: hidden unless expanded, and findable with $filter", async () => {
    const id = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name ConciliaId";
    const created = (await (
      await call("/me/events", {
        method: "POST",
        json: meeting({ attendees: [], singleValueExtendedProperties: [{ id, value: "evt_42" }] }),
      })
    ).json()) as Ev;
    expect(created.singleValueExtendedProperties).toBeUndefined();
    const expanded = (await (
      await call(`/me/events/${created.id}?$expand=singleValueExtendedProperties($filter=id eq '${id}')`)
    ).json()) as Ev;
    expect(expanded.singleValueExtendedProperties).toEqual([{ id, value: "evt_42" }]);
    const found = (await (
      await call(
        `/me/events?$filter=${encodeURIComponent(`singleValueExtendedProperties/Any(ep: ep/id eq '${id}' and ep/value eq 'evt_42')`)}`,
      )
    ).json()) as { value: Ev[] };
    expect(found.value.map((e) => e.id)).toEqual([created.id]);
  });

  it("calendarView delta: paged rounds, changes and removals (also outside the window), 410 with Location after invalidation", async () => {
    const other = microsoft.addAccount("delta@contoso.example", "Delta");
    void other;
    const saved = token;
    token = microsoft.issueTokens("delta@contoso.example", "Calendars.Read").accessToken;
    const box = microsoft.calendars("delta@contoso.example");
    try {
      const at = (day: number, hour = 9) => ({
        dateTime: `2026-12-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00`,
        timeZone: "UTC",
      });
      const singles = [1, 2, 3].map((d) =>
        box.seedEvent({ subject: `E${d}`, start: at(d + 1), end: at(d + 1, 10) }),
      );
      const series = box.seedEvent({
        subject: "Weekly",
        start: at(7),
        end: at(7, 10),
        recurrence: {
          pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] },
          range: { type: "endDate", startDate: "2026-12-07", endDate: "2026-12-21" },
        },
      });
      const outside = box.seedEvent({
        subject: "Next year",
        start: { dateTime: "2027-02-01T09:00:00", timeZone: "UTC" },
        end: { dateTime: "2027-02-01T10:00:00", timeZone: "UTC" },
      });
      const initial = await round(`/me/calendarView/delta?${WINDOW}`);
      expect(initial.pages).toBeGreaterThan(2);
      expect(initial.items.map((e) => e.type).sort()).toEqual([
        "occurrence",
        "occurrence",
        "occurrence",
        "singleInstance",
        "singleInstance",
        "singleInstance",
      ]);
      expect(initial.items.some((e) => e.id === outside.id || e.id === series.id)).toBe(false);

      box.userEdit(singles[0].id, { subject: "E1 renamed" });
      box.userDelete(singles[1].id);
      const occurrences = initial.items.filter((e) => e.type === "occurrence");
      box.userDelete(occurrences[1].id);
      box.userEdit(singles[2].id, { start: at(20), end: at(20, 10) });
      box.userEdit(outside.id, { subject: "Still next year" });
      const changes = await round(initial.deltaLink);
      const byId = new Map(changes.items.map((e) => [e.id, e]));
      // Cancelling one occurrence does not replay its siblings.
      expect(byId.size).toBe(5);
      expect(byId.get(singles[0].id)?.subject).toBe("E1 renamed");
      expect(byId.get(singles[1].id)?.["@removed"]).toEqual({ reason: "deleted" });
      expect(byId.get(occurrences[1].id)?.["@removed"]).toEqual({ reason: "deleted" });
      expect(byId.get(singles[2].id)?.start).toEqual({
        dateTime: "2026-12-20T09:00:00.0000000",
        timeZone: "UTC",
      });
      expect(byId.get(outside.id)?.["@removed"]).toEqual({ reason: "deleted" });
      const quiet = await round(changes.deltaLink);
      expect(quiet.items).toEqual([]);

      microsoft.invalidateCursors("delta@contoso.example");
      const gone = await call(quiet.deltaLink);
      expect(gone.status).toBe(410);
      expect(((await gone.json()) as { error: { code: string } }).error.code).toBe("SyncStateNotFound");
      const restart = await round(gone.headers.get("location")!);
      expect(restart.items.filter((e) => !e["@removed"])).toHaveLength(4);
      expect(microsoft.counter.snapshot().perEndpoint["graph.calendarView.delta"]).toBeGreaterThan(5);
    } finally {
      token = saved;
    }
  });

  it("change notifications for events through subscriptions, with the duplicate knob", async () => {
    const created = await call("/subscriptions", {
      method: "POST",
      json: {
        changeType: "created,updated,deleted",
        notificationUrl: "https://app.test/graph/events",
        resource: "/me/events",
        expirationDateTime: new Date(now + 86_400_000).toISOString(),
        clientState: "s",
      },
    });
    expect(created.status).toBe(201);
    received.length = 0;
    const event = (await (
      await call("/me/events", { method: "POST", json: meeting({ attendees: [] }) })
    ).json()) as Ev;
    await microsoft.outbox.flush();
    expect(received.map((n) => [n.changeType, n.resourceData.id])).toEqual([["created", event.id]]);
    expect(received[0].resource).toMatch(/^Users\/[^/]+\/Events\//);
    microsoft.faults.set(ANA, { notifications: { duplicate: 1 } });
    store().userEdit(event.id, { subject: "edited in Outlook" });
    await microsoft.outbox.flush();
    expect(received.slice(1).map((n) => n.changeType)).toEqual(["updated", "updated"]);
    expect(received[1].resourceData["@odata.etag"]).not.toBe(received[0].resourceData["@odata.etag"]);
  });

  it("events work inside a JSON batch, each item counted under its endpoint", async () => {
    const response = await call("/$batch", {
      method: "POST",
      json: {
        requests: [
          {
            id: "1",
            method: "POST",
            url: "/me/events",
            headers: { "content-type": "application/json" },
            body: meeting({ attendees: [] }),
          },
          { id: "2", method: "GET", url: "/me/calendars" },
        ],
      },
    });
    const { responses } = (await response.json()) as { responses: { id: string; status: number }[] };
    expect(responses.map((r) => [r.id, r.status]).sort()).toEqual([
      ["1", 201],
      ["2", 200],
    ]);
    expect(microsoft.counter.snapshot().perEndpoint).toMatchObject({
      "graph.events.create": 1,
      "graph.calendars.list": 1,
    });
  });

  it("quirks: a spurious 412 without If-Match, and an empty first delta page with a nextLink", async () => {
    const created = (await (
      await call("/me/events", { method: "POST", json: meeting({ attendees: [] }) })
    ).json()) as Ev;
    store().quirks.spuriousConflicts = 1;
    expect(
      (await call(`/me/events/${created.id}`, { method: "PATCH", json: { subject: "retry me" } })).status,
    ).toBe(412);
    expect(
      (await call(`/me/events/${created.id}`, { method: "PATCH", json: { subject: "retry me" } })).status,
    ).toBe(200);
    store().quirks.emptyFirstDeltaPage = true;
    try {
      const first = (await (await call(`/me/calendarView/delta?${WINDOW}`)).json()) as DeltaPage;
      expect(first.value).toEqual([]);
      expect(first["@odata.nextLink"]).toBeDefined();
      const rest = await round(first["@odata.nextLink"]!, 100);
      expect(rest.items.map((e) => e.id)).toContain(created.id);
    } finally {
      store().quirks.emptyFirstDeltaPage = false;
    }
  });

  it("delta on a named calendar keeps the path in its links and honours Prefer: outlook.timezone", async () => {
    const { value } = (await (await call("/me/calendars")).json()) as {
      value: { id: string; isDefaultCalendar: boolean }[];
    };
    const id = value.find((c) => c.isDefaultCalendar)!.id;
    const first = (await (
      await call(`/me/calendars/${id}/calendarView/delta?${WINDOW}`, {
        headers: { prefer: 'outlook.timezone="Pacific Standard Time", odata.maxpagesize=500' },
      })
    ).json()) as DeltaPage;
    expect(first["@odata.deltaLink"]).toContain(`/me/calendars('${id}')/calendarView/delta?$deltatoken=`);
    const call3 = first.value.find((e) => e.subject === "Call");
    expect(call3?.start).toEqual({
      dateTime: "2026-12-03T09:00:00.0000000",
      timeZone: "Pacific Standard Time",
    });
  });

  it("quirks 6 and 12: delta occurrences are stubs; a master lists cancelledOccurrences only when selected; $select keeps only what it names", async () => {
    const series = store().seedEvent({
      subject: "Stand-up",
      start: { dateTime: "2026-12-07T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2026-12-07T09:15:00", timeZone: "UTC" },
      recurrence: {
        pattern: { type: "daily", interval: 1 },
        range: { type: "numbered", startDate: "2026-12-07", numberOfOccurrences: 3 },
      },
    });
    store().userDelete(store().views(series)[1]!.id);
    const { items } = await round(`/me/calendarView/delta?${WINDOW}`, 100);
    const stub = items.find((e) => e.seriesMasterId === series.id)!;
    expect(Object.keys(stub).sort()).toEqual(
      ["@odata.etag", "@odata.type", "end", "id", "seriesMasterId", "start", "type"].sort(),
    );
    const plain = (await (await call(`/me/events/${series.id}`)).json()) as Ev;
    expect(plain.cancelledOccurrences).toBeUndefined();
    const picked = (await (
      await call(`/me/events/${series.id}?$select=subject,cancelledOccurrences`)
    ).json()) as Ev;
    expect(picked).toEqual({
      "@odata.context": expect.any(String),
      "@odata.etag": plain["@odata.etag"],
      id: series.id,
      subject: "Stand-up",
      cancelledOccurrences: [`OID.${series.id}.2026-12-08`],
    });
  });

  it("throttling on calendar endpoints: 429 with Retry-After, then the request goes through", async () => {
    microsoft.faults.set(ANA, {
      throttle: { status: 429, retryAfter: 3, endpoints: ["graph.calendarView.*"], times: 1 },
    });
    const throttled = await call(`/me/calendarView/delta?${WINDOW}`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("3");
    expect((await call(`/me/calendarView/delta?${WINDOW}`)).status).toBe(200);
    expect(microsoft.counter.snapshot().perEndpoint["graph.calendarView.delta"]).toBe(2);
  });

  it("bad input gets Graph's 400, never a 500", async () => {
    const bodies = [
      meeting({ attendees: [{ emailAddress: {} }] }),
      meeting({ attendees: "bo@client.example" }),
      meeting({ start: "tomorrow" }),
      meeting({
        recurrence: {
          pattern: { type: "absoluteMonthly", interval: 1 },
          range: { type: "noEnd", startDate: "2026-12-02" },
        },
      }),
      meeting({
        recurrence: {
          pattern: { type: "daily", interval: 1, daysOfWeek: ["monday"] },
          range: { type: "noEnd", startDate: "2026-12-02" },
        },
      }),
      meeting({ id: "chosen", changeKey: "x" }),
    ];
    for (const body of bodies)
      expect((await call("/me/events", { method: "POST", json: body })).status).toBe(400);
    expect((await call("/me/calendarView")).status).toBe(400);
    expect((await call("/me/events", { method: "POST", body: "{not json" })).status).toBe(400);
  });

  it("responses: the user accepts someone else's meeting (mail to the organizer), an attendee accepts the user's", async () => {
    const theirs = store().seedEvent(meeting({ subject: "Their demo" }), {
      organizer: { name: "Bo", address: "bo@client.example" },
    });
    const before = (await (await call(`/me/events/${theirs.id}`)).json()) as Ev;
    expect(before.responseStatus).toMatchObject({ response: "notResponded" });
    expect(
      (await call(`/me/events/${theirs.id}/accept`, { method: "POST", json: { sendResponse: true } })).status,
    ).toBe(202);
    const after = (await (await call(`/me/events/${theirs.id}`)).json()) as Ev;
    expect(after.responseStatus).toMatchObject({ response: "accepted" });
    expect(
      store()
        .sentMail.filter((m) => m.eventId === theirs.id)
        .map((m) => `${m.kind}:${m.to}`),
    ).toEqual(["response:bo@client.example"]);
    const mine = (await (await call("/me/events", { method: "POST", json: meeting() })).json()) as Ev;
    expect((await call(`/me/events/${mine.id}/decline`, { method: "POST", json: {} })).status).toBe(400);
    store().attendeeResponds(mine.id, "bo@client.example", "tentativelyAccepted");
    const answered = (await (await call(`/me/events/${mine.id}`)).json()) as Ev & {
      attendees: { emailAddress: { address: string }; status: { response: string } }[];
    };
    expect(answered.attendees.map((a) => [a.emailAddress.address, a.status.response])).toEqual([
      ["bo@client.example", "tentativelyAccepted"],
      ["eva@contoso.example", "none"],
    ]);
  });
});
