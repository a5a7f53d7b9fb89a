// R-MAIL-9: a reply belongs with the message it answers, and a conversation does not depend on the
// order its messages were logged in (a sync backfill logs them in any order). Every logged email
// keeps the Message-IDs it names (its own, In-Reply-To, References) as thread keys; logged emails
// that share a key are one thread. A thread shares its records and deal: each email is linked to
// every record of the thread, and an email without a deal takes the thread's. A message that names
// emails of several threads joins them into one, so the result is the same whatever the order.
import { and, arrayOverlaps, asc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { activities, activityLinks, type RecordType } from "../db/schema.js";
import { takeMailTurn } from "./mail-turn.js";

export interface Conversation {
  links: { type: RecordType; id: string }[];
  dealId: string | null;
}

/** Every Message-ID a message names, once each. */
export function threadKeys(mail: { messageId: string; inReplyTo: string[]; references: string[] }): string[] {
  return [...new Set([mail.messageId, ...mail.inReplyTo, ...mail.references])];
}

/**
 * The logged emails of the user's threads that share a key with `keys`: first those that answer no
 * other of them (the roots as far as logged), then by date and Message-ID, so that the order does
 * not depend on the order they were logged in.
 */
async function threadMembers(db: Tx, ownerId: string, keys: string[]) {
  const touched = db
    .select({ threadId: activities.threadId })
    .from(activities)
    .where(and(eq(activities.ownerId, ownerId), arrayOverlaps(activities.threadKeys, keys)));
  const rows = await db
    .select({
      id: activities.id,
      messageId: activities.messageId,
      threadId: activities.threadId,
      threadKeys: activities.threadKeys,
      dealId: activities.dealId,
    })
    .from(activities)
    .where(and(eq(activities.ownerId, ownerId), inArray(activities.threadId, touched)))
    .orderBy(asc(activities.startAt), asc(activities.messageId), asc(activities.id));
  const logged = new Set(rows.map((r) => r.messageId));
  const answersLogged = (r: (typeof rows)[number]) =>
    (r.threadKeys ?? []).some((k) => k !== r.messageId && logged.has(k));
  return [...rows.filter((r) => !answersLogged(r)), ...rows.filter(answersLogged)];
}

/** The records and deal a message with these keys would share, before it is logged; null if none. */
export async function findConversation(
  db: Tx,
  ownerId: string,
  keys: string[],
): Promise<Conversation | null> {
  const members = await threadMembers(db, ownerId, keys);
  if (!members.length) return null;
  const links = await db
    .selectDistinct({ type: activityLinks.recordType, id: activityLinks.recordId })
    .from(activityLinks)
    .where(
      inArray(
        activityLinks.activityId,
        members.map((m) => m.id),
      ),
    );
  return { links, dealId: members.find((m) => m.dealId)?.dealId ?? null };
}

/**
 * In the transaction that logged an email with these keys (its row already inserted): joins every
 * thread it touches into one. The thread is named by the Message-ID of its first email (above);
 * emails without a deal take the deal of the first email that has one. Idempotent. Ingests of one
 * user take turns (mail-turn.ts, taken by the ingest before its first insert), so two messages of one
 * conversation logged at the same moment see each other.
 */
export async function joinThreads(tx: Tx, ownerId: string, keys: string[]): Promise<void> {
  await takeMailTurn(tx, ownerId);
  const members = await threadMembers(tx, ownerId, keys);
  if (members.length < 2) return;
  const ids = members.map((m) => m.id);
  const threadId = members[0].messageId ?? members[0].id;
  const dealId = members.find((m) => m.dealId)?.dealId ?? null;
  const moved = members.filter((m) => m.threadId !== threadId || (!m.dealId && dealId)).map((m) => m.id);
  if (moved.length)
    await tx
      .update(activities)
      .set({ threadId, dealId: sql`coalesce(${activities.dealId}, ${dealId})`, updatedAt: new Date() })
      .where(inArray(activities.id, moved));
  const idArray = sql`${`{${ids.map((id) => `"${id}"`).join(",")}}`}::text[]`;
  await tx.execute(sql`
    insert into activity_links (activity_id, record_type, record_id)
    select m.id, l.record_type, l.record_id
    from unnest(${idArray}) as m(id)
    cross join (select distinct record_type, record_id from activity_links where activity_id = any(${idArray})) l
    on conflict do nothing`);
}
