// CRM → Exchange (R-X-3, R-X-6, R-X-8): persons, companies and leads the owner can see that have no
// contact yet are created in the integration's target folder (outbound-create.ts); linked ones changed
// in the CRM are written with If-Match.
//
// Which persons changed is found by a watermark, not an outbox: a person's contact depends on its own
// row, its company's name and its deals (its R-CAT-1 status), written by many code paths; an outbox
// would need a row from each of them. The watermark query reads the three `updated_at`s (and when the
// person was shared with the user) instead, with an
// overlap for transactions that committed late, and every candidate is reconciled against what was last
// synced, so one seen twice writes nothing the second time. Links whose write is owed (`push_pending`:
// the CRM won a field during an import) are candidates too.
import { and, eq, gt, isNull, notExists, or, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { AuthUser } from "../../auth/user.js";
import { companyVisible } from "../../crm/companies.js";
import { leadVisible } from "../../crm/leads.js";
import { personVisible } from "../../crm/persons.js";
import type { Db } from "../../db/index.js";
import {
  companies,
  contactLinks,
  deals,
  exchangeIntegrations,
  grants,
  leads,
  persons,
  type RecordType,
} from "../../db/schema.js";
import { linkColumn, RECORD_TYPES, readCrmRecords, recordOfLink } from "./crm-record.js";
import { createMissing } from "./outbound-create.js";
import type { ContactsPort } from "./port.js";
import { pushLink } from "./push-link.js";
import { type ExchangeIntegration, targetFolder } from "./settings.js";

/** Whether a linked contact waits for a write the CRM won. */
export async function hasPendingPush(db: Db, connectionId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: contactLinks.id })
    .from(contactLinks)
    .where(
      and(
        eq(contactLinks.connectionId, connectionId),
        eq(contactLinks.state, "linked"),
        eq(contactLinks.pushPending, true),
      ),
    )
    .limit(1);
  return !!row;
}

/** Transactions commit after they take their time: changes this much older than the watermark are read again. */
const OVERLAP_MS = 5 * 60_000;

/**
 * Where a round of writes stands between steps (kept in the contacts cursor): when it began, and the
 * last link it went through. A round longer than a step goes on from there in the next one; started
 * over, a step's time could run out again at the same place, every time.
 */
export interface PushPosition {
  startedAt: string;
  type: RecordType;
  after?: string;
}

export interface PushReport {
  created: number;
  updated: number;
  /** Candidates were left for the next call (the budget ran out). */
  more: boolean;
  /** Where the next call goes on, when `more`. */
  position?: PushPosition;
}

/** Visible records of `type` with no contact at all: a contact removed in Exchange keeps its (ignored)
 * link, so its record is never created there again (R-X-7). */
async function missingOf(db: Db, owner: AuthUser, connectionId: string, type: RecordType, limit: number) {
  const table = type === "company" ? companies : type === "lead" ? leads : persons;
  const visible =
    type === "company" ? companyVisible(owner) : type === "lead" ? leadVisible(owner) : personVisible(owner);
  return db
    .select({ id: table.id })
    .from(table)
    .where(
      and(
        visible,
        notExists(
          db
            .select({ one: sql`1` })
            .from(contactLinks)
            .where(and(eq(contactLinks.connectionId, connectionId), eq(linkColumn(type), table.id))),
        ),
      ),
    )
    .orderBy(table.id)
    .limit(limit);
}

/** Shared with the user again after a pause: what changed meanwhile is written now (R-X-8). */
const grantedSince = (owner: AuthUser, type: RecordType, id: AnyPgColumn, since: Date) =>
  sql`exists (select 1 from ${grants} where ${grants.recordType} = ${type}
    and ${grants.recordId} = ${id} and ${grants.userId} = ${owner.id} and ${grants.createdAt} > ${since})`;

/**
 * Linked records of `type` whose contact may be owed a write (changed since the watermark, or pending),
 * the first `limit` after the link `after` in link order.
 */
function changedLinks(
  db: Db,
  owner: AuthUser,
  connectionId: string,
  type: RecordType,
  since: Date,
  after: string | undefined,
  limit: number,
) {
  const base = and(
    eq(contactLinks.connectionId, connectionId),
    eq(contactLinks.state, "linked"),
    after === undefined ? undefined : gt(contactLinks.id, after),
  );
  return changedLinksQuery(db, owner, type, since, base).orderBy(contactLinks.id).limit(limit);
}

