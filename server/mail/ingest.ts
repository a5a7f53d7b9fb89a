// The one ingest pipeline for mail (R-MAIL-1..5, R-MAIL-9): the sidebars' "Log email" ends here, and so
// does automatic logging (auto-log.ts, which decides first whether a synced message is logged at all).
// parse -> participants -> thread -> sanitise -> one transaction: blobs, the activity, its links and
// attachment rows, joined threads; a failure stores none of them.
import { and, count, eq } from "drizzle-orm";
import { normalizeEmail } from "../../shared/text.js";
import { unprocessable } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import { matchAddresses } from "../crm/match.js";
import type { Tx } from "../db/index.js";
import { runPrepared } from "../db/prepared.js";
import { activities, activityLinks, activityTypes, attachments, type RecordType } from "../db/schema.js";
import { newId } from "../ids.js";
import { renderBody } from "./body.js";
import { takeMailTurn } from "./mail-turn.js";
import { type ParsedEmail, parseEmail } from "./parse.js";
import { findConversation, joinThreads, threadKeys } from "./thread.js";

export type ActivityRow = typeof activities.$inferSelect;

export interface IngestResult {
  activity: ActivityRow;
  links: { type: RecordType; id: string }[];
  attachments: number;
  /** Attachments of the message left out on request (`skipAttachments`); none are stored. */
  skippedAttachments: number;
  alreadyLogged: boolean;
}

/** Where a stored attachment is served; cid: images of the logged HTML point here. */
export const attachmentPath = (activityId: string, attachmentId: string) =>
  `/api/v1/activities/${activityId}/attachments/${attachmentId}`;

export async function ingestEmail(
  ctx: AppContext,
  user: AuthUser,
  raw: Buffer,
  opts: {
    source: "manual" | "auto";
    /**
     * Positions (0-based) in the message's attachment list, in the order parseEmail gives them and
     * `concilia inspect-mail` shows them, of attachments not to store: no row, no blob. The message
     * itself is not changed, so it keeps its Message-ID and a repeat still answers alreadyLogged.
     */
    skipAttachments?: readonly number[];
    /**
     * The caller's open transaction (the sync engine commits the items of a step with its cursor):
     * every query runs in it, and the logging is a savepoint inside it. Without it, the database.
     */
    tx?: Tx;
    /** The message parsed already by the caller: parsed again otherwise. */
    parsed?: ParsedEmail;
  },
): Promise<IngestResult> {
  const db = opts.tx ?? ctx.db;
  const mail = opts.parsed ?? (await parseEmail(raw));
  // A repeat answers what was stored the first time, whatever it asks to leave out now.
  const leftOut = (r: IngestResult) => ({
    ...r,
    skippedAttachments: Math.max(0, mail.attachments.length - r.attachments),
  });
  const existing = await loggedAlready(db, user.id, mail.messageId);
  if (existing) return leftOut(existing);
  const skip = new Set(opts.skipAttachments ?? []);
  const missing = [...skip].filter((i) => !Number.isInteger(i) || i < 0 || i >= mail.attachments.length);
  if (missing.length) throw noSuchAttachment(missing, mail.attachments.length);

  const own = new Set(user.addresses.map(normalizeEmail));
  const participants = participantsOf(mail).filter((a) => !own.has(a));
  const matched = await matchAddresses(db, user, participants);
  const keys = threadKeys(mail);
  const thread = await findConversation(db, user.id, keys);
  const links = uniqueLinks([...[...matched.values()].flat(), ...(thread?.links ?? [])]);
  if (!links.length) throw noParticipant(participants);

  const activityId = newId();
  // Kept attachments keep their position in the message, so positions mean the same everywhere.
  const stored = mail.attachments.flatMap((a, position) =>
    skip.has(position) ? [] : [{ ...a, id: newId(), position }],
  );
  const byCid = new Map(stored.filter((a) => a.contentId).map((a) => [a.contentId?.toLowerCase(), a.id]));
  const body = renderBody(mail, (cid) => {
    const id = byCid.get(cid.toLowerCase());
    return id && attachmentPath(activityId, id);
  });

  // One per content, in SHA-256 order: the order collection locks blobs in too.
  const blobs = [...new Map(stored.map((a) => [a.sha256, a.content])).entries()].sort(([x], [y]) =>
    x < y ? -1 : 1,
  );
  const outgoing = [mail.from, mail.sender].some((a) => a && own.has(a.address));
  try {
    const logged = await db.transaction(async (tx) => {
      // Before any insert: a concurrent ingest of the same message (another account of the user)
      // then finds this one committed instead of waiting on its rows while holding rows of its own.
      await takeMailTurn(tx, user.id);
      for (const [, bytes] of blobs) await ctx.blobs.put(tx, bytes);
      await tx.insert(activityTypes).values({ key: "email", name: "Email" }).onConflictDoNothing();
      const [row] = await tx
        .insert(activities)
        .values({
          id: activityId,
          type: "email",
          state: "done",
          subject: mail.subject,
          startAt: mail.date ?? new Date(),
          ownerId: user.id,
          dealId: thread?.dealId ?? null,
          source: opts.source,
          messageId: mail.messageId,
          inReplyTo: mail.inReplyTo[0] ?? null,
          references: mail.references,
          threadId: mail.messageId,
          threadKeys: keys,
          direction: outgoing ? "outgoing" : "incoming",
          fromAddress: mail.from,
          toAddresses: mail.to,
          ccAddresses: mail.cc,
          bodyHtml: body.html,
          bodyText: body.text,
        })
        .returning();
      await tx
        .insert(activityLinks)
        .values(links.map((l) => ({ activityId, recordType: l.type, recordId: l.id })));
      if (stored.length)
        await tx.insert(attachments).values(
          stored.map((a) => ({
            id: a.id,
            activityId,
            filename: a.filename,
            contentType: a.contentType,
            size: a.size,
            sha256: a.sha256,
            contentId: a.contentId,
            inline: a.inline,
            position: a.position,
          })),
        );
      await joinThreads(tx, user.id, keys);
      // Joining threads may have changed its thread, deal and links.
      return loggedAlready(tx, user.id, row.messageId ?? mail.messageId);
    });
    if (!logged) throw new Error(`The email ${mail.messageId} was not found right after logging it.`);
    return { ...logged, skippedAttachments: mail.attachments.length - stored.length, alreadyLogged: false };
  } catch (err) {
    // The folder store may keep files of the rolled-back transaction; collection removes unused ones.
    if (blobs.length)
      await db
        .transaction((tx) => ctx.jobs.send(tx, "blobs.collect", { sha256: blobs.map(([sha]) => sha) }))
        .catch((e) => ctx.log.warn({ err: e }, "could not queue collection of orphan blobs"));
    // The same message logged at the same moment by another request (a double click, a sync
    // racing the sidebar): the unique index on (owner, Message-ID) let one of them in.
    if (isUniqueViolation(err)) {
      const winner = await loggedAlready(db, user.id, mail.messageId);
      if (winner) return leftOut(winner);
    }
    throw err;
  }
}

