// R-SB-8: the one answer a sidebar needs when a message is opened — for every address, the CRM
// record behind it with badge, company, owner, open deals, next events and last activities, plus
// whether this message is logged already. A fixed number of queries, whatever the address count.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { ContextEntry, ContextResponse, RecordCard } from "../../shared/api/context.js";
import { badgeFor, type DealStatus } from "../../shared/categories.js";
import { pickLocale } from "../../shared/i18n.js";
import { normalizeEmail, suggestName } from "../../shared/text.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { rowsOf } from "../db/index.js";
import { activities, companies, type RecordType } from "../db/schema.js";
import { visibleTo } from "./access.js";
import { categoriesOf } from "./categories.js";
import { matchAddresses } from "./match.js";
import { normalizeMessageId } from "./message-id.js";
import { unknownOwner } from "./owners.js";

const FREE_MAIL = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "yahoo.com",
  "yahoo.es",
  "yahoo.it",
  "icloud.com",
  "me.com",
  "aol.com",
  "gmx.de",
  "gmx.net",
  "proton.me",
  "protonmail.com",
  "libero.it",
  "virgilio.it",
]);

/** `Ana López <ana@x.com>`, `"López, Ana" <ana@x.com>` or a bare address. */
export function parseMailbox(input: string): { address: string; displayName: string | null } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>\s]+@[^<>\s]+)>\s*$/.exec(input);
  if (m) return { address: normalizeEmail(m[2]), displayName: m[1]?.trim() || null };
  return { address: normalizeEmail(input), displayName: null };
}

/** A record as one row of the cards statement: its own fields, and its related rows as JSON. */
interface CardRow {
  type: RecordType;
  id: string;
  first_name: string;
  last_name: string | null;
  title: string | null;
  company_id: string | null;
  company_name: string | null;
  phones: string[];
  owner_id: string;
  owner_name: string | null;
  owner_email: string | null;
  customer_status: "none" | "current" | "former" | null;
  emails: string[];
  deals: (Omit<RecordCard["openDeals"][number], "status"> & { status: DealStatus; ownerId: string })[];
  events: RecordCard["nextEvents"];
  activities: RecordCard["lastActivities"];
}

export async function messageContext(
  db: Tx,
  user: AuthUser,
  input: { addresses: string[]; messageId?: string; acceptLanguage?: string },
): Promise<ContextResponse> {
  const locale = pickLocale(input.acceptLanguage || user.locale);
  const seen = new Set<string>();
  const mailboxes = input.addresses.map(parseMailbox).filter((m) => {
    if (seen.has(m.address)) return false;
    seen.add(m.address);
    return true;
  });
  const others = mailboxes.filter((m) => !user.addresses.includes(m.address)).map((m) => m.address);
  const messageId = input.messageId ? normalizeMessageId(input.messageId) : null;

  const [matches, logged] = await Promise.all([
    matchAddresses(db, user, others),
    messageId
      ? db
          .select({ id: activities.id, createdAt: activities.createdAt })
          .from(activities)
          .where(and(eq(activities.ownerId, user.id), eq(activities.messageId, messageId)))
      : Promise.resolve([]),
  ]);
  const chosen = new Map<string, { type: RecordType; id: string }>();
  for (const a of others) {
    const m = matches.get(a)?.[0];
    if (m) chosen.set(a, m);
  }
  const unknownDomains = others.filter((a) => !chosen.has(a)).map((a) => a.split("@")[1] ?? "");
  const [cards, companyByDomain] = await Promise.all([
    recordCards(db, user, [...chosen.values()], locale),
    companiesByDomain(db, user, unknownDomains),
  ]);

  const participants: ContextEntry[] = mailboxes.map((m) => {
    if (user.addresses.includes(m.address))
      return { address: m.address, displayName: m.displayName, status: "self" };
    const ref = chosen.get(m.address);
    const card = ref && cards.get(`${ref.type}:${ref.id}`);
    if (card) return { address: m.address, displayName: m.displayName, status: "known", record: card };
    const domain = m.address.split("@")[1] ?? "";
    const name = suggestName(m.address, m.displayName);
    return {
      address: m.address,
      displayName: m.displayName,
      status: "unknown",
      suggestion: { ...name, companyName: companyByDomain.get(domain) ?? companyFromDomain(domain), domain },
    };
  });
  return {
    user: { id: user.id, name: user.name, email: user.email, locale: user.locale },
    locale,
    messageId,
    logged: logged[0] ? { activityId: logged[0].id, loggedAt: logged[0].createdAt.toISOString() } : null,
    participants,
  };
}

function companyFromDomain(domain: string): string | null {
  if (!domain || FREE_MAIL.has(domain)) return null;
  const label = domain.split(".").slice(-2, -1)[0] ?? domain;
  return label
    .split("-")
    .map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w))
    .join(" ");
}

async function companiesByDomain(db: Tx, user: AuthUser, domains: string[]) {
  const wanted = [...new Set(domains.filter((d) => d && !FREE_MAIL.has(d)))];
  if (!wanted.length) return new Map<string, string>();
  const rows = await db
    .select({ domain: companies.domain, name: companies.name })
    .from(companies)
    .where(and(inArray(companies.domain, wanted), visibleTo(user, "company", companies)));
  return new Map(rows.map((r) => [r.domain!, r.name]));
}

/**
 * The cards of the matched records in one statement (R-SB-8: a fixed number of queries): one row per
 * record with company, owner and addresses, its deals (all, for the badge), its next 3 events and its
 * last 5 activities as JSON. Events and activities are the user's own unless he is an admin.
 */
