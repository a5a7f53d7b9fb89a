// The contacts benchmark's audit: the CRM and Outlook after the run against the merge the plan implies,
// contact by contact. Each difference is one line of the report.
import { and, eq, isNull } from "drizzle-orm";
import type { GraphContactStore } from "../emulators/microsoft/contact-store.js";
import type { Db } from "../server/db/index.js";
import { overwrittenValues, persons, recordEmails } from "../server/db/schema.js";
import { categoryNames } from "../shared/categories.js";
import { type ContactsPlan, crmEmail, exEmail } from "./_contacts-seed.js";

export async function audit(
  db: Db,
  store: GraphContactStore,
  ownerId: string,
  p: ContactsPlan,
  o: { personIds: string[]; exchange: { ids: string[] }; deletions: number; removedInOutlook: number[] },
) {
  const problems: string[] = [];
  let checked = 0;
  const expect = (ok: boolean, what: string) => {
    checked++;
    if (!ok) problems.push(what);
  };
  const rows = await db
    .select({ id: persons.id, title: persons.title, email: recordEmails.email })
    .from(persons)
    .leftJoin(recordEmails, and(eq(recordEmails.recordId, persons.id), eq(recordEmails.recordType, "person")))
    .where(and(eq(persons.ownerId, ownerId), isNull(persons.mergedInto)));
  const byEmail = new Map<string, { id: string; title: string | null }[]>();
  for (const r of rows) if (r.email) byEmail.set(r.email, [...(byEmail.get(r.email) ?? []), r]);
  const people = new Set(rows.map((r) => r.id)).size;
  expect(
    people === p.n + (p.n - p.overlap) + p.duplicates - o.deletions,
    `CRM persons: ${people}, expected ${p.n + (p.n - p.overlap) + p.duplicates - o.deletions}`,
  );
  const kept = await db.select().from(overwrittenValues);
  const keptFor = new Map<string, (typeof kept)[number][]>();
  for (const k of kept) keptFor.set(k.personId, [...(keptFor.get(k.personId) ?? []), k]);
  const deletedInCrm = (i: number) => i >= p.changes && i < p.changes + o.deletions;
  const twinned = (i: number) => i >= p.n - p.duplicates;
  const outlookTitle = (i: number) =>
    i < p.conflicts || (i >= p.overlap && i < p.overlap + p.changes - p.conflicts);
  /** A CRM person's job title at the end: Outlook's for a conflict, the CRM's edit, else the seed's. */
  const crmTitle = (i: number) => (i < p.conflicts ? `Outlook ${i}` : i < p.changes ? `CRM ${i}` : "Compras");

  // The CRM: one person per CRM person not deleted, one per Exchange-only contact (two for a duplicate).
  for (let i = 0; i < p.n; i++) {
    const mine = byEmail.get(crmEmail(i)) ?? [];
    if (deletedInCrm(i)) expect(mine.length === 0, `person ${i} deleted in the CRM is back`);
    else expect(mine.length === 1, `CRM person ${i}: ${mine.length} persons`);
    if (i >= p.overlap) {
      const theirs = byEmail.get(exEmail(i, p)) ?? [];
      expect(theirs.length === (twinned(i) ? 2 : 1), `Exchange contact ${i}: ${theirs.length} persons`);
      if (outlookTitle(i))
        expect(theirs[0]?.title === `Outlook ${i}`, `Exchange contact ${i}: title ${theirs[0]?.title}`);
    }
    if (!deletedInCrm(i) && mine[0]) {
      const want = crmTitle(i);
      expect(mine[0].title === want, `CRM person ${i}: title ${mine[0].title}, expected ${want}`);
      const lost = keptFor.get(mine[0].id) ?? [];
      if (i < p.conflicts)
        expect(
          lost.length === 1 &&
            lost[0]!.field === "jobTitle" &&
            lost[0]!.oldValue === `CRM ${i}` &&
            lost[0]!.source === "crm",
          `CRM person ${i}: overwritten values ${JSON.stringify(lost)}`,
        );
      else
        expect(lost.length === 0, `CRM person ${i}: unexpected overwritten values ${JSON.stringify(lost)}`);
    }
  }

  // Outlook: every CRM person once, every Exchange contact not deleted there still once, ours filed.
  const contactsByEmail = new Map<string, { jobTitle: unknown; categories: string[] }[]>();
  for (const c of store.contacts.values()) {
    const address = (c.fields.emailAddresses as { address: string }[] | undefined)?.[0]?.address ?? "";
    contactsByEmail.set(address, [
      ...(contactsByEmail.get(address) ?? []),
      { jobTitle: c.fields.jobTitle, categories: c.categories },
    ]);
  }
  const total = store.contacts.size;
  const expectedTotal = p.n + p.duplicates + (p.n - p.overlap) - o.removedInOutlook.length;
  expect(total === expectedTotal, `Outlook contacts: ${total}, expected ${expectedTotal}`);
  const removed = new Set(o.removedInOutlook);
  const person = categoryNames.es.person;
  for (let i = 0; i < p.n; i++) {
    const mine = contactsByEmail.get(crmEmail(i)) ?? [];
    expect(mine.length === 1, `Outlook, CRM person ${i}: ${mine.length} contacts`);
    const want = crmTitle(i);
    expect(
      (mine[0]?.jobTitle ?? null) === want,
      `Outlook, CRM person ${i}: job title ${mine[0]?.jobTitle}, expected ${want}`,
    );
    expect(
      !!mine[0]?.categories.includes(person),
      `Outlook, CRM person ${i}: categories ${mine[0]?.categories}`,
    );
    if (i >= p.overlap) {
      const theirs = contactsByEmail.get(exEmail(i, p)) ?? [];
      const n = removed.has(i) ? 0 : twinned(i) ? 2 : 1;
      expect(theirs.length === n, `Outlook, Exchange contact ${i}: ${theirs.length} contacts, expected ${n}`);
    }
  }
  return { checked, problems };
}
