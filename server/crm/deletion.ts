// Deleting a person, company, lead or deal: for its owner or an admin. What pointed at it lets go
// (addresses, activity links, attendee links, grants); activities and events stay with their owners.
// A deal is never left without a person or company: such deals are moved or deleted first (409).
import { and, eq, isNull, sql } from "drizzle-orm";
import { conflict } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import {
  activityLinks,
  companies,
  deals,
  eventAttendees,
  grants,
  leads,
  persons,
  type RecordType,
  recordEmails,
} from "../db/schema.js";
import { assertWritable, type GrantableType } from "./access.js";
import { getRecordRow } from "./record-rows.js";

const tables = { person: persons, company: companies, lead: leads, deal: deals };

export async function deleteRecord(db: Tx, user: AuthUser, type: GrantableType, id: string): Promise<void> {
  const record = await getRecordRow(db, user, type, id);
  assertWritable(user, type, record, "delete it");
  if (type === "person" || type === "company") await refuseOrphanDeals(db, type, id);
  if (type !== "deal") await forgetLinks(db, type, id);
  await db.delete(grants).where(and(eq(grants.recordType, type), eq(grants.recordId, id)));
  const table = tables[type];
  await db.delete(table).where(eq(table.id, id));
}

async function refuseOrphanDeals(db: Tx, type: "person" | "company", id: string) {
  const [own, other] =
    type === "person" ? [deals.personId, deals.companyId] : [deals.companyId, deals.personId];
  const [{ count }] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(deals)
    .where(and(eq(own, id), isNull(other)));
  if (count)
    throw conflict(
      `This ${type} has ${count} deal(s) linked to nothing else: link them to another person or company, or delete them, first.`,
    );
}

async function forgetLinks(db: Tx, type: RecordType, id: string) {
  await db.delete(recordEmails).where(and(eq(recordEmails.recordType, type), eq(recordEmails.recordId, id)));
  await db
    .delete(activityLinks)
    .where(and(eq(activityLinks.recordType, type), eq(activityLinks.recordId, id)));
  // R-CAL-5: the attendee stays, by address only.
  await db
    .update(eventAttendees)
    .set({ recordType: null, recordId: null })
    .where(and(eq(eventAttendees.recordType, type), eq(eventAttendees.recordId, id)));
}