async function recordCards(
  db: Tx,
  user: AuthUser,
  refs: { type: RecordType; id: string }[],
  locale: string,
): Promise<Map<string, RecordCard>> {
  const out = new Map<string, RecordCard>();
  if (!refs.length) return out;
  const ids = (t: RecordType) =>
    sql.join(
      [...new Set(refs.filter((r) => r.type === t).map((r) => r.id))].map((i) => sql`${i}`),
      sql`, `,
    );
  const own = (col: string) => (user.role === "admin" ? sql`` : sql` and ${sql.raw(col)} = ${user.id}`);
  const ms = (col: string) => sql.raw(`date_trunc('milliseconds', ${col})`);
  // The related rows of record `r` of type t; deals hang off persons and companies only.
  const related = (t: RecordType) => sql`
    (select coalesce(json_agg(re.email order by re.position), '[]') from record_emails re
      where re.record_type = ${t} and re.record_id = r.id) as emails,
    ${
      t === "lead"
        ? sql`'[]'::json`
        : sql`(select coalesce(json_agg(json_build_object('id', d.id, 'name', d.name, 'status', d.status, 'value', d.value,
                 'currency', d.currency, 'ownerId', d.owner_id) order by d.id desc), '[]')
             from deals d where ${sql.raw(t === "person" ? "d.person_id" : "d.company_id")} = r.id)`
    } as deals,
    (select coalesce(json_agg(json_build_object('id', e.id, 'title', e.title, 'startAt', ${ms("e.start_at")},
              'endAt', ${ms("e.end_at")}, 'timeZone', e.time_zone, 'status', e.status) order by e.start_at), '[]')
       from (select e.id, e.title, e.start_at, e.end_at, e.time_zone, e.status from event_attendees ea join events e on e.id = ea.event_id
             where ea.record_type = ${t} and ea.record_id = r.id and e.end_at >= now() and e.status <> 'cancelled'${own("e.owner_id")}
             order by e.start_at limit 3) e) as events,
    (select coalesce(json_agg(json_build_object('id', a.id, 'type', a.type, 'subject', a.subject, 'state', a.state,
              'at', ${ms("a.at")}, 'direction', a.direction) order by a.at desc, a.id desc), '[]')
       from (select a.id, a.type, a.subject, a.state, a.direction, coalesce(a.start_at, a.created_at) as at
             from activity_links al join activities a on a.id = al.activity_id
             where al.record_type = ${t} and al.record_id = r.id${own("a.owner_id")}
             order by coalesce(a.start_at, a.created_at) desc, a.id desc limit 5) a) as activities`;
  const parts = [];
  if (refs.some((r) => r.type === "person"))
    parts.push(sql`select 'person' as type, r.id, r.first_name, r.last_name, r.title, r.company_id, c.name as company_name,
        r.phones, r.owner_id, u.name as owner_name, u.email as owner_email, r.customer_status, ${related("person")}
      from persons r left join companies c on c.id = r.company_id left join users u on u.id = r.owner_id
      where r.id in (${ids("person")}) and r.merged_into is null`);
  if (refs.some((r) => r.type === "company"))
    parts.push(sql`select 'company' as type, r.id, r.name as first_name, null as last_name, null as title,
        null as company_id, null as company_name, r.phones, r.owner_id, u.name as owner_name, u.email as owner_email,
        r.customer_status, ${related("company")}
      from companies r left join users u on u.id = r.owner_id where r.id in (${ids("company")})`);
  if (refs.some((r) => r.type === "lead"))
    parts.push(sql`select 'lead' as type, r.id, r.first_name, r.last_name, r.title, null as company_id, r.company_name,
        r.phones, r.owner_id, u.name as owner_name, u.email as owner_email, null as customer_status, ${related("lead")}
      from leads r left join users u on u.id = r.owner_id where r.id in (${ids("lead")})`);
  const rows = rowsOf<CardRow>(await db.execute(sql.join(parts, sql` union all `)));

  const visibleDeal = (d: { ownerId: string }) => user.role === "admin" || d.ownerId === user.id;
  const iso = (v: string) => new Date(v).toISOString();
  for (const r of rows) {
    const categories = categoriesOf(
      r.type,
      r.customer_status ?? undefined,
      r.deals.map((d) => d.status),
    );
    out.set(`${r.type}:${r.id}`, {
      type: r.type,
      id: r.id,
      name: r.type === "company" ? r.first_name : `${r.first_name} ${r.last_name}`.trim(),
      title: r.title,
      company:
        r.type === "person"
          ? r.company_id
            ? { id: r.company_id, name: r.company_name ?? "" }
            : null
          : r.type === "lead" && r.company_name
            ? { id: null, name: r.company_name }
            : null,
      emails: r.emails,
      phones: r.phones,
      owner:
        r.owner_name === null
          ? unknownOwner(r.owner_id)
          : { id: r.owner_id, name: r.owner_name, email: r.owner_email ?? "" },
      badge: badgeFor(categories, locale),
      openDeals: r.deals
        .filter((d) => d.status === "open" && visibleDeal(d))
        .slice(0, 5)
        .map((d) => ({ id: d.id, name: d.name, status: d.status, value: d.value, currency: d.currency })),
      nextEvents: r.events.map((e) => ({ ...e, startAt: iso(e.startAt), endAt: iso(e.endAt) })),
      lastActivities: r.activities.map((a) => ({ ...a, at: iso(a.at), direction: a.direction ?? null })),
    });
  }
  return out;
}
