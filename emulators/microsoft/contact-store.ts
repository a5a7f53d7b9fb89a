import { randomBytes, randomUUID } from "node:crypto";
import { type ContactBody, type ContactBodyProblem, checkContactBody } from "./contact-input.js";

/**
 * One Exchange mailbox's contacts as Graph shows them (§2): the default Contacts folder and its
 * child folders, contacts with a `changeKey` that moves on every change, single-value extended
 * properties, a change log per folder for contact delta and one for folder delta, the Outlook
 * master category list, and the folders this mailbox shares with other users. Invalidating
 * cursors bumps the generation every issued delta token carries (410 afterwards).
 */
export type ContactFolderRecord = {
  id: string;
  displayName: string;
  /** The default folder's parent is the mailbox root; top-level folders' parent is the default folder. */
  parentFolderId: string;
  wellKnownName: string | null;
  /** Users (lower-cased addresses) this folder is shared with, read-only. */
  sharedWith: Set<string>;
};

export type ContactRecord = {
  id: string;
  folderId: string;
  changeKey: string;
  created: number;
  modified: number;
  /** Sequence number of the change that put it in its folder (keyset for initial delta rounds). */
  enteredSeq: number;
  /** Contact properties as Graph JSON (`givenName`, `emailAddresses`, …), absent ones left out. */
  fields: Record<string, unknown>;
  categories: string[];
  /** Single-value extended properties by lower-cased id. */
  extended: Map<string, { id: string; value: string }>;
};

export type MasterCategoryRecord = { id: string; displayName: string; color: string };

type LogEntry = { seq: number; folderId: string; id: string; kind: "upsert" | "remove" };

export type ContactChangeKind = "created" | "updated" | "deleted";

const newId = (prefix: string) => `${prefix}${randomBytes(45).toString("base64").replace(/\//g, "-")}=`;
const newChangeKey = () => randomBytes(12).toString("base64");

export const CATEGORY_COLORS = ["none", ...Array.from({ length: 25 }, (_, n) => `preset${n}`)];

export class GraphContactStore {
  readonly folders = new Map<string, ContactFolderRecord>();
  readonly contacts = new Map<string, ContactRecord>();
  readonly categories: MasterCategoryRecord[] = [];
  readonly log: LogEntry[] = [];
  readonly folderLog: { seq: number; id: string; kind: "upsert" | "remove" }[] = [];
  readonly defaultFolder: ContactFolderRecord;
  seq = 0;
  generation = 1;
  deltaLinksIssued = 0;
  quirks: {
    /** Error code of a rejected delta token: `SyncStateNotFound` (default), `syncStateNotFound`, `resyncRequired`. */
    cursorRejection?: string;
    /** Only the last n deltaLinks stay valid (Exchange's size-bounded token cache, §1.6). */
    deltaTokenCache?: number;
    /** The answer to a duplicate master category name [UNV]: 409 `ErrorAlreadyExists` by default. */
    duplicateCategory?: { status: number; code: string };
    /** The first page of a fresh contact delta round is empty, with only a nextLink (observed, quirk 5). */
    emptyFirstDeltaPage?: boolean;
    /** `contactFolders/contacts` is refused (the well-known name is only observed, not documented). */
    noWellKnownName?: boolean;
    /** The next n contact writes answer 412 whatever their If-Match. */
    spuriousConflicts?: number;
  } = {};
  private listeners: ((kind: ContactChangeKind, contact: ContactRecord) => void)[] = [];

  constructor(
    readonly owner: string,
    readonly now: () => number,
  ) {
    const root = newId("AQMkADRoot");
    this.defaultFolder = this.addFolderRecord("Contacts", root, "contacts");
  }

  onChange(listener: (kind: ContactChangeKind, contact: ContactRecord) => void): void {
    this.listeners.push(listener);
  }

  private addFolderRecord(displayName: string, parentFolderId: string, wellKnownName: string | null) {
    const folder: ContactFolderRecord = {
      id: newId("AQMkADFold"),
      displayName,
      parentFolderId,
      wellKnownName,
      sharedWith: new Set(),
    };
    this.folders.set(folder.id, folder);
    this.folderLog.push({ seq: ++this.seq, id: folder.id, kind: "upsert" });
    return folder;
  }

  /** A folder under `parentId` (the default Contacts folder when absent). */
  addFolder(displayName: string, parentId?: string): ContactFolderRecord {
    const parent = parentId ? this.folder(parentId) : this.defaultFolder;
    if (!parent) throw new Error(`no contact folder ${parentId}`);
    return this.addFolderRecord(displayName, parent.id, null);
  }

  /** A folder by id, or the default one by its well-known name `contacts`. */
  folder(id: string): ContactFolderRecord | undefined {
    if (id.toLowerCase() === "contacts") return this.defaultFolder;
    return this.folders.get(id);
  }

  renameFolder(id: string, displayName: string): void {
    const folder = this.folder(id);
    if (!folder) throw new Error(`no contact folder ${id}`);
    folder.displayName = displayName;
    this.folderLog.push({ seq: ++this.seq, id: folder.id, kind: "upsert" });
  }

