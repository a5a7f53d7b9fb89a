// An address book in memory that keeps ContactsPort's contract as Graph does: changeKeys that move on
// every write, If-Match updates refused with SyncError `conflict`, per-folder delta cursors (a full
// listing, then the changes after it, deletions as `removed`; an expired cursor is `cursor-rejected`),
// a master category list whose names are unique and cannot be renamed through the port, and creation
// idempotent on the Concilia id. The `user*` methods are what the mailbox's owner does in Outlook.

import type {
  ContactChange,
  ContactFields,
  ContactFolder,
  ContactPage,
  ContactsPort,
  ContactWrite,
  MasterCategory,
  ProviderContact,
} from "../../../server/sync/contacts/port.js";
import { NO_CONTACT_FIELDS } from "../../../server/sync/contacts/port.js";
import { SyncError } from "../../../server/sync/errors.js";

interface Logged {
  seq: number;
  folderId: string;
  id: string;
}

export class MemoryAddressBook implements ContactsPort {
  folders: ContactFolder[] = [
    { id: "contacts", name: "Contacts", kind: "private" },
    { id: "clients", name: "Clientes", kind: "private" },
    { id: "shared-sales", name: "Ventas (compartida)", kind: "shared", owner: "boss@acme.test" },
  ];
  contacts = new Map<string, ProviderContact>();
  categories: MasterCategory[] = [];
  /** Every write, in order: the delta's source. */
  private log: Logged[] = [];
  private seq = 0;
  private ids = 0;
  /** Cursors below this sequence are refused (a 410 after a long pause). */
  oldestCursor = 0;
  /** The clock the items' lastModified come from; tests move it. */
  now = new Date("2026-11-20T09:00:00.000Z");
  calls = { create: 0, update: 0, conflicts: 0 };

  private tick() {
    this.now = new Date(this.now.getTime() + 1000);
    return this.now.toISOString();
  }
  private touch(c: ProviderContact) {
    c.changeKey = `ck-${++this.seq}`;
    c.lastModified = this.tick();
    this.contacts.set(c.id, c);
    this.log.push({ seq: this.seq, folderId: c.folderId, id: c.id });
    return structuredClone(c);
  }

  /** Every cursor given out so far is refused from now on, as Graph's 410 after a long pause. */
  expireCursors() {
    this.oldestCursor = this.seq;
  }

  async listFolders() {
    return structuredClone(this.folders);
  }

  async listChanges(folderId: string, cursor: unknown, pageSize: number): Promise<ContactPage> {
    const c = cursor as { after: number; upTo: number } | null;
    if (c && c.after < this.oldestCursor) throw new SyncError("cursor-rejected", "The delta link expired.");
    const after = c?.after ?? 0;
    const upTo = c?.upTo ?? this.seq;
    const changes: ContactChange[] = [];
    const seen = new Set<string>();
    const entries = this.log.filter(
      (e) => e.folderId === folderId && e.seq > after && (c ? true : e.seq <= upTo),
    );
    // Latest state per contact, in the order of their last change.
    const last = new Map<string, number>();
    for (const e of entries) last.set(e.id, e.seq);
    const ordered = [...last.entries()].sort((a, b) => a[1] - b[1]);
    let reached = after;
    for (const [id, seq] of ordered) {
      if (changes.length >= pageSize) break;
      if (seen.has(id)) continue;
      seen.add(id);
      const item = this.contacts.get(id);
      if (item && item.folderId === folderId)
        changes.push({ kind: "changed", contact: structuredClone(item) });
      else if (c) changes.push({ kind: "removed", id });
      reached = seq;
    }
    const more = ordered.some(([, seq]) => seq > reached);
    return { changes, cursor: { after: more ? reached : Math.max(reached, this.seq), upTo }, more };
  }

  async create(folderId: string, contact: ContactWrite): Promise<ProviderContact> {
    this.calls.create++;
    const id = `AAMk-${++this.ids}`;
    return this.touch({
      id,
      changeKey: "",
      folderId,
      lastModified: "",
      fields: structuredClone(contact.fields),
      categories: [...contact.categories],
      extended: structuredClone(contact.extended),
    });
  }

  async findCreated(folderId: string, conciliaId: string): Promise<ProviderContact | null> {
    const found = [...this.contacts.values()].find(
      (c) => c.folderId === folderId && c.extended.conciliaId === conciliaId,
    );
    return found ? structuredClone(found) : null;
  }

  async update(id: string, changeKey: string, contact: ContactWrite): Promise<ProviderContact> {
    this.calls.update++;
    const c = this.contacts.get(id);
    if (!c) throw new SyncError("not-found", "The contact is gone.");
    if (c.changeKey !== changeKey) {
      this.calls.conflicts++;
      throw new SyncError("conflict", "The contact changed since it was read.");
    }
    return this.touch({
      ...c,
      fields: structuredClone(contact.fields),
      categories: [...contact.categories],
      extended: structuredClone(contact.extended),
    });
  }

  /** The port's optional read of one contact; a test sets it to undefined for a port without it. */
  get: ContactsPort["get"] = async (id: string) => {
    const c = this.contacts.get(id);
    return c ? structuredClone(c) : null;
  };

  async masterCategories() {
    return structuredClone(this.categories);
  }
  async createCategory(displayName: string, color: string) {
    const found = this.categories.find((c) => c.displayName === displayName);
    if (found) return structuredClone(found);
    const made = { id: `cat-${++this.ids}`, displayName, color };
    this.categories.push(made);
    return structuredClone(made);
  }
  async deleteCategory(id: string) {
    this.categories = this.categories.filter((c) => c.id !== id);
  }

  // What the user does in Outlook.
  userCreate(folderId: string, fields: Partial<ContactFields>, categories: string[] = []): ProviderContact {
    return this.touch({
      id: `AAMk-${++this.ids}`,
      changeKey: "",
      folderId,
      lastModified: "",
      fields: { ...BLANK, ...structuredClone(fields) },
      categories,
      extended: { conciliaId: null, fields: {} },
    });
  }
  userEdit(id: string, fields: Partial<ContactFields>, categories?: string[]) {
    const c = this.contacts.get(id);
    if (!c) throw new Error(`no contact ${id}`);
    return this.touch({ ...c, fields: { ...c.fields, ...fields }, categories: categories ?? c.categories });
  }
  userDelete(id: string) {
    const c = this.contacts.get(id);
    if (!c) throw new Error(`no contact ${id}`);
    this.contacts.delete(id);
    this.log.push({ seq: ++this.seq, folderId: c.folderId, id });
  }
  /** Outlook renames in place: same id, another name. */
  userRenameCategory(id: string, displayName: string) {
    const c = this.categories.find((x) => x.id === id);
    if (c) c.displayName = displayName;
  }
  byName(givenName: string) {
    return [...this.contacts.values()].filter((c) => c.fields.givenName === givenName);
  }
}

export const BLANK = NO_CONTACT_FIELDS;
