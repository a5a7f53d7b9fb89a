// CalDAV calendars on the real Radicale, both ways: events another client puts in the calendar must be
// in the CRM exactly once (one link, one event), and events the owner creates in Concilia must be in
// the calendar exactly once (one object carrying the event's X-CONCILIA-ID), whatever crashed between.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { SECRET } from "../../../../server/connections/connections.js";
import { connections, eventLinks, events } from "../../../../server/db/schema.js";
import { newId } from "../../../../server/ids.js";
import { fetchCalendarObjects } from "../../../../server/providers/caldav/fetch.js";
import { listCalendarChanges } from "../../../../server/providers/caldav/list-changes.js";
import { putSecret } from "../../../../server/secrets/store.js";
import { newCalendarUser, type TestCalendarUser } from "../../../harness/caldav.js";
import { type ConnectionKind, expectStatus, type FleetConnection, type FleetWorld } from "./kinds.js";
import { newOwner } from "./owner.js";
import { ExactlyOnce } from "./two-way.js";

interface CaldavTruth {
  cal: TestCalendarUser;
  participant: string;
  account: string;
  /** Objects put by another client: their URLs. */
  external: string[];
  /** Events made in Concilia: their ids (read again from the CRM at each audit). */
  crm: string[];
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

async function putExternal(w: FleetWorld, t: CaldavTruth) {
  const n = w.serial();
  const start = new Date(Date.UTC(2027, 0, 1) + n * 3_600_000);
  const href = new URL(`ext-${n}-${randomBytes(3).toString("hex")}.ics`, t.cal.calendarUrl).href;
  const body = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Other client//EN",
    "BEGIN:VEVENT",
    `UID:ext-${n}@other.test`,
    "DTSTAMP:20261101T090000Z",
    `SUMMARY:Customer call ${n}`,
    `DTSTART:${stamp(start)}`,
    `DTEND:${stamp(new Date(start.getTime() + 1_800_000))}`,
    `ORGANIZER;CN=Owner:mailto:${t.account}`,
    `ATTENDEE;CN=Client;PARTSTAT=ACCEPTED:mailto:${t.participant}`,
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
  const res = await t.cal.client.fetch(href, {
    method: "PUT",
    headers: { ...t.cal.client.headers, "content-type": "text/calendar", "if-none-match": "*" },
    body,
  });
  if (res.status >= 300) throw new Error(`PUT ${href} answered ${res.status}`);
  t.external.push(href);
}

async function createCrmEvent(w: FleetWorld, c: FleetConnection) {
  const t = c.truth as CaldavTruth;
  const n = w.serial();
  const start = new Date(Date.UTC(2027, 1, 1) + n * 3_600_000);
  const r = await w.api(c.token, "POST", "/api/v1/events", {
    title: `Demo for client ${n}`,
    startAt: start.toISOString(),
    endAt: new Date(start.getTime() + 3_600_000).toISOString(),
    timeZone: "Europe/Madrid",
  });
  t.crm.push(expectStatus(r, 201, "event not created").id);
}

export const caldavKind: ConnectionKind = {
  name: "caldav",
  async seed(w, items) {
    const owner = await newOwner(w, "caldav");
    const cal = await newCalendarUser("Work");
    const account = `${cal.account.username}@icloud.test`;
    const truth: CaldavTruth = { cal, participant: owner.participant, account, external: [], crm: [] };
    for (let i = 0; i < items; i++) await putExternal(w, truth);
    const connectionId = newId();
    await w.db.insert(connections).values({
      id: connectionId,
      userId: owner.userId,
      provider: "icloud",
      accountAddress: account,
      syncs: "calendar",
      calendars: [{ id: cal.calendarUrl, name: "Work", primary: true, selected: true }],
      imapServer: { host: "127.0.0.1", port: 1, tls: "none", username: cal.account.username },
    });
    await putSecret(w, connectionId, SECRET.appPassword, cal.account.password, null);
    const conn: FleetConnection = {
      kind: "caldav",
      connectionId,
      userId: owner.userId,
      token: owner.token,
      account,
      seeded: items + 2,
      truth,
    };
    for (let i = 0; i < 2; i++) await createCrmEvent(w, conn);
    return conn;
  },
  async change(w, c) {
    if (Math.random() < 0.5) {
      await putExternal(w, c.truth);
      return "an event put by another client";
    }
    await createCrmEvent(w, c);
    return "an event made in Concilia";
  },
  async audit(w, c) {
    const t = c.truth as CaldavTruth;
    const once = new ExactlyOnce();
    // Provider → CRM: one link per object, on one event.
    const links = await w.db
      .select({ href: eventLinks.providerId, eventId: eventLinks.eventId })
      .from(eventLinks)
      .where(and(eq(eventLinks.connectionId, c.connectionId), eq(eventLinks.originalStart, "")));
    const linksOf = new Map<string, number>();
    for (const l of links) linksOf.set(l.href, (linksOf.get(l.href) ?? 0) + 1);
    for (const href of t.external) once.count(linksOf.get(href) ?? 0, href);
    // CRM → provider: one object per CRM event, found by the X-CONCILIA-ID it carries.
    const listed = await listCalendarChanges(
      t.cal.client,
      { url: t.cal.calendarUrl, syncCollection: true },
      null,
    );
    const hrefs = listed.changes.filter((ch) => !ch.removed).map((ch) => ch.href);
    const objects = (await fetchCalendarObjects(t.cal.client, t.cal.calendarUrl, hrefs)).flatMap((o) =>
      "ics" in o ? [o.ics as string] : [],
    );
    // The CRM side's truth is the CRM itself: every event the owner made in Concilia (a create whose
    // answer was lost counts too).
    const made = await w.db
      .select({ id: events.id })
      .from(events)
      .where(and(eq(events.ownerId, c.userId), eq(events.origin, "crm")));
    t.crm = made.map((e) => e.id);
    for (const id of t.crm)
      once.count(objects.filter((ics) => ics.includes(`X-CONCILIA-ID:${id}`)).length, `crm event ${id}`);
    // Nothing else: no second CRM event for an object, no stray object for a CRM event.
    const owned = await w.db.select({ id: events.id }).from(events).where(eq(events.ownerId, c.userId));
    const expected = t.external.length + t.crm.length;
    const extra = Math.max(0, owned.length - expected) + Math.max(0, objects.length - expected);
    return once.audit(expected, extra);
  },
};
