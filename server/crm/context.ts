// R-SB-8: the one answer a sidebar needs when a message is opened — for every address, the CRM
// record behind it with badge, company, owner, open deals, next events and last activities, plus
// whether this message is logged already. A fixed number of queries, whatever the address count.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { ContextEntry, ContextResponse, RecordCard } from "../../shared/api/context.js";
import { badgeFor } from "../../shared/categories.js";
import { pickLocale } from "../../shared/i18n.js";
import { normalizeEmail, suggestName } from "../../shared/text.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { rowsOf } from "../db/index.js";
import { activities, companies, deals, leads, persons, type RecordType } from "../db/schema.js";
import { visibleTo } from "./access.js";
import { categoriesOf } from "./categories.js";
import { emailsOf } from "./emails.js";
import { matchAddresses } from "./match.js";
import { normalizeMessageId } from "./message-id.js";
import { ownerRefs, unknownOwner } from "./owners.js";

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

interface Base {
  type: RecordType;
  id: string;
  name: string;
  title: string | null;
  company: { id: string | null; name: string } | null;
  phones: string[];
  ownerId: string;
  customerStatus?: "none" | "current" | "former";
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
  const cards = await recordCards(db, user, [...chosen.values()], locale);
  const unknownDomains = others.filter((a) => !chosen.has(a)).map((a) => a.split("@")[1] ?? "");
  const companyByDomain = await companiesByDomain(db, user, unknownDomains);

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

async function recordCards(
  db: Tx,
  user: AuthUser,
  refs: { type: RecordType; id: string }[],
  locale: string,
): Promise<Map<string, RecordCard>> {
  const out = new Map<string, RecordCard>();
  if (!refs.length) return out;
  const ids = (t: RecordType) => [...new Set(refs.filter((r) => r.type === t).map((r) => r.id))];
  const [pIds, cIds, lIds] = [ids("person"), ids("company"), ids("lead")];

  const [pRows, cRows, lRows] = await Promise.all([
    pIds.length
      ? db
          .select({ p: persons, companyName: companies.name })
          .from(persons)
          .leftJoin(companies, eq(companies.id, persons.companyId))
          .where(and(inArray(persons.id, pIds), isNull(persons.mergedInto)))
      : [],
    cIds.length ? db.select().from(companies).where(inArray(companies.id, cIds)) : [],
    lIds.length ? db.select().from(leads).where(inArray(leads.id, lIds)) : [],
  ]);
  const bases: Base[] = [
    ...pRows.map(({ p, companyName }) => ({
      type: "person" as const,
      id: p.id,
      name: `${p.firstName} ${p.lastName}`.trim(),
      title: p.title,
      company: p.companyId ? { id: p.companyId, name: companyName ?? "" } : null,
      phones: p.phones,
      ownerId: p.ownerId,
      customerStatus: p.customerStatus,
    })),
    ...cRows.map((c) => ({
      type: "company" as const,
      id: c.id,
      name: c.name,
      title: null,
      company: null,
      phones: c.phones,
      ownerId: c.ownerId,
      customerStatus: c.customerStatus,
    })),
    ...lRows.map((l) => ({
      type: "lead" as const,
      id: l.id,
      name: `${l.firstName} ${l.lastName}`.trim(),
      title: l.title,
      company: l.companyName ? { id: null, name: l.companyName } : null,
      phones: l.phones,
      ownerId: l.ownerId,
    })),
  ];

  // By type and id, so that the (record_type, record_id) indexes of event_attendees and activity_links serve.
  const ofBases = (alias: string) => {
    const byType = (["person", "company", "lead"] as const)
      .map((t) => [t, bases.filter((b) => b.type === t).map((b) => b.id)] as const)
      .filter(([, ids]) => ids.length);
    if (!byType.length) return sql`false`;
    const a = sql.raw(alias);
    const one = ([t, ids]: (typeof byType)[number]) =>
      sql`(${a}.record_type = ${t} and ${a}.record_id in (${sql.join(
        ids.map((i) => sql`${i}`),
        sql`, `,
      )}))`;
    return sql`(${sql.join(byType.map(one), sql` or `)})`;
  };
  const [owners, pEmails, cEmails, lEmails, dealRows, eventRows, activityRows] = await Promise.all([
    ownerRefs(
      db,
      bases.map((b) => b.ownerId),
    ),
    emailsOf(db, "person", pIds),
    emailsOf(db, "company", cIds),
    emailsOf(db, "lead", lIds),
    pIds.length || cIds.length
      ? db
          .select({
            id: deals.id,
            name: deals.name,
            status: deals.status,
            value: deals.value,
            currency: deals.currency,
            personId: deals.personId,
            companyId: deals.companyId,
            ownerId: deals.ownerId,
          })
          .from(deals)
          .where(
            sql`(${pIds.length ? inArray(deals.personId, pIds) : sql`false`} or ${
              cIds.length ? inArray(deals.companyId, cIds) : sql`false`
            })`,
          )
          .orderBy(sql`${deals.id} desc`)
      : [],
    db.execute(sql`
      select * from (
        select ea.record_type, ea.record_id, e.id, e.title, e.start_at, e.end_at, e.time_zone, e.status,
               row_number() over (partition by ea.record_type, ea.record_id order by e.start_at) as n
        from event_attendees ea join events e on e.id = ea.event_id
        where ${ofBases("ea")}
          and e.end_at >= now() and e.status <> 'cancelled'
          ${user.role === "admin" ? sql`` : sql`and e.owner_id = ${user.id}`}
      ) t where n <= 3 order by start_at`),
    db.execute(sql`
      select * from (
        select al.record_type, al.record_id, a.id, a.type, a.subject, a.state, a.direction,
               coalesce(a.start_at, a.created_at) as at,
               row_number() over (partition by al.record_type, al.record_id
                                  order by coalesce(a.start_at, a.created_at) desc, a.id desc) as n
        from activity_links al join activities a on a.id = al.activity_id
        where ${ofBases("al")}
          ${user.role === "admin" ? sql`` : sql`and a.owner_id = ${user.id}`}
      ) t where n <= 5 order by at desc`),
  ]);
  const visibleDeal = (d: { ownerId: string }) => user.role === "admin" || d.ownerId === user.id;

  const iso = (v: unknown) => (v instanceof Date ? v : new Date(String(v))).toISOString();
  for (const b of bases) {
    const mine = dealRows.filter((d) =>
      b.type === "person" ? d.personId === b.id : b.type === "company" && d.companyId === b.id,
    );
    const categories = categoriesOf(
      b.type,
      b.customerStatus,
      mine.map((d) => d.status),
    );
    const emails = (b.type === "person" ? pEmails : b.type === "company" ? cEmails : lEmails).get(b.id) ?? [];
    out.set(`${b.type}:${b.id}`, {
      type: b.type,
      id: b.id,
      name: b.name,
      title: b.title,
      company: b.company,
      emails,
      phones: b.phones,
      owner: owners.get(b.ownerId) ?? unknownOwner(b.ownerId),
      badge: badgeFor(categories, locale),
      openDeals: mine
        .filter((d) => d.status === "open" && visibleDeal(d))
        .slice(0, 5)
        .map((d) => ({ id: d.id, name: d.name, status: d.status, value: d.value, currency: d.currency })),
      nextEvents: rowsOf<any>(eventRows)
        .filter((e) => e.record_type === b.type && e.record_id === b.id)
        .map((e) => ({
          id: e.id,
          title: e.title,
          startAt: iso(e.start_at),
          endAt: iso(e.end_at),
          timeZone: e.time_zone,
          status: e.status,
        })),
      lastActivities: rowsOf<any>(activityRows)
        .filter((a) => a.record_type === b.type && a.record_id === b.id)
        .map((a) => ({
          id: a.id,
          type: a.type,
          subject: a.subject,
          state: a.state,
          at: iso(a.at),
          direction: a.direction ?? null,
        })),
    });
  }
  return out;
}
