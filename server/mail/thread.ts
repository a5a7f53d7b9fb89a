// R-MAIL-9: a reply belongs where the message it answers was logged. The parent is the user's own
// logged activity named by In-Reply-To, else the nearest ancestor in References (its last entries
// are the closest); the reply inherits its records, deal and thread even when its participants differ.
import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { activities, activityLinks, type RecordType } from "../db/schema.js";

export interface ThreadParent {
  id: string;
  threadId: string;
  dealId: string | null;
  links: { type: RecordType; id: string }[];
}

export async function findThreadParent(
  db: Tx,
  ownerId: string,
  mail: { inReplyTo: string[]; references: string[] },
): Promise<ThreadParent | null> {
  const wanted = [...new Set([...mail.inReplyTo, ...[...mail.references].reverse()])];
  if (!wanted.length) return null;
  const rows = await db
    .select({
      id: activities.id,
      messageId: activities.messageId,
      threadId: activities.threadId,
      dealId: activities.dealId,
    })
    .from(activities)
    .where(and(eq(activities.ownerId, ownerId), inArray(activities.messageId, wanted)));
  const parent = wanted.map((id) => rows.find((r) => r.messageId === id)).find(Boolean);
  if (!parent) return null;
  const links = await db
    .select({ type: activityLinks.recordType, id: activityLinks.recordId })
    .from(activityLinks)
    .where(eq(activityLinks.activityId, parent.id));
  return {
    id: parent.id,
    threadId: parent.threadId ?? parent.messageId ?? parent.id,
    dealId: parent.dealId,
    links,
  };
}