/** Everyone on the message, lower-cased, once each: From, Sender, Reply-To, To, Cc, Bcc. */
export function participantsOf(mail: ParsedEmail): string[] {
  const all = [mail.from, mail.sender, ...mail.replyTo, ...mail.to, ...mail.cc, ...mail.bcc];
  return [...new Set(all.flatMap((a) => (a ? [normalizeEmail(a.address)] : [])))];
}

export async function loggedAlready(
  db: Tx,
  ownerId: string,
  messageId: string,
): Promise<IngestResult | null> {
  // Prepared (db/prepared.ts): asked for every synced message, once or twice.
  const [activity] = await runPrepared(
    db
      .select()
      .from(activities)
      .where(and(eq(activities.ownerId, ownerId), eq(activities.messageId, messageId))),
  );
  if (!activity) return null;
  const links = await db
    .select({ type: activityLinks.recordType, id: activityLinks.recordId })
    .from(activityLinks)
    .where(eq(activityLinks.activityId, activity.id));
  const [n] = await db
    .select({ n: count() })
    .from(attachments)
    .where(eq(attachments.activityId, activity.id));
  return { activity, links, attachments: Number(n?.n ?? 0), skippedAttachments: 0, alreadyLogged: true };
}

function uniqueLinks(links: { type: RecordType; id: string }[]) {
  const seen = new Set<string>();
  return links.filter((l) => !seen.has(`${l.type}:${l.id}`) && seen.add(`${l.type}:${l.id}`));
}

function noParticipant(participants: string[]) {
  if (!participants.length)
    return unprocessable(
      "Not logged: every address on this message is one of your own, so it has no CRM participant.",
    );
  const shown = participants.slice(0, 10).join(", ") + (participants.length > 10 ? ", …" : "");
  return unprocessable(
    `Not logged: no CRM participant. None of ${shown} belongs to a person, company or lead you can see, and the message does not answer a logged one. Nothing was stored.`,
  );
}

function noSuchAttachment(positions: number[], total: number) {
  const has = total
    ? `${total} attachment${total > 1 ? "s" : ""} (positions 0 to ${total - 1})`
    : "no attachments";
  return unprocessable(
    `Not logged: the message has ${has}, so there is nothing at position ${positions.join(", ")} to leave out. Nothing was stored.`,
  );
}

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.code === "23505") return true;
  return false;
}
