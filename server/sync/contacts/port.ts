// What the contact sync (R-X) needs from an address book provider. Microsoft Graph implements it
// (server/providers/graph/contacts-*.ts); the sync driver in this folder and the pure decisions in
// server/reconcile/contacts.ts only ever see these types, so another provider (an on-premises Exchange)
// is one more implementation. Errors are SyncErrors (../errors.ts): `cursor-rejected` for an expired
// delta link (410), `throttled` with the wait, `auth` for a refused token, `conflict` for a 412.

/** A postal address, as Exchange holds it (business, home, other). */
export interface PostalAddress {
  street: string;
  city: string;
  state: string;
  postalCode: string;
  countryOrRegion: string;
}

/** The fields both sides know, in the provider's shape. Absent and empty mean "no value". */
export interface ContactFields {
  givenName: string;
  surname: string;
  /** At most 3 at Exchange: a longer CRM list is cut deterministically (first three, CRM order). */
  emails: string[];
  /** At most 2 at Exchange. */
  businessPhones: string[];
  mobilePhone: string | null;
  companyName: string | null;
  jobTitle: string | null;
  businessAddress: PostalAddress | null;
  homeAddress: PostalAddress | null;
  /** The web site (Graph `businessHomePage`): a company's. */
  businessHomePage?: string | null;
}

/** A contact with no value in any field: the start of a mapping that fills only what it knows. */
export const NO_CONTACT_FIELDS: ContactFields = {
  givenName: "",
  surname: "",
  emails: [],
  businessPhones: [],
  mobilePhone: null,
  companyName: null,
  jobTitle: null,
  businessAddress: null,
  homeAddress: null,
};

/** A contact as the provider returned it. */
export interface ProviderContact {
  id: string;
  /** Graph `changeKey`; sent back as If-Match on update. */
  changeKey: string;
  folderId: string;
  lastModified: string;
  fields: ContactFields;
  /** What Outlook shows as the contact's name: a company's name when it has no person's name. */
  displayName?: string;
  /** Every category on the item, ours and the user's own (the user's are never touched). */
  categories: string[];
  /** Our extended properties: `conciliaId` (the CRM record this item was made for) and CRM fields
   *  Exchange has no place for, by name. Null when the item was not made or touched by Concilia. */
  extended: { conciliaId: string | null; fields: Record<string, string> };
}

export type ContactChange = { kind: "changed"; contact: ProviderContact } | { kind: "removed"; id: string };

export interface ContactPage {
  changes: ContactChange[];
  /** Opaque JSON: the delta/next link; stored with the page's writes in one transaction. */
  cursor: unknown;
  more: boolean;
}

export interface ContactFolder {
  id: string;
  name: string;
  /** Only `private` folders sync (R-X-5); `shared` ones are listed so the settings view can say why. */
  kind: "private" | "shared";
  /** For a shared folder, whose it is. */
  owner?: string;
}

export interface MasterCategory {
  id: string;
  displayName: string;
  color: string;
}

/** What the contact sync writes: all fields, our categories, our extended properties. */
export interface ContactWrite {
  fields: ContactFields;
  /** The categories the item must end up with (ours replaced, the user's kept: the caller merges). */
  categories: string[];
  extended: { conciliaId: string; fields: Record<string, string> };
  /** Set for a company: its name is the contact's name (a person's is made of given name and surname). */
  displayName?: string;
}

export interface ContactsPort {
  listFolders(): Promise<ContactFolder[]>;
  /** Changes in one private folder after `cursor` (null: everything, the start of a full sync). */
  listChanges(folderId: string, cursor: unknown, pageSize: number): Promise<ContactPage>;
  /**
   * Creates a contact: one request, no look-up first. A failure after which the contact may have been
   * made all the same (a lost answer, a 5xx) is thrown as SyncError `temporary`: the caller keeps a
   * pending-create marker, the next listing links the contact by its `extended.conciliaId`, and a create
   * tried again while the marker stands asks `findCreated` first (outbound-create.ts).
   */
  create(folderId: string, contact: ContactWrite): Promise<ProviderContact>;
  /** The contact made for a CRM record (our `conciliaId` property) in a folder, or null. */
  findCreated(folderId: string, conciliaId: string): Promise<ProviderContact | null>;
  /** Updates with If-Match: a changeKey that moved on throws SyncError `conflict`. */
  update(id: string, changeKey: string, contact: ContactWrite): Promise<ProviderContact>;
  /**
   * Optional: one contact as it is now, or null when it is gone. With it, a write refused by If-Match is
   * reconciled with the current contact and tried again at once; without it, the write waits for the
   * listing that brings the change.
   */
  get?(id: string): Promise<ProviderContact | null>;
  masterCategories(): Promise<MasterCategory[]>;
  /** Creates a master category; one that exists already under that exact name is returned as is. */
  createCategory(displayName: string, color: string): Promise<MasterCategory>;
  /** Master categories cannot be renamed through Graph: a renamed one of ours is deleted and made again. */
  deleteCategory(id: string): Promise<void>;
}
