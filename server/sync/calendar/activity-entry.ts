// Planned activities as calendar entries (R-ACT-1, R-ACT-2): the same synced shape as events, so the
// same reconcile and the same writers carry them. An entry names the linked contact and the client
// (company) above the description, in the owner's language; it has no attendees, so writing it never
// invites anyone (failure mode 9). Its times are the activity's instants on the activity's zone
// (R-ACT-5): whatever zone the calendar shows, the instant is the same. Read in batches: a handful of
// queries for any number of activities.
import { inArray } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import type { Tx } from "../../db/index.js";
import { type activities, activityLinks, activityTypes, companies, leads, persons } from "../../db/schema.js";

export type ActivityRow = typeof activities.$inferSelect;

/** An activity without an end lasts this long in the calendar. */
const DEFAULT_MINUTES = 30;

const LABELS: Record<string, { contact: string; company: string }> = {
  en: { contact: "Contact", company: "Company" },
  es: { contact: "Contacto", company: "Cliente" },
  it: { contact: "Contatto", company: "Cliente" },
};

/**
 * R-ACT-1: `yes` while planned, of a type shown in calendars, and placed in time; `type-hidden` when
 * its type is not shown (its entries are removed); `no` otherwise (a done activity keeps its entry).
 */
export type ActivityScope = "yes" | "type-hidden" | "no";

export interface ActivityEntry {
  scope: ActivityScope;
  state: SyncedEventState;
}

const fullName = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName}`.trim();

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const by = new Map<string, T[]>();
  for (const x of xs) by.set(key(x), [...(by.get(key(x)) ?? []), x]);
  return by;
}

export async function activityEntries(
  tx: Tx,
  owner: AuthUser,
  rows: ActivityRow[],
): Promise<Map<string, ActivityEntry>> {
  if (!rows.length) return new Map();
  const shown = new Set(
    (await tx.select().from(activityTypes)).filter((t) => t.showInCalendars).map((t) => t.key),
  );
  const links = groupBy(
    await tx
      .select()
      .from(activityLinks)
      .where(
        inArray(
          activityLinks.activityId,
          rows.map((r) => r.id),
        ),
      ),
    (l) => l.activityId,
  );
  const all = [...links.values()].flat();
  const idsOf = (t: string) => [...new Set(all.filter((l) => l.recordType === t).map((l) => l.recordId))];
  const ps = idsOf("person").length
    ? await tx
        .select()
        .from(persons)
        .where(inArray(persons.id, idsOf("person")))
    : [];
  const ls = idsOf("lead").length
    ? await tx
        .select()
        .from(leads)
        .where(inArray(leads.id, idsOf("lead")))
    : [];
  const companyIds = [
    ...new Set([...idsOf("company"), ...ps.flatMap((p) => (p.companyId ? [p.companyId] : []))]),
  ];
  const cs = companyIds.length
    ? await tx.select().from(companies).where(inArray(companies.id, companyIds))
    : [];
  const person = new Map(ps.map((p) => [p.id, p]));
  const lead = new Map(ls.map((l) => [l.id, l]));
  const company = new Map(cs.map((c) => [c.id, c]));
  const words = LABELS[owner.locale] ?? LABELS.en!;

  return new Map(
    rows.map((row) => {
      const mine = links.get(row.id) ?? [];
      const p = mine
        .flatMap((l) => (l.recordType === "person" ? [person.get(l.recordId)] : []))
        .find(Boolean);
      const l = mine.flatMap((k) => (k.recordType === "lead" ? [lead.get(k.recordId)] : [])).find(Boolean);
      const c =
        mine.flatMap((k) => (k.recordType === "company" ? [company.get(k.recordId)] : [])).find(Boolean) ??
        (p?.companyId ? company.get(p.companyId) : undefined);
      const contact = p ? fullName(p) : l ? fullName(l) : null;
      const client = c?.name ?? l?.companyName ?? null;
      const lines = [
        contact ? `${words.contact}: ${contact}` : null,
        client ? `${words.company}: ${client}` : null,
      ].filter((x): x is string => x !== null);
      const description = [lines.join("\n"), row.description ?? ""].filter(Boolean).join("\n\n") || null;
      const start = row.startAt ?? row.createdAt;
      const end =
        row.endAt && row.endAt > start ? row.endAt : new Date(start.getTime() + DEFAULT_MINUTES * 60_000);
      const zone = row.timeZone ?? owner.timeZone;
      const scope: ActivityScope = !shown.has(row.type)
        ? "type-hidden"
        : row.state === "planned" && row.startAt
          ? "yes"
          : "no";
      const state: SyncedEventState = {
        title: row.subject || row.type,
        description,
        location: null,
        status: "confirmed",
        timing: {
          allDay: false,
          startAt: start.toISOString(),
          endAt: end.toISOString(),
          timeZone: zone,
          endTimeZone: zone,
        },
        organizer: { email: owner.email.toLowerCase(), name: owner.name },
        attendees: [],
        recurrence: null,
        exceptions: [],
      };
      return [row.id, { scope, state }];
    }),
  );
}
