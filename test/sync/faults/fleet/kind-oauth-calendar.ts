// Google and Outlook (Graph) calendars in the emulators, both ways: events another client puts in the
// primary calendar must be in the CRM exactly once (one link, on one CRM event), and events the owner
// makes in Concilia must be in the calendar exactly once (one event carrying the CRM event's id in our
// tag: Google's private extended property, Graph's single-value extended property). While the run goes
// on, events are added and edited on both sides.
import { and, eq, isNotNull } from "drizzle-orm";
import { eventLinks, events } from "../../../../server/db/schema.js";
import { CONCILIA_ID } from "../../../../server/providers/graph/calendar-tag.js";
import {
  type Audit,
  type ConnectionKind,
  expectStatus,
  type FleetConnection,
  type FleetWorld,
} from "./kinds.js";
import { connectOauth } from "./oauth-connection.js";
import { ExactlyOnce, editInCrm, pick, seedBothSides, type TwoWaySteps, twoWayChange } from "./two-way.js";

const GOOGLE_CALENDAR = "https://www.googleapis.com/auth/calendar";

interface CalendarTruth {
  participant: string;
  /** Provider ids of the events another client put in the calendar. */
  external: string[];
  /** CRM events made through the API (read again from the CRM at each audit). */
  crm: string[];
}

/** What differs between the two providers: how an event is put, edited and read back. */
interface CalendarProvider {
  name: string;
  emulator: "google" | "microsoft";
  endpoints: string[];
  scope: string;
  put(w: FleetWorld, account: string, e: { title: string; start: Date; end: Date; attendee: string }): string;
  edit(w: FleetWorld, account: string, id: string, title: string): void;
  /** The calendar's live events: id and the CRM event id our tag carries. */
  stored(w: FleetWorld, account: string): { id: string; conciliaId: string | null }[];
}

const google: CalendarProvider = {
  name: "google-calendar",
  emulator: "google",
  endpoints: ["calendar.*"],
  scope: `openid email ${GOOGLE_CALENDAR}`,
  put: (w, account, e) =>
    w.emulators.google.seedCalendarEvent(account, {
      summary: e.title,
      start: { dateTime: e.start.toISOString() },
      end: { dateTime: e.end.toISOString() },
      attendees: [{ email: e.attendee, displayName: "Client", responseStatus: "accepted" }],
    }).id,
  edit: (w, account, id, title) => w.emulators.google.userEditEvent(account, id, { summary: title }),
  stored: (w, account) =>
    (
      w.emulators.google.calendarSnapshot(account) as {
        calendarId: string;
        id: string;
        [k: string]: unknown;
      }[]
    )
      .filter((e) => e.calendarId === account && e.status !== "cancelled")
      .map((e) => ({
        id: e.id,
        conciliaId:
          (e.extendedProperties as { private?: Record<string, string> } | undefined)?.private?.conciliaId ??
          null,
      })),
};

const utc = (d: Date) => ({ dateTime: d.toISOString().slice(0, 19), timeZone: "UTC" });
const graph: CalendarProvider = {
  name: "graph-calendar",
  emulator: "microsoft",
  endpoints: ["graph.*"],
  scope: "openid offline_access Calendars.ReadWrite",
  put: (w, account, e) =>
    w.emulators.microsoft.seedCalendarEvent(account, {
      subject: e.title,
      start: utc(e.start),
      end: utc(e.end),
      attendees: [{ emailAddress: { address: e.attendee, name: "Client" }, type: "required" }],
    }).id,
  edit: (w, account, id, title) => w.emulators.microsoft.userEditEvent(account, id, { subject: title }),
  stored: (w, account) =>
    [...w.emulators.microsoft.calendars(account).events.values()].map((e) => ({
      id: e.id,
      conciliaId: e.extended.get(CONCILIA_ID.toLowerCase())?.value ?? null,
    })),
};

/** A start in the weeks ahead (inside every provider's listing window), one hour per serial. */
const slot = (n: number) =>
  new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000 + n * 3_600_000);

