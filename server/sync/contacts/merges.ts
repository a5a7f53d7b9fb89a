// R-X-9 after a merge in the CRM: the links of merged-away persons are settled so that the survivor
// keeps exactly one Exchange contact and the others are never imported again. Nothing is written to
// Exchange: the merge is not pushed.
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import { contactLinks, persons } from "../../db/schema.js";
import { resolveMerges, survivorOf } from "../../reconcile/contacts-lifecycle.js";

export async function settleMergedLinks(db: Db, connectionId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const merged = await tx
      .select({ linkId: contactLinks.id, personId: contactLinks.personId })
      .from(contactLinks)
      .innerJoin(persons, eq(persons.id, contactLinks.personId))
      .where(
        and(
          eq(contactLinks.connectionId, connectionId),
          eq(contactLinks.state, "linked"),
          isNotNull(persons.mergedInto),
        ),
      );
    if (!merged.length) return;
    const chain = new Map<string, string | null>();
    for (const row of await tx
      .select({ id: persons.id, into: persons.mergedInto })
      .from(persons)
      .where(isNotNull(persons.mergedInto)))
      chain.set(row.id, row.into);
    const survivors = [...new Set(merged.map((m) => survivorOf(m.personId as string, chain)))];
    const theirs = await tx
      .select({ linkId: contactLinks.id, personId: contactLinks.personId })
      .from(contactLinks)
      .where(
        and(
          eq(contactLinks.connectionId, connectionId),
          eq(contactLinks.state, "linked"),
          inArray(contactLinks.personId, survivors),
        ),
      );
    const plan = resolveMerges(
      [...merged, ...theirs].map((l) => ({
        linkId: l.linkId,
        personId: l.personId as string,
        survivorId: survivorOf(l.personId as string, chain),
      })),
    );
    if (plan.ignore.length)
      await tx
        .update(contactLinks)
        .set({ state: "ignored", ignoredReason: "merged-duplicate", pushPending: false })
        .where(inArray(contactLinks.id, plan.ignore));
    // The survivor's values differ from what was last synced with the contact it takes over: pushed next.
    for (const r of plan.relink)
      await tx
        .update(contactLinks)
        .set({ personId: r.personId, pushPending: true })
        .where(eq(contactLinks.id, r.linkId));
  });
}