  childFolders(parentId: string): ContactFolderRecord[] {
    return [...this.folders.values()].filter((f) => f.parentFolderId === parentId);
  }

  share(folderId: string, withUser: string): void {
    const folder = this.folder(folderId);
    if (!folder) throw new Error(`no contact folder ${folderId}`);
    folder.sharedWith.add(withUser.toLowerCase());
  }

  /** Creates a contact from a Graph body (checked as a POST is); throws on an invalid body. */
  seed(body: ContactBody, folderId?: string): ContactRecord {
    const created = this.create(body, this.folder(folderId ?? "contacts")?.id ?? "?");
    if (!("id" in created)) throw new Error(created.message);
    return created;
  }

  /** A POST: the contact, or the 400 problem when the body breaks a limit. */
  create(body: ContactBody, folderId: string): ContactRecord | ContactBodyProblem {
    if (!this.folders.has(folderId)) throw new Error(`no contact folder ${folderId}`);
    const change = checkContactBody(body);
    if (typeof change !== "function") return change;
    const t = this.now();
    const contact: ContactRecord = {
      id: newId("AAMkADCont"),
      folderId,
      changeKey: newChangeKey(),
      created: t,
      modified: t,
      enteredSeq: 0,
      fields: {},
      categories: [],
      extended: new Map(),
    };
    change(contact);
    this.contacts.set(contact.id, contact);
    this.record(contact, "upsert", "created");
    return contact;
  }

  /** A PATCH (or the user's edit): the contact, or the 400 problem when the body breaks a limit. */
  update(id: string, body: ContactBody): ContactRecord | ContactBodyProblem {
    const contact = this.contacts.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    const change = checkContactBody(body);
    if (typeof change !== "function") return change;
    change(contact);
    contact.changeKey = newChangeKey();
    contact.modified = Math.max(this.now(), contact.modified + 1);
    this.record(contact, "upsert", "updated");
    return contact;
  }

  /** The user edits a contact in Outlook (fields, categories); throws on an invalid body. */
  userEdit(id: string, body: ContactBody): ContactRecord {
    const updated = this.update(id, body);
    if (!("id" in updated)) throw new Error(updated.message);
    return updated;
  }

  remove(id: string): void {
    const contact = this.contacts.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    this.contacts.delete(id);
    this.record(contact, "remove", "deleted");
  }

  /** The user moves a contact to another of their folders in Outlook (same id: contacts keep theirs here). */
  move(id: string, folderId: string): void {
    const contact = this.contacts.get(id);
    const target = this.folder(folderId);
    if (!contact || !target) throw new Error(`no contact ${id} or folder ${folderId}`);
    this.log.push({ seq: ++this.seq, folderId: contact.folderId, id, kind: "remove" });
    contact.folderId = target.id;
    contact.changeKey = newChangeKey();
    this.record(contact, "upsert", "updated", true);
  }

  private record(
    contact: ContactRecord,
    kind: "upsert" | "remove",
    change: ContactChangeKind,
    entered = false,
  ) {
    this.seq++;
    if (change === "created" || entered) contact.enteredSeq = this.seq;
    this.log.push({ seq: this.seq, folderId: contact.folderId, id: contact.id, kind });
    for (const listener of this.listeners) listener(change, contact);
  }

  invalidateDelta(): void {
    this.generation++;
  }

  // Master categories (§2.6).

  category(id: string): MasterCategoryRecord | undefined {
    return this.categories.find((c) => c.id === id);
  }

  categoryNamed(displayName: string): MasterCategoryRecord | undefined {
    const key = displayName.toLowerCase();
    return this.categories.find((c) => c.displayName.toLowerCase() === key);
  }

  addCategory(displayName: string, color = "none"): MasterCategoryRecord {
    if (this.categoryNamed(displayName)) throw new Error(`category ${displayName} exists`);
    const category = { id: randomUUID(), displayName, color };
    this.categories.push(category);
    return category;
  }

  deleteCategory(id: string): void {
    const at = this.categories.findIndex((c) => c.id === id);
    if (at < 0) throw new Error(`no category ${id}`);
    this.categories.splice(at, 1);
  }

  /**
   * The user renames a master category in Outlook. How that shows through Graph is not documented
   * [UNV §2.6]: `keep-id` keeps the id under the new name, `replace` deletes it and creates a new one.
   * Items keep the old string unless `relabelItems` (Outlook desktop relabels the items it has).
   */
  renameCategory(
    id: string,
    displayName: string,
    mode: "keep-id" | "replace",
    relabelItems = false,
  ): MasterCategoryRecord {
    const category = this.category(id);
    if (!category) throw new Error(`no category ${id}`);
    const old = category.displayName;
    let renamed: MasterCategoryRecord;
    if (mode === "keep-id") {
      category.displayName = displayName;
      renamed = category;
    } else {
      this.deleteCategory(id);
      renamed = this.addCategory(displayName, category.color);
    }
    if (relabelItems)
      for (const c of this.contacts.values())
        if (c.categories.includes(old))
          this.userEdit(c.id, { categories: c.categories.map((x) => (x === old ? displayName : x)) });
    return renamed;
  }
}
