// R-SB-8: the one answer a sidebar needs when a message is opened — for every address, the CRM
// record behind it with badge, company, owner, open deals, next events and last activities, plus
// whether this message is logged already. One statement (context-sql.ts), whatever the address count.
import type {
  ContextEntry,
  ContextResponse,
  LogState,
  NotLoggedReason,
  RecordCard,
} from "../../shared/api/context.js";
import { badgeFor, type DealStatus } from "../../shared/categories.js";
import { pickLocale } from "../../shared/i18n.js";
import { normalizeMessageId } from "../../shared/message-id.js";
import { normalizeEmail, suggestName } from "../../shared/text.js";
import type { AuthUser } from "../auth/user.js";
import { batcher } from "../db/batcher.js";
import { CONTEXT_STATEMENTS, type Database } from "../db/index.js";
import type { RecordType } from "../db/schema.js";
import { isInternal, neverLogEntries } from "../mail/log-policy.js";
import { defaultInternalDomains } from "../mail/never-log.js";
import { contextBatchSize } from "../metrics.js";
import { overwrittenForCards } from "./card-overwritten.js";
import { categoriesOf } from "./categories.js";
import { CONTEXT_SQL } from "./context-sql.js";
import { isFreeMailDomain } from "./free-mail.js";
import { nextEvents, type SeriesJson } from "./next-events.js";
import { unknownOwner } from "./owners.js";

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
  /** Every deal of the record (its category counts them all); `visible`: the user may see this one. */
  deals: (Omit<RecordCard["openDeals"][number], "status"> & { status: DealStatus; visible: boolean })[];
  events: Omit<RecordCard["nextEvents"][number], "originalStart" | "warnings">[];
  series: SeriesJson[];
  activities: RecordCard["lastActivities"];
  planned: RecordCard["plannedActivities"];
}

