import { randomBytes } from "node:crypto";
import { type MailFacts, readMail } from "../shared/mail.js";

/**
 * One Gmail mailbox: messages with labels, and the history log behind `historyId` (§4.4). Every
 * mutation bumps the counter and appends a record; records older than the retention are pruned,
 * and a `startHistoryId` from before the oldest kept record gets a 404 (full sync).
 */
export type GmailMessage = {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  facts: MailFacts;
  internalDate: number;
  historyId: number;
};

export type HistoryKind = "messageAdded" | "messageDeleted" | "labelAdded" | "labelRemoved";

export type HistoryRecord = {
  id: number;
  at: number;
  kind: HistoryKind;
  message: { id: string; threadId: string };
  /** Labels that changed (label records) and the full set after the change. */
  changed: string[];
  labelsAfter: string[];
};

export type Retention = { records?: number; ms?: number };

export const SYSTEM_LABELS = [
  "INBOX",
  "SENT",
  "DRAFT",
  "SPAM",
  "TRASH",
  "UNREAD",
  "STARRED",
  "IMPORTANT",
  "CHAT",
  "CATEGORY_PERSONAL",
  "CATEGORY_SOCIAL",
  "CATEGORY_PROMOTIONS",
  "CATEGORY_UPDATES",
  "CATEGORY_FORUMS",
];

let idSeed = 0x19a3c00000000000n;

function nextMessageId(): string {
  idSeed += BigInt(1 + Math.floor(Math.random() * 4096));
  return idSeed.toString(16);
}

export class GmailMailbox {
  historyId = 100_000;
  readonly messages = new Map<string, GmailMessage>();
  private history: HistoryRecord[] = [];
  /** A startHistoryId below this is outside the kept range. */
  private floor = 0;
  private readonly byMessageId = new Map<string, string>();
  private readonly listeners = new Set<(record: HistoryRecord) => void>();
  userLabels: { id: string; name: string }[] = [];
  /** Attachment ids handed out by the last messages.get of each message (they are not stable, §4.5). */
  private readonly attachmentIds = new Map<string, { messageId: string; partId: string }>();
  private readonly attachmentIdsOf = new Map<string, string[]>();

  constructor(
    readonly email: string,
    readonly displayName: string,
    private readonly now: () => number,
    public retention: Retention = {},
  ) {}

  onChange(listener: (record: HistoryRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds a raw RFC 822 message with the given labels (e.g. INBOX, or SENT for mail the owner sent). */
  async addRaw(raw: Buffer | string, labelIds: string[], internalDate?: Date): Promise<GmailMessage> {
    const bytes = typeof raw === "string" ? Buffer.from(raw) : raw;
    const facts = await readMail(bytes, new Date(this.now()));
    return this.addParsed(bytes, facts, labelIds, internalDate);
  }

  addParsed(raw: Buffer, facts: MailFacts, labelIds: string[], internalDate?: Date): GmailMessage {
    const id = nextMessageId();
    const parent = facts.inReplyTo ? this.byMessageId.get(facts.inReplyTo) : undefined;
    const message: GmailMessage = {
      id,
      threadId: parent ? this.messages.get(parent)!.threadId : id,
      labelIds: new Set(labelIds),
      raw,
      facts,
      internalDate: (internalDate ?? facts.date).getTime(),
      historyId: 0,
    };
    this.messages.set(id, message);
    if (facts.messageId) this.byMessageId.set(facts.messageId, id);
    this.record("messageAdded", message, []);
    return message;
  }

  modifyLabels(id: string, add: string[], remove: string[]): GmailMessage {
    const message = this.get(id);
    const added = add.filter((l) => !message.labelIds.has(l));
    const removed = remove.filter((l) => message.labelIds.has(l));
    for (const l of added) message.labelIds.add(l);
    for (const l of removed) message.labelIds.delete(l);
    if (added.length) this.record("labelAdded", message, added);
    if (removed.length) this.record("labelRemoved", message, removed);
    return message;
  }

  /** Gmail has no folders: moving is swapping one label for another. */
  move(id: string, from: string, to: string): GmailMessage {
    return this.modifyLabels(id, [to], [from]);
  }

  delete(id: string): void {
    const message = this.get(id);
    this.messages.delete(id);
    if (message.facts.messageId) this.byMessageId.delete(message.facts.messageId);
    this.record("messageDeleted", message, []);
  }

  get(id: string): GmailMessage {
    const message = this.messages.get(id);
    if (!message) throw new Error(`no message ${id} in ${this.email}`);
    return message;
  }

  findByMessageId(messageId: string): GmailMessage | undefined {
    const id = this.byMessageId.get(messageId);
    return id ? this.messages.get(id) : undefined;
  }

  /** New attachment ids for a message; those of its previous fetch stop working. */
  mintAttachmentIds(messageId: string): (partId: string) => string {
    for (const old of this.attachmentIdsOf.get(messageId) ?? []) this.attachmentIds.delete(old);
    const minted: string[] = [];
    this.attachmentIdsOf.set(messageId, minted);
    return (partId) => {
      const id = `ANGjdJ${randomBytes(48).toString("base64url")}`;
      this.attachmentIds.set(id, { messageId, partId });
      minted.push(id);
      return id;
    };
  }

  attachment(attachmentId: string): { messageId: string; partId: string } | undefined {
    return this.attachmentIds.get(attachmentId);
  }

  /** Records after `startHistoryId`, or null when that id is older than what is kept. */
  historySince(startHistoryId: number): HistoryRecord[] | null {
    this.prune();
    if (startHistoryId < this.floor) return null;
    return this.history.filter((r) => r.id > startHistoryId);
  }

  /** Forget all history: every stored startHistoryId now answers 404. */
  invalidateHistory(): void {
    // As if history up to now were pruned: even the current id is too old; a fresh profile's is not.
    this.history = [];
    this.historyId += 1;
    this.floor = this.historyId;
  }

  private record(kind: HistoryKind, message: GmailMessage, changed: string[]): void {
    this.historyId += 1 + Math.floor(Math.random() * 3);
    message.historyId = this.historyId;
    const record: HistoryRecord = {
      id: this.historyId,
      at: this.now(),
      kind,
      message: { id: message.id, threadId: message.threadId },
      changed,
      labelsAfter: [...message.labelIds],
    };
    this.history.push(record);
    this.prune();
    for (const listener of this.listeners) listener(record);
  }

  private prune(): void {
    const { records, ms } = this.retention;
    let drop = 0;
    if (records !== undefined) drop = Math.max(0, this.history.length - records);
    if (ms !== undefined) {
      const cutoff = this.now() - ms;
      while (drop < this.history.length && this.history[drop].at < cutoff) drop++;
    }
    if (drop === 0) return;
    this.floor = this.history[drop - 1].id;
    this.history = this.history.slice(drop);
  }
}
