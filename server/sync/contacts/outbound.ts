// CRM → Exchange (R-X-3, R-X-6, R-X-8): persons the owner can see that have no contact yet are created
// in the integration's target folder; linked persons changed in the CRM are written with If-Match.
//
// Which persons changed is found by a watermark, not an outbox: a person's contact depends on its own
// row, its company's name and its deals (its R-CAT-1 status), written by many code paths; an outbox
// would need a row from each of them. The watermark query reads the three `updated_at`s (and when the
// person was shared with the user) instead, with an
// overlap for transactions that committed late, and every candidate is reconciled against what was last
// synced, so one seen twice writes nothing the second time. Links whose write is owed (`push_pending`:
// the CRM won a field during an import) are candidates too.
import { and, eq, gt, isNull, notExists, or, sql } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import { personVisible } from "../../crm/persons.js";
import type { Db } from "../../db/index.js";
import { companies, contactLinks, deals, exchangeIntegrations, grants, persons } from "../../db/schema.js";
import { project } from "../../reconcile/contacts-compare.js";
import { readCrmContacts } from "./crm-contact.js";
import { saveLink } from "./links.js";
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

export interface PushReport {
  created: number;
  updated: number;
  /** Candidates were left for the next call (the budget ran out). */
  more: boolean;
}

export async function pushCrmContacts(
  db: Db,
  owner: AuthUser,
  integration: ExchangeIntegration,
  port: ContactsPort,
  budget: number,
  /** Links already written in this round, and those refused in this session (they wait for a listing). */
  tried: { round: Set<string>; refused: Set<string> },
): Promise<PushReport> {
  const report: PushReport = { created: 0, updated: 0, more: false };
  const folder = targetFolder(integration);
  if (!folder) return report;
  const startedAt = new Date();
  const connectionId = integration.connectionId;

  // Persons with no contact at all: a contact removed in Exchange keeps its (ignored) link, so its person
  // is never created there again (R-X-7).
  const missing = await db
    .select({ id: persons.id })
    .from(persons)
    .where(
      and(
        personVisible(owner),
        notExists(
          db
            .select({ one: sql`1` })
            .from(contactLinks)
            .where(and(eq(contactLinks.connectionId, connectionId), eq(contactLinks.personId, persons.id))),
        ),
      ),
    )
    .orderBy(persons.id)
    .limit(budget + 1);
  if (missing.length > budget) report.more = true;
  const toCreate = await readCrmContacts(
    db,
    owner,
    missing.slice(0, budget).map((m) => m.id),
    integration.language,
  );
  for (const [personId, p] of toCreate) {
    const fields = project(p.contact.fields);
    const made = await port.create(folder, {
      fields,
      categories: p.contact.categories,
      extended: { conciliaId: personId, fields: {} },
    });
    await saveLink(db, {
      connectionId,
      folderId: folder,
      providerId: made.id,
      personId,
      changeKey: made.changeKey,
      lastSynced: { fields, categories: made.categories, exchangeChangedAt: {} },
      pushPending: false,
    });
    report.created++;
  }

  const since = new Date((integration.pushedThrough?.getTime() ?? 0) - OVERLAP_MS);
  const changed = await db
    .selectDistinct({ link: contactLinks })
    .from(contactLinks)
    .innerJoin(persons, eq(persons.id, contactLinks.personId))
    .leftJoin(companies, eq(companies.id, persons.companyId))
    .leftJoin(deals, eq(deals.personId, persons.id))
    .where(
      and(
        eq(contactLinks.connectionId, connectionId),
        eq(contactLinks.state, "linked"),
        isNull(persons.mergedInto),
        or(
          eq(contactLinks.pushPending, true),
          gt(persons.updatedAt, since),
          gt(companies.updatedAt, since),
          gt(deals.updatedAt, since),
          // Shared with the user again after a pause: what changed meanwhile is written now (R-X-8).
          sql`exists (select 1 from ${grants} where ${grants.recordType} = 'person'
            and ${grants.recordId} = ${persons.id} and ${grants.userId} = ${owner.id}
            and ${grants.createdAt} > ${since})`,
        ),
      ),
    );
  const pending = changed
    .map((c) => c.link)
    .filter((l) => !tried.round.has(l.id) && !tried.refused.has(l.id));
  if (pending.length > budget) report.more = true;
  const batch = pending.slice(0, budget);
  const crm = await readCrmContacts(
    db,
    owner,
    batch.flatMap((l) => (l.personId ? [l.personId] : [])),
    integration.language,
  );
  for (const link of batch) {
    tried.round.add(link.id);
    const person = link.personId ? crm.get(link.personId) : undefined;
    // No longer visible: it stops syncing, and nothing is deleted anywhere (R-X-8).
    if (!person) continue;
    const outcome = await pushLink(db, owner, integration, port, link, person);
    if (outcome === "written") report.updated++;
    if (outcome === "refused") tried.refused.add(link.id);
  }
  if (!report.more)
    await db
      .update(exchangeIntegrations)
      .set({ pushedThrough: startedAt })
      .where(eq(exchangeIntegrations.connectionId, connectionId));
  return report;
}
