import { randomBytes, randomUUID } from "node:crypto";
import { type MailFacts, readMail } from "../shared/mail.js";

/**
 * One Exchange mailbox as Graph shows it: folders with well-known names, messages whose REST id
 * changes when they move (the immutable id does not, §1.13), and a change log per folder that
 * delta rounds read. Invalidating cursors bumps the generation every issued token carries.
 */
export type GraphFolder = { id: string; wellKnownName: string | null; displayName: string };

export type GraphMessage = {
  immutableId: string;
  restId: string;
  folderId: string;
  /** Sequence number of the change that put it in its current folder (keyset for initial rounds). */
  enteredSeq: number;
  raw: Buffer;
  facts: MailFacts;
  changeKey: string;
  created: number;
  modified: number;
  received: number;
  isRead: boolean;
  categories: string[];
  conversationId: string;
};

export type ChangeKind = "created" | "updated" | "deleted";

export type LogEntry = {
  seq: number;
  folderId: string;
  immutableId: string;
  restId: string;
  kind: "upsert" | "remove";
};

const WELL_KNOWN: [string, string][] = [
  ["inbox", "Inbox"],
  ["sentitems", "Sent Items"],
  ["drafts", "Drafts"],
  ["deleteditems", "Deleted Items"],
  ["archive", "Archive"],
  ["junkemail", "Junk Email"],
];

const exchangeId = (prefix: string) => `${prefix}${randomBytes(60).toString("base64url")}AAA=`;

export class GraphMailbox {
  readonly userId = randomUUID();
  readonly folders = new Map<string, GraphFolder>();
  readonly messages = new Map<string, GraphMessage>();
  private readonly byRestId = new Map<string, string>();
  private readonly conversations = new Map<string, string>();
  readonly log: LogEntry[] = [];
  seq = 0;
  generation = 1;
  deltaLinksIssued = 0;
  /**
   * Quirks a test may switch on: an empty first delta page (issue #7790), items replayed (each
   * page repeats the previous page's last item), and which code rejects an invalidated cursor.
   */
  quirks: {
    emptyFirstDeltaPage?: boolean;
    replayDeltaItems?: boolean;
    /** Delta tokens live in a size-bounded cache: only the last n deltaLinks stay valid. */
    deltaTokenCache?: number;
    cursorRejection?: "SyncStateNotFound" | "syncStateNotFound" | "resyncRequired";
  } = {};
  private readonly listeners = new Set<(kind: ChangeKind, message: GraphMessage, restId: string) => void>();

  constructor(
    readonly email: string,
    readonly displayName: string,
    private readonly now: () => number,
  ) {
    for (const [wellKnownName, displayName] of WELL_KNOWN) {
      const id = exchangeId("AAMkAGVmMDEz");
      this.folders.set(id, { id, wellKnownName, displayName });
    }
  }

  onChange(listener: (kind: ChangeKind, message: GraphMessage, restId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A folder by id or well-known name (case-insensitive, as Graph accepts). */
  folder(idOrName: string): GraphFolder | undefined {
    const direct = this.folders.get(idOrName);
    if (direct) return direct;
    const name = idOrName.toLowerCase();
    return [...this.folders.values()].find((f) => f.wellKnownName === name);
  }

  async addRaw(raw: Buffer | string, folder: string, receivedAt?: Date): Promise<GraphMessage> {
    const bytes = typeof raw === "string" ? Buffer.from(raw) : raw;
    return this.addParsed(bytes, await readMail(bytes, new Date(this.now())), folder, receivedAt);
  }

  addParsed(raw: Buffer, facts: MailFacts, folder: string, receivedAt?: Date): GraphMessage {
    const target = this.requireFolder(folder);
    const parentConversation = facts.inReplyTo ? this.conversations.get(facts.inReplyTo) : undefined;
    const conversationId = parentConversation ?? exchangeId("AAQkAGVmMDEz");
    if (facts.messageId) this.conversations.set(facts.messageId, conversationId);
    const at = this.now();
    const message: GraphMessage = {
      immutableId: exchangeId("AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A"),
      restId: exchangeId(
        "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e-T7KzowPTAAAAAAEMAAAiIsqMbYjsT5e-T7KzowPTAAA",
      ),
      folderId: target.id,
      enteredSeq: 0,
      raw,
      facts,
      changeKey: randomBytes(12).toString("base64"),
      created: at,
      modified: at,
      received: (receivedAt ?? facts.date).getTime(),
      isRead: false,
      categories: [],
      conversationId,
    };
    this.messages.set(message.immutableId, message);
    this.byRestId.set(message.restId, message.immutableId);
    message.enteredSeq = this.append(message, "upsert");
    this.emit("created", message, message.restId);
    return message;
  }

  /** Finds a message by REST or immutable id. */
  find(id: string): GraphMessage | undefined {
    return this.messages.get(id) ?? this.messages.get(this.byRestId.get(id) ?? "");
  }

  findByMessageId(messageId: string): GraphMessage | undefined {
    return [...this.messages.values()].find((m) => m.facts.messageId === messageId);
  }

  update(id: string, change: { isRead?: boolean; categories?: string[] }): GraphMessage {
    const message = this.require(id);
    if (change.isRead !== undefined) message.isRead = change.isRead;
    if (change.categories !== undefined) message.categories = change.categories;
    this.touch(message);
    this.append(message, "upsert");
    this.emit("updated", message, message.restId);
    return message;
  }

  /** Moving gives the message a new REST id; the old folder's delta reports the old id removed. */
  move(id: string, toFolder: string): GraphMessage {
    const message = this.require(id);
    const target = this.requireFolder(toFolder);
    if (target.id === message.folderId) return message;
    const oldRestId = message.restId;
    this.append(message, "remove");
    this.emit("deleted", message, oldRestId);
    this.byRestId.delete(oldRestId);
    message.restId = exchangeId(
      "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAi",
    );
    this.byRestId.set(message.restId, message.immutableId);
    message.folderId = target.id;
    this.touch(message);
    message.enteredSeq = this.append(message, "upsert");
    this.emit("created", message, message.restId);
    return message;
  }

  /** Graph's DELETE moves the message to Deleted Items; this removes it for good. */
  purge(id: string): void {
    const message = this.require(id);
    this.append(message, "remove");
    this.messages.delete(message.immutableId);
    this.byRestId.delete(message.restId);
    this.emit("deleted", message, message.restId);
  }

  invalidateDelta(): void {
    this.generation++;
  }

  private touch(message: GraphMessage): void {
    message.changeKey = randomBytes(12).toString("base64");
    message.modified = this.now();
  }

  private append(message: GraphMessage, kind: LogEntry["kind"]): number {
    this.seq++;
    this.log.push({
      seq: this.seq,
      folderId: message.folderId,
      immutableId: message.immutableId,
      restId: message.restId,
      kind,
    });
    return this.seq;
  }

  private emit(kind: ChangeKind, message: GraphMessage, restId: string): void {
    for (const listener of this.listeners) listener(kind, message, restId);
  }

  private require(id: string): GraphMessage {
    const message = this.find(id);
    if (!message) throw new Error(`no message ${id} in ${this.email}`);
    return message;
  }

  private requireFolder(idOrName: string): GraphFolder {
    const folder = this.folder(idOrName);
    if (!folder) throw new Error(`no folder ${idOrName} in ${this.email}`);
    return folder;
  }
}
