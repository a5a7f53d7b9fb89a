// A planned activity as a calendar entry (R-ACT-1, R-ACT-2): the same synced shape as an event, so the
// same reconcile and the same writers carry it. The entry names the linked contact and the client
// (company) above the description, in the owner's language; it has no attendees, so writing it never
// invites anyone (failure mode 9). Its times are the activity's instants on the activity's zone
// (R-ACT-5): whatever zone the calendar shows, the instant is the same.
import { eq, inArray } from "drizzle-orm";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import type { Tx } from "../../db/index.js";
import {
  type activities,
  activityLinks,
  activityTypes,
  companies,
  leads,
  persons,
  users,
} from "../../db/schema.js";

export type ActivityRow = typeof activities.$inferSelect;

/** An activity without an end lasts this long in the calendar. */
const DEFAULT_MINUTES = 30;

const LABELS: Record<string, { contact: string; company: string }> = {
  en: { contact: "Contact", company: "Company" },
  es: { contact: "Contacto", company: "Cliente" },
  it: { contact: "Contatto", company: "Cliente" },
};

/** R-ACT-1: written to calendars while planned, of a type shown in calendars, and placed in time. */
export async function activityInScope(tx: Tx, row: ActivityRow): Promise<"yes" | "type-hidden" | "no"> {
  const [type] = await tx
    .select({ shown: activityTypes.showInCalendars })
    .from(activityTypes)
    .where(eq(activityTypes.key, row.type));
  if (!type?.shown) return "type-hidden";
  return row.state === "planned" && row.startAt ? "yes" : "no";
}

const fullName = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName}`.trim();

/** The linked contact (a person, else a lead) and the client: a linked company, else the contact's. */
async function contactAndCompany(tx: Tx, activityId: string) {
  const links = await tx.select().from(activityLinks).where(eq(activityLinks.activityId, activityId));
  const ids = (t: string) => links.filter((l) => l.recordType === t).map((l) => l.recordId);
  const ps = ids("person").length
    ? await tx
        .select()
        .from(persons)
        .where(inArray(persons.id, ids("person")))
    : [];
  const ls = ids("lead").length
    ? await tx
        .select()
        .from(leads)
        .where(inArray(leads.id, ids("lead")))
    : [];
  const companyIds = [...ids("company"), ...ps.flatMap((p) => (p.companyId ? [p.companyId] : []))];
  const cs = companyIds.length
    ? await tx.select().from(companies).where(inArray(companies.id, companyIds))
    : [];
  const contact = ps[0] ? fullName(ps[0]) : ls[0] ? fullName(ls[0]) : null;
  const company =
    cs.find((c) => c.id === ids("company")[0])?.name ?? cs[0]?.name ?? ls[0]?.companyName ?? null;
  return { contact, company };
}

export async function activityStateOf(tx: Tx, row: ActivityRow): Promise<SyncedEventState> {
  const [owner] = await tx.select().from(users).where(eq(users.id, row.ownerId));
  const words = LABELS[owner?.locale ?? "en"] ?? LABELS.en!;
  const { contact, company } = await contactAndCompany(tx, row.id);
  const lines = [
    contact ? `${words.contact}: ${contact}` : null,
    company ? `${words.company}: ${company}` : null,
  ].filter((l): l is string => l !== null);
  const description = [lines.join("\n"), row.description ?? ""].filter(Boolean).join("\n\n") || null;
  const start = row.startAt ?? row.createdAt;
  const end =
    row.endAt && row.endAt > start ? row.endAt : new Date(start.getTime() + DEFAULT_MINUTES * 60_000);
  const zone = row.timeZone ?? owner?.timeZone ?? "UTC";
  return {
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
    organizer: owner ? { email: owner.email.toLowerCase(), name: owner.name } : null,
    attendees: [],
    recurrence: null,
    exceptions: [],
  };
}