function changedLinksQuery(db: Db, owner: AuthUser, type: RecordType, since: Date, base: SQL | undefined) {
  if (type === "company")
    return db
      .selectDistinct({ link: contactLinks })
      .from(contactLinks)
      .innerJoin(companies, eq(companies.id, contactLinks.companyId))
      .leftJoin(deals, eq(deals.companyId, companies.id))
      .where(
        and(
          base,
          or(
            eq(contactLinks.pushPending, true),
            gt(companies.updatedAt, since),
            gt(deals.updatedAt, since),
            grantedSince(owner, "company", companies.id, since),
          ),
        ),
      );
  if (type === "lead")
    return db
      .select({ link: contactLinks })
      .from(contactLinks)
      .innerJoin(leads, eq(leads.id, contactLinks.leadId))
      .where(
        and(
          base,
          or(
            eq(contactLinks.pushPending, true),
            gt(leads.updatedAt, since),
            grantedSince(owner, "lead", leads.id, since),
          ),
        ),
      );
  return db
    .selectDistinct({ link: contactLinks })
    .from(contactLinks)
    .innerJoin(persons, eq(persons.id, contactLinks.personId))
    .leftJoin(companies, eq(companies.id, persons.companyId))
    .leftJoin(deals, eq(deals.personId, persons.id))
    .where(
      and(
        base,
        isNull(persons.mergedInto),
        or(
          eq(contactLinks.pushPending, true),
          gt(persons.updatedAt, since),
          gt(companies.updatedAt, since),
          gt(deals.updatedAt, since),
          grantedSince(owner, "person", persons.id, since),
        ),
      ),
    );
}

export async function pushCrmContacts(
  db: Db,
  owner: AuthUser,
  integration: ExchangeIntegration,
  port: ContactsPort,
  budget: number,
  /** Links already written in this round, and those refused in this session (they wait for a listing). */
  tried: { round: Set<string>; refused: Set<string> },
  /** Where the round the last call left unfinished stands. */
  resume?: PushPosition,
): Promise<PushReport> {
  const report: PushReport = { created: 0, updated: 0, more: false };
  const folder = targetFolder(integration);
  if (!folder) return report;
  const startedAt = resume ? new Date(resume.startedAt) : new Date();
  const connectionId = integration.connectionId;
  const language = integration.language;

  let left = budget;
  for (const type of RECORD_TYPES) {
    if (left <= 0) {
      report.more = true;
      break;
    }
    const missing = await missingOf(db, owner, connectionId, type, left + 1);
    if (missing.length > left) report.more = true;
    const ids = missing.slice(0, left).map((m) => m.id);
    left -= ids.length;
    const records = await readCrmRecords(db, owner, type, ids, language);
    const made = await createMissing(db, owner, integration, port, folder, [...records.values()]);
    report.created += made.created;
  }
  if (report.more) return { ...report, position: resume };

  // Before the first round has ended, the watermark is the activation: every link made since holds the
  // record as both sides agreed (a match the CRM won a field of is `push_pending`).
  const since = new Date((integration.pushedThrough ?? integration.activatedAt).getTime() - OVERLAP_MS);
  const from = resume ? RECORD_TYPES.indexOf(resume.type) : 0;
  for (const type of RECORD_TYPES.slice(from)) {
    const after = resume?.type === type ? resume.after : undefined;
    const listed = await changedLinks(db, owner, connectionId, type, since, after, budget + 1);
    const batch = listed.slice(0, budget).map((c) => c.link);
    const pending = batch.filter((l) => !tried.round.has(l.id) && !tried.refused.has(l.id));
    const crm = await readCrmRecords(
      db,
      owner,
      type,
      pending.flatMap((l) => recordOfLink(l)?.id ?? []),
      language,
    );
    for (const link of pending) {
      tried.round.add(link.id);
      const record = crm.get(recordOfLink(link)?.id ?? "");
      // No longer visible: it stops syncing, and nothing is deleted anywhere (R-X-8).
      if (!record) continue;
      const outcome = await pushLink(db, owner, integration, port, link, record);
      if (outcome === "written") report.updated++;
      if (outcome === "refused") tried.refused.add(link.id);
    }
    if (listed.length > budget) {
      report.more = true;
      report.position = { startedAt: startedAt.toISOString(), type, after: batch.at(-1)!.id };
      return report;
    }
  }
  await db
    .update(exchangeIntegrations)
    .set({ pushedThrough: startedAt })
    .where(eq(exchangeIntegrations.connectionId, connectionId));
  return report;
}
