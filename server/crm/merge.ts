// Merging two persons: the target keeps its values, gains what only the source had (addresses,
// phones, empty fields), and takes over the source's deals, activities, event attendances and grants.
// Only the owner of both, or an admin, merges.
// The source row stays, marked merged_into, so that links held elsewhere (today the API's ids; once contact
// sync is built, a synced contact id) still resolve to the survivor and the source is never imported
// again (R-X-9).
import { and, eq, sql } from "drizzle-orm";
import { badRequest } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { activityLinks, companies, deals, eventAttendees, grants, persons } from "../db/schema.js";
import { assertWritable } from "./access.js";
import { emailsOf, setRecordEmails } from "./emails.js";
import { getPersonRow } from "./persons.js";
import { searchText } from "./search-text.js";

export async function mergePersons(db: Tx, user: AuthUser, targetId: string, sourceId: string) {
  if (targetId === sourceId)
    throw badRequest("A person cannot be merged into itself.", [
      { path: "body.sourceId", message: "must differ from targetId" },
    ]);
  const target = await getPersonRow(db, user, targetId);
  const source = await getPersonRow(db, user, sourceId);
  assertWritable(user, "person", target, "merge into it");
  assertWritable(user, "person", source, "merge it");
  const emails = await emailsOf(db, "person", [targetId, sourceId]);
  const mergedEmails = [...new Set([...(emails.get(targetId) ?? []), ...(emails.get(sourceId) ?? [])])];
  const phones = [...new Set([...target.phones, ...source.phones])];
  const firstName = target.firstName || source.firstName;
  const lastName = target.lastName || source.lastName;
  const title = target.title ?? source.title;
  const companyId = target.companyId ?? source.companyId;
  const [company] = companyId
    ? await db.select({ name: companies.name }).from(companies).where(eq(companies.id, companyId))
    : [];

  await setRecordEmails(db, "person", sourceId, []);
  await setRecordEmails(db, "person", targetId, mergedEmails);
  await db.update(deals).set({ personId: targetId }).where(eq(deals.personId, sourceId));
  await db.execute(sql`
    insert into ${activityLinks} (activity_id, record_type, record_id)
    select activity_id, 'person', ${targetId} from ${activityLinks}
    where record_type = 'person' and record_id = ${sourceId}
    on conflict do nothing`);
  await db
    .delete(activityLinks)
    .where(and(eq(activityLinks.recordType, "person"), eq(activityLinks.recordId, sourceId)));
  await db
    .update(eventAttendees)
    .set({ recordId: targetId })
    .where(and(eq(eventAttendees.recordType, "person"), eq(eventAttendees.recordId, sourceId)));
  await db.execute(sql`
    insert into ${grants} (record_type, record_id, user_id)
    select 'person', ${targetId}, user_id from ${grants}
    where record_type = 'person' and record_id = ${sourceId}
    on conflict do nothing`);
  // An admin may merge persons of two owners: the source's owner keeps reading what was his.
  if (source.ownerId !== target.ownerId)
    await db
      .insert(grants)
      .values({ recordType: "person", recordId: targetId, userId: source.ownerId })
      .onConflictDoNothing();
  await db
    .update(persons)
    .set({ mergedInto: targetId, updatedAt: new Date() })
    .where(eq(persons.id, sourceId));
  const [row] = await db
    .update(persons)
    .set({
      firstName,
      lastName,
      title,
      companyId,
      phones,
      customerStatus: target.customerStatus !== "none" ? target.customerStatus : source.customerStatus,
      customFields: { ...source.customFields, ...target.customFields },
      searchText: searchText({
        names: [firstName, lastName, title, company?.name],
        emails: mergedEmails,
        phones,
      }),
      updatedAt: new Date(),
    })
    .where(eq(persons.id, targetId))
    .returning();
  return row;
}