export async function messageContext(
  database: Database,
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
  const messageId = normalizeMessageId(input.messageId ?? "") || null;
  const domains = [...new Set(others.map((a) => a.split("@")[1] ?? ""))].filter(
    (d) => d && !isFreeMailDomain(d),
  );

  const row = await lookupOn(database)({
    userId: user.id,
    isAdmin: user.role === "admin",
    addresses: others,
    messageId,
    domains,
  });
  const chosen = new Map(row.matches.map((m) => [m.email, `${m.type}:${m.id}`]));
  const overwritten = await overwrittenForCards(
    database.sidebarDb,
    row.cards.filter((c) => c.type === "person").map((c) => c.id),
  );
  const cards = new Map(
    row.cards.map((c) => [`${c.type}:${c.id}`, toCard(c, locale, overwritten.get(c.id) ?? [])]),
  );
  const companyByDomain = new Map(row.domains.map((d) => [d.domain, d.name]));

  const participants: ContextEntry[] = mailboxes.map((m) => {
    if (user.addresses.includes(m.address))
      return { address: m.address, displayName: m.displayName, status: "self" };
    const key = chosen.get(m.address);
    const card = key && cards.get(key);
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
    logged: row.logged
      ? { activityId: row.logged.id, loggedAt: new Date(row.logged.createdAt).toISOString() }
      : null,
    logState: logStateOf(row, participants),
    participants,
  };
}

interface Lookup {
  userId: string;
  isAdmin: boolean;
  addresses: string[];
  messageId: string | null;
  domains: string[];
}

/** Concurrent context requests share one statement (context-sql.ts) per batch. */
const lookups = new WeakMap<Database, (input: Lookup) => Promise<ContextRow>>();

function lookupOn(database: Database) {
  let lookup = lookups.get(database);
  if (!lookup) {
    lookup = batcher(async (inputs: Lookup[]) => {
      contextBatchSize.observe(inputs.length);
      const each = <T>(pick: (l: Lookup) => T[]) =>
        inputs.flatMap((l, i) => pick(l).map((v) => [v, i + 1] as const));
      const addresses = each((l) => l.addresses);
      const domains = each((l) => l.domains);
      const { rows } = await database.sidebarQuery<ContextRow>(
        CONTEXT_SQL,
        [
          inputs.map((l) => l.userId),
          inputs.map((l) => l.isAdmin),
          inputs.map((l) => l.messageId),
          addresses.map(([a]) => a),
          addresses.map(([, n]) => n),
          domains.map(([d]) => d),
          domains.map(([, n]) => n),
        ],
        "concilia_context",
      );
      return rows;
    }, batching(database));
    lookups.set(database, lookup);
  }
  return lookup;
}

/**
 * Measured with `npm run bench -- context`: batches of up to 32 with 2 to 4 at PostgreSQL gave the most
 * requests per second; PGlite runs one statement at a time anyway.
 */
const batching = (database: Database) => ({
  maxBatch: 32,
  maxInFlight: database.kind === "pglite" ? 1 : CONTEXT_STATEMENTS,
});

interface ContextRow {
  matches: { email: string; type: RecordType; id: string }[];
  cards: CardRow[];
  logged: { id: string; createdAt: string; source: "manual" | "auto" } | null;
  skip: {
    reason: "no-crm-participant" | "never-log" | "internal" | "automated";
    detail: string | null;
  } | null;
  /** Why sync could not log it, when it gave up on it (parked). */
  failed: string | null;
  connected: boolean;
  never_log: string[];
  internal_domains: string[];
  internal_default: boolean;
  domains: { domain: string; name: string }[];
}

/**
 * R-MAIL-8. What mail sync decided comes first; otherwise what it would decide from the addresses
 * (the headers that make mail automated are not known here), then whether sync has yet to see it.
 */
function logStateOf(row: ContextRow, participants: ContextEntry[]): LogState {
  if (row.logged)
    return {
      status: "logged",
      by: row.logged.source === "auto" ? "automatically" : "hand",
      activityId: row.logged.id,
      loggedAt: new Date(row.logged.createdAt).toISOString(),
    };
  if (row.skip) return { status: "not-logged", ...row.skip, seenBySync: true };
  if (row.failed) return { status: "not-logged", reason: "failed", detail: row.failed, seenBySync: true };
  const live = (reason: NotLoggedReason | null, detail: string | null = null): LogState => ({
    status: "not-logged",
    reason,
    detail,
    seenBySync: false,
  });
  const internal = row.internal_default
    ? defaultInternalDomains(row.internal_domains.map((d) => `@${d}`))
    : row.internal_domains;
  if (
    isInternal(
      participants.map((p) => p.address),
      internal,
    )
  )
    return live("internal");
  const crm = participants.filter((p) => p.status === "known").map((p) => p.address);
  const listed = neverLogEntries(crm, row.never_log);
  if (listed) return live("never-log", listed.join(", "));
  if (!crm.length) return live("no-crm-participant");
  return live(row.connected ? "not-synced-yet" : null);
}

function companyFromDomain(domain: string): string | null {
  if (!domain || isFreeMailDomain(domain)) return null;
  const label = domain.split(".").slice(-2, -1)[0] ?? domain;
  return label
    .split("-")
    .map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w))
    .join(" ");
}

function toCard(r: CardRow, locale: string, overwritten: RecordCard["overwrittenValues"]): RecordCard {
  const iso = (v: string) => new Date(v).toISOString();
  const categories = categoriesOf(
    r.type,
    r.customer_status ?? undefined,
    r.deals.map((d) => d.status),
  );
  return {
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
      .filter((d) => d.status === "open" && d.visible)
      .slice(0, 5)
      .map((d) => ({ id: d.id, name: d.name, status: d.status, value: d.value, currency: d.currency })),
    nextEvents: nextEvents(r.events, r.series, new Date()),
    plannedActivities: r.planned.map((a) => ({ ...a, dueAt: a.dueAt ? iso(a.dueAt) : null })),
    lastActivities: r.activities.map((a) => ({ ...a, at: iso(a.at), direction: a.direction ?? null })),
    overwrittenValues: r.type === "person" ? overwritten : [],
  };
}
