// Gmail changes per scope (INBOX, SENT). A first sync lists the backfill window (messages.list with
// `after:`), having read the mailbox's historyId first so that nothing arriving during the listing falls
// between the list and the history; later syncs read history.list (messageAdded) from that id. A 404
// on an old startHistoryId means the history is gone: cursor-rejected, the engine lists the window again
// and the ingest de-duplicates by Message-ID (R-P-2, R-MAIL-4).
import { z } from "zod";
import { SyncError } from "../../sync/errors.js";
import { answerOf } from "../http.js";
import type { ChangedItem, ChangePage, SyncScope } from "../types.js";
import type { GmailClient } from "./client.js";

export type GmailLabel = "INBOX" | "SENT";

/** The cursor of one scope: where the window listing stands, or the history id to read from. */
export type GmailCursor =
  | { phase: "list"; historyId: string; after: number; pageToken: string }
  | { phase: "history"; historyId: string; pageToken?: string };

/** Gmail's largest page for messages.list and history.list. */
export const GMAIL_PAGE = 500;

export const gmailScopes = (): SyncScope[] =>
  (["INBOX", "SENT"] as const).map((label) => ({ key: `mail:${label}`, kind: "mail", ref: { label } }));

const labelOf = (scope: SyncScope): GmailLabel => (scope.ref as { label: GmailLabel }).label;

/** A message mailed to oneself carries INBOX and SENT: the INBOX scope alone lists it. */
const belongs = (label: GmailLabel, labels: string[]) =>
  labels.includes(label) &&
  !labels.some((l) => l === "DRAFT" || l === "SPAM" || l === "TRASH") &&
  (label === "INBOX" || !labels.includes("INBOX"));

const item = (id: string): ChangedItem => ({ key: id, ref: { id } });

const id = z.string().min(1);
const listAnswer = z.looseObject({
  messages: z.array(z.looseObject({ id })).optional(),
  nextPageToken: z.string().min(1).optional(),
});
const historyAnswer = z.looseObject({
  history: z
    .array(
      z.looseObject({
        messagesAdded: z
          .array(z.looseObject({ message: z.looseObject({ id, labelIds: z.array(z.string()).optional() }) }))
          .optional(),
      }),
    )
    .optional(),
  nextPageToken: z.string().min(1).optional(),
  historyId: z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^\d{1,30}$/)),
});
const profileAnswer = z.looseObject({ historyId: historyAnswer.shape.historyId });
type HistoryAnswer = z.infer<typeof historyAnswer>;

async function listWindow(
  client: GmailClient,
  label: GmailLabel,
  c: { historyId: string; after: number; pageToken?: string },
  limit: number,
): Promise<ChangePage> {
  const page = answerOf(
    "Gmail",
    "message list",
    listAnswer,
    await client.call("GET", "/messages", {
      labelIds: label,
      q: `after:${c.after}${label === "SENT" ? " -in:inbox" : ""}`,
      maxResults: String(Math.min(limit, GMAIL_PAGE)),
      pageToken: c.pageToken,
    }),
  );
  const items = (page.messages ?? []).map((m) => item(m.id));
  const cursor: GmailCursor = page.nextPageToken
    ? { phase: "list", historyId: c.historyId, after: c.after, pageToken: page.nextPageToken }
    : { phase: "history", historyId: c.historyId };
  // After the last page, what arrived since the profile was read waits in the history.
  return { items, cursor, more: true };
}

async function readHistory(
  client: GmailClient,
  label: GmailLabel,
  c: { historyId: string; pageToken?: string },
  limit: number,
): Promise<ChangePage> {
  let page: HistoryAnswer;
  try {
    page = answerOf(
      "Gmail",
      "history page",
      historyAnswer,
      await client.call("GET", "/history", {
        startHistoryId: c.historyId,
        historyTypes: "messageAdded",
        labelId: label,
        maxResults: String(Math.min(limit, GMAIL_PAGE)),
        pageToken: c.pageToken,
      }),
    );
  } catch (err) {
    if (err instanceof SyncError && err.kind === "not-found")
      throw new SyncError(
        "cursor-rejected",
        "Gmail no longer keeps the history after the last sync; the mailbox is read again.",
      );
    throw err;
  }
  const seen = new Set<string>();
  const items: ChangedItem[] = [];
  for (const record of page.history ?? [])
    for (const { message } of record.messagesAdded ?? [])
      if (!seen.has(message.id) && belongs(label, message.labelIds ?? [])) {
        seen.add(message.id);
        items.push(item(message.id));
      }
  if (page.nextPageToken)
    return {
      items,
      cursor: { phase: "history", historyId: c.historyId, pageToken: page.nextPageToken },
      more: true,
    };
  return { items, cursor: { phase: "history", historyId: page.historyId }, more: false };
}

/**
 * One page of changes of `scope` after `cursor` (null: a first sync of the messages received since
 * `since`). `limit` caps the page (Gmail's largest is 500).
 */
export async function gmailListChanges(
  client: GmailClient,
  scope: SyncScope,
  cursor: unknown,
  limit: number,
  since: Date,
): Promise<ChangePage> {
  const label = labelOf(scope);
  const c = cursor as GmailCursor | null;
  if (!c) {
    const { historyId } = answerOf("Gmail", "profile", profileAnswer, await client.call("GET", "/profile"));
    return listWindow(client, label, { historyId, after: Math.floor(since.getTime() / 1000) }, limit);
  }
  if (c.phase === "list") return listWindow(client, label, c, limit);
  return readHistory(client, label, c, limit);
}