function calendarKind(p: CalendarProvider): ConnectionKind {
  function putExternal(w: FleetWorld, c: FleetConnection) {
    const t = c.truth as CalendarTruth;
    const n = w.serial();
    const start = slot(n);
    const id = p.put(w, c.account, {
      title: `Customer call ${n}`,
      start,
      end: new Date(start.getTime() + 1_800_000),
      attendee: t.participant,
    });
    t.external.push(id);
  }

  async function createCrmEvent(w: FleetWorld, c: FleetConnection) {
    const t = c.truth as CalendarTruth;
    const n = w.serial();
    const start = slot(n);
    const r = await w.api(c.token, "POST", "/api/v1/events", {
      title: `Demo for client ${n}`,
      startAt: start.toISOString(),
      endAt: new Date(start.getTime() + 3_600_000).toISOString(),
      timeZone: "Europe/Madrid",
      attendees: [{ email: t.participant }],
    });
    t.crm.push(expectStatus(r, 201, "event not created").id);
  }

  const steps: TwoWaySteps = {
    putExternal: { says: "an event put by another client", run: putExternal },
    createCrm: { says: "an event made in Concilia", run: createCrmEvent },
    editExternal: {
      says: "an event edited by another client",
      run: (w, c) =>
        p.edit(
          w,
          c.account,
          pick((c.truth as CalendarTruth).external),
          `Customer call, moved agenda ${w.serial()}`,
        ),
    },
    editCrm: {
      says: "an event edited in Concilia",
      run: (w, c) =>
        editInCrm(
          w,
          c,
          `/api/v1/events/${pick((c.truth as CalendarTruth).crm)}`,
          { title: `Demo, edited ${w.serial()}` },
          "event not edited",
        ),
    },
  };

  return {
    name: p.name,
    emulator: p.emulator,
    endpoints: p.endpoints,
    pushes: true,
    async seed(w, items) {
      const { owner, connection } = await connectOauth(w, {
        kind: p.name,
        provider: p.emulator,
        scope: p.scope,
        syncs: "calendar",
      });
      const conn: FleetConnection = {
        ...connection,
        seeded: items + 2,
        truth: { participant: owner.participant, external: [], crm: [] } satisfies CalendarTruth,
      };
      await seedBothSides(w, conn, steps, items);
      return conn;
    },
    change: (w, c) => twoWayChange(w, c, steps),
    async audit(w, c): Promise<Audit> {
      const t = c.truth as CalendarTruth;
      const once = new ExactlyOnce();
      // Provider → CRM: one link to a CRM event per event put by another client.
      const links = await w.db
        .select({ providerId: eventLinks.providerId })
        .from(eventLinks)
        .where(
          and(
            eq(eventLinks.connectionId, c.connectionId),
            eq(eventLinks.originalStart, ""),
            isNotNull(eventLinks.eventId),
          ),
        );
      const linksOf = new Map<string, number>();
      for (const l of links) linksOf.set(l.providerId, (linksOf.get(l.providerId) ?? 0) + 1);
      for (const id of t.external) once.count(linksOf.get(id) ?? 0, `provider event ${id}`);
      // CRM → provider: one tagged event per event the owner made in Concilia.
      const made = await w.db
        .select({ id: events.id })
        .from(events)
        .where(and(eq(events.ownerId, c.userId), eq(events.origin, "crm")));
      t.crm = made.map((e) => e.id);
      const stored = p.stored(w, c.account);
      const tagged = new Map<string, number>();
      for (const e of stored) if (e.conciliaId) tagged.set(e.conciliaId, (tagged.get(e.conciliaId) ?? 0) + 1);
      for (const id of t.crm) once.count(tagged.get(id) ?? 0, `crm event ${id}`);
      // Nothing else: no second CRM event for a provider event, no stray event in the calendar.
      const owned = await w.db
        .select({ id: events.id, origin: events.origin, status: events.status, title: events.title })
        .from(events)
        .where(eq(events.ownerId, c.userId));
      const expected = t.external.length + t.crm.length;
      const extra = Math.max(0, owned.length - expected) + Math.max(0, stored.length - expected);
      if (extra) {
        once.examples.push(
          `${owned.length} CRM events, ${stored.length} at the provider, ${expected} expected`,
        );
        // Which: a CRM event neither made in Concilia nor linked to an event another client put, and a
        // provider event neither put by another client nor carrying a CRM event's tag.
        const accounted = new Set(t.crm);
        const linked = await w.db
          .select({ eventId: eventLinks.eventId, providerId: eventLinks.providerId })
          .from(eventLinks)
          .where(eq(eventLinks.connectionId, c.connectionId));
        const external = new Set(t.external);
        for (const l of linked) if (l.eventId && external.has(l.providerId)) accounted.add(l.eventId);
        for (const e of owned.filter((e) => !accounted.has(e.id)))
          once.examples.unshift(
            `stray CRM event ${JSON.stringify(e)}, links ${JSON.stringify(linked.filter((l) => l.eventId === e.id))}`,
          );
        for (const e of stored.filter(
          (e) => !external.has(e.id) && !(e.conciliaId && accounted.has(e.conciliaId)),
        ))
          once.examples.unshift(`stray provider event ${JSON.stringify(e)}`);
      }
      return once.audit(expected, extra);
    },
  };
}

export const googleCalendarKind = calendarKind(google);
export const graphCalendarKind = calendarKind(graph);
