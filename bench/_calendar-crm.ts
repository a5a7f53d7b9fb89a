// The CRM side of the calendar benchmark: events made and changed through the REST API as a user would,
// and the user's events read back from the database in the truth's shape, keyed by the UID they carry
// at the provider: `<id>@concilia` for an event made in Concilia (whatever UID the provider gave it),
// the link's iCalUID for one that came from the provider.
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../server/db/index.js";
import { eventExceptions, eventLinks, events } from "../server/db/schema.js";
import { iso, type TruthEvent } from "./_calendar-truth.js";

export interface CrmApi {
  create(title: string, startAt: string): Promise<string>;
  patch(id: string, body: Record<string, unknown>): Promise<void>;
  remove(id: string): Promise<void>;
}

export function crmApi(serverUrl: string, token: string): CrmApi {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${serverUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  };
  return {
    async create(title, startAt) {
      const endAt = new Date(Date.parse(startAt) + 3_600_000).toISOString();
      const made = (await call("POST", "/events", { title, startAt, endAt })) as { id: string };
      return made.id;
    },
    async patch(id, body) {
      await call("PATCH", `/events/${id}`, body);
    },
    async remove(id) {
      await call("DELETE", `/events/${id}`);
    },
  };
}

/** Every event of the user, duplicates included, in the truth's shape. */
export async function readCrm(db: Db, ownerId: string): Promise<TruthEvent[]> {
  const rows = await db.select().from(events).where(eq(events.ownerId, ownerId));
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const links = await db
    .select({ eventId: eventLinks.eventId, icalUid: eventLinks.icalUid })
    .from(eventLinks)
    .where(inArray(eventLinks.eventId, ids));
  const uidOf = new Map(
    links.flatMap((l) => (l.eventId && l.icalUid ? [[l.eventId, l.icalUid] as const] : [])),
  );
  const xs = await db.select().from(eventExceptions).where(inArray(eventExceptions.eventId, ids));
  return rows.map((r) => ({
    uid: r.origin === "crm" ? `${r.id}@concilia` : (uidOf.get(r.id) ?? `${r.id}@concilia`),
    title: r.title,
    startAt: r.startAt.toISOString(),
    endAt: r.endAt.toISOString(),
    status: r.status,
    rule: r.recurrence,
    exdates: r.exdates,
    exceptions: xs
      .filter((x) => x.eventId === r.id)
      .map((x) => ({
        originalStart: x.originalStart,
        status: x.status,
        startAt: iso(x.startAt),
        endAt: iso(x.endAt),
        title: x.title,
      })),
  }));
}

/** The title the CRM shows for the event of this UID now (latency probes). */
export async function crmTitleOf(db: Db, ownerId: string, uid: string): Promise<string | null> {
  const [link] = await db
    .select({ eventId: eventLinks.eventId })
    .from(eventLinks)
    .where(eq(eventLinks.icalUid, uid));
  if (!link?.eventId) return null;
  const [row] = await db
    .select({ title: events.title, ownerId: events.ownerId })
    .from(events)
    .where(eq(events.id, link.eventId));
  return row && row.ownerId === ownerId ? row.title : null;
}
