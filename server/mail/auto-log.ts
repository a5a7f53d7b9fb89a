// Automatic logging (R-MAIL-1, R-MAIL-2, R-MAIL-4, R-MAIL-7, R-MAIL-8): the sync engine hands every
// message it sees in a followed folder to `ingestAutomatic`, inside the transaction that also moves its
// cursor. A message is logged through the one ingest pipeline (ingest.ts) with source `auto`, or skipped
// with a reason kept in `mail_skips` (its Message-ID only, never its content) for the sidebars and the
// connection's status. Deciding again gives the same answer and stores nothing twice.
import { and, count, eq, gte, sql } from "drizzle-orm";
import { normalizeEmail } from "../../shared/text.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import { matchAddresses } from "../crm/match.js";
import type { Tx } from "../db/index.js";
import { mailSkips } from "../db/schema.js";
import { automatedBy } from "./automated.js";
import { splitMessage } from "./headers.js";
import { ingestEmail, loggedAlready, participantsOf } from "./ingest.js";
import { isInternal, loadPolicy, neverLogEntries } from "./log-policy.js";
import { takeMailTurn } from "./mail-turn.js";
import { type ParsedEmail, parseEmail } from "./parse.js";
import { findConversation, threadKeys } from "./thread.js";

export type MailSource = "gmail" | "graph" | "imap";
export type SkipReason = "no-crm-participant" | "never-log" | "internal" | "automated";
export const SKIP_REASONS: readonly SkipReason[] = [
  "no-crm-participant",
  "never-log",
  "internal",
  "automated",
];

export interface AutoMeta {
  source: MailSource;
  /** The provider's id of the message (Gmail id, Graph id, IMAP UID): for the caller's records and logs. */
  providerId: string;
  folderRole: "inbox" | "sent";
}

export type AutoOutcome =
  | { outcome: "logged"; activityId: string }
  | { outcome: "already-logged"; activityId: string }
  | { outcome: "skipped"; reason: SkipReason; messageId: string; detail: string | null };

/**
 * Logs one synced message, or records why not. Pass the engine's open transaction as `tx`: everything
 * is read and written in it, so the outcome commits (or rolls back) with the engine's cursor; without
 * it, in a transaction of its own. A message logged already — by hand or by an earlier sync — is left
 * as it is (R-MAIL-4), whatever the policy says now. A message that is not usable mail throws the same
 * problem as the Log email button gets (400 or 422, see parse.ts): the engine's failed items, not a skip.
 */
export async function ingestAutomatic(
  ctx: AppContext,
  user: AuthUser,
  raw: Buffer,
  meta: AutoMeta,
  tx?: Tx,
): Promise<AutoOutcome> {
  const mail = await parseEmail(raw);
  if (!tx) return ctx.db.transaction((own) => decide(ctx, user, raw, mail, meta, own));
  return decide(ctx, user, raw, mail, meta, tx);
}

async function decide(
  ctx: AppContext,
  user: AuthUser,
  raw: Buffer,
  mail: ParsedEmail,
  meta: AutoMeta,
  db: Tx,
): Promise<AutoOutcome> {
  // The user's turn first, held to the commit of the caller's transaction: another connection of the
  // user writing the same message then waits once for that commit and reads its outcome, instead of
  // each holding some messages' rows while waiting for the other's (mail-turn.ts).
  await takeMailTurn(db, user.id);
  const existing = await loggedAlready(db, user.id, mail.messageId);
  if (existing) return { outcome: "already-logged", activityId: existing.activity.id };

  const skip = async (reason: SkipReason, detail: string | null): Promise<AutoOutcome> => {
    await recordSkip(db, { userId: user.id, messageId: mail.messageId, reason, detail, source: meta.source });
    return { outcome: "skipped", reason, messageId: mail.messageId, detail };
  };

  const automated = automatedBy(splitMessage(raw), [mail.from, mail.sender]);
  if (automated) return skip("automated", automated);

  const policy = await loadPolicy(db, user.id);
  const everyone = participantsOf(mail);
  if (isInternal(everyone, policy.internalDomains)) return skip("internal", null);

  const own = new Set(user.addresses.map(normalizeEmail));
  const others = everyone.filter((a) => !own.has(a));
  const matched = await matchAddresses(db, user, others);
  const listed = neverLogEntries([...matched.keys()], policy.neverLog);
  if (listed) return skip("never-log", listed.join(", "));
  if (!matched.size && !(await findConversation(db, user.id, threadKeys(mail))))
    return skip("no-crm-participant", null);

  const result = await ingestEmail(ctx, user, raw, { source: "auto", tx: db, parsed: mail });
  // A skip recorded earlier (the person was added to the CRM since) no longer says anything true.
  await db
    .delete(mailSkips)
    .where(and(eq(mailSkips.userId, user.id), eq(mailSkips.messageId, mail.messageId)));
  return { outcome: result.alreadyLogged ? "already-logged" : "logged", activityId: result.activity.id };
}

async function recordSkip(
  db: Tx,
  row: { userId: string; messageId: string; reason: SkipReason; detail: string | null; source: MailSource },
): Promise<void> {
  await db
    .insert(mailSkips)
    .values(row)
    .onConflictDoUpdate({
      target: [mailSkips.userId, mailSkips.messageId],
      set: { reason: row.reason, detail: row.detail, lastSeenAt: sql`now()` },
    });
}

export interface SkipCount {
  source: MailSource;
  reason: SkipReason;
  count: number;
}

/** Skipped messages of one user per source and reason, first seen at or after `since` (all without it). */
export async function skipCounts(db: Tx, userId: string, since?: Date): Promise<SkipCount[]> {
  const rows = await db
    .select({ source: mailSkips.source, reason: mailSkips.reason, count: count() })
    .from(mailSkips)
    .where(and(eq(mailSkips.userId, userId), since ? gte(mailSkips.firstSeenAt, since) : undefined))
    .groupBy(mailSkips.source, mailSkips.reason)
    .orderBy(mailSkips.source, mailSkips.reason);
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}
