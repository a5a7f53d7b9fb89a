import type { ContactFolderRecord, ContactRecord, GraphContactStore } from "./contact-store.js";
import { graphError } from "./errors.js";
import type { GraphCtx } from "./graph-caller.js";

/**
 * What the Graph contact routes share: scopes (`Contacts.Read[Write][.Shared]`,
 * `MailboxSettings.Read[Write]`), resolving the folder a path names (own or shared by another
 * user) and the two `$filter`s Graph allows on contacts (paging is graph-caller's `collection`).
 */
export type ContactOwner = { email: string; userId: string; store: GraphContactStore };
/** The account a `/users/{id or address}` path names, if the emulator has it. */
export type ContactOwnerOf = (idOrEmail: string) => ContactOwner | undefined;

const scopesOf = (ctx: GraphCtx) =>
  ctx
    .account!.scope.toLowerCase()
    .split(" ")
    .map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//, ""));

const denied = () =>
  graphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");

/** Own folders need `Contacts.Read[Write]`; another user's folder needs the `.Shared` variant (§2.4). */
export function contactsAccess(ctx: GraphCtx, write: boolean, shared = false): Response | null {
  const own = write ? ["contacts.readwrite"] : ["contacts.read", "contacts.readwrite"];
  const wanted = shared
    ? own.map((s) => `${s}.shared`).concat(write ? [] : ["contacts.readwrite.shared"])
    : own;
  return scopesOf(ctx).some((s) => wanted.includes(s)) ? null : denied();
}

export function mailboxSettingsAccess(ctx: GraphCtx, write: boolean): Response | null {
  const wanted = write
    ? ["mailboxsettings.readwrite"]
    : ["mailboxsettings.read", "mailboxsettings.readwrite"];
  return scopesOf(ctx).some((s) => wanted.includes(s)) ? null : denied();
}

export function folderNotFound(): Response {
  return graphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
}

/** The caller's folder a path names (`{id}`, `('{id}')` or the well-known `contacts`). */
export function ownFolder(store: GraphContactStore, id: string | undefined): ContactFolderRecord | Response {
  if (id === undefined) return store.defaultFolder;
  if (store.quirks.noWellKnownName && id.toLowerCase() === "contacts")
    return graphError(400, "ErrorInvalidIdMalformed", "Id is malformed.");
  return store.folder(id) ?? folderNotFound();
}

/** Another user's folder, readable only if that user shared it with the caller (§2.4). */
export function sharedFolder(
  ctx: GraphCtx,
  ownerOf: ContactOwnerOf,
  who: string,
  folderId: string,
): { owner: ContactOwner; folder: ContactFolderRecord } | Response {
  const owner = ownerOf(who);
  if (!owner) return graphError(404, "ErrorInvalidUser", `The requested user '${who}' is invalid.`);
  if (owner.email === ctx.account!.email) {
    const folder = owner.store.folder(folderId);
    return folder ? { owner, folder } : folderNotFound();
  }
  const folder = owner.store.folder(folderId);
  if (!folder?.sharedWith.has(ctx.account!.email)) return denied();
  return { owner, folder };
}

/**
 * `$filter` on contacts: `singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')`
 * (finding our own item, §2.5) and `emailAddresses/any(a:a/address eq '…')` (only `any` + `eq`, §2.1).
 */
export function contactFilter(url: URL): ((c: ContactRecord) => boolean) | Response | null {
  const filter = url.searchParams.get("$filter")?.trim();
  if (!filter) return null;
  const ext =
    /^singleValueExtendedProperties\/Any\((\w+):\s*\1\/id eq '([^']+)' and \1\/value eq '((?:[^']|'')*)'\)$/i.exec(
      filter,
    );
  if (ext) {
    const value = ext[3].replace(/''/g, "'");
    return (c) => c.extended.get(ext[2].toLowerCase())?.value === value;
  }
  const mail = /^emailAddresses\/any\((\w+):\s*\1\/address eq '((?:[^']|'')*)'\)$/i.exec(filter);
  if (mail) {
    const address = mail[2].replace(/''/g, "'").toLowerCase();
    return (c) =>
      ((c.fields.emailAddresses ?? []) as { address: string }[]).some(
        (e) => e.address.toLowerCase() === address,
      );
  }
  return graphError(
    400,
    "ErrorInvalidUrlQueryFilter",
    "The query filter contains one or more invalid nodes.",
  );
}

export function staleChangeKey(ctx: GraphCtx, store: GraphContactStore, contact: ContactRecord): boolean {
  if (store.quirks.spuriousConflicts) {
    store.quirks.spuriousConflicts--;
    return true;
  }
  const header = ctx.request.headers.get("if-match");
  if (!header || header === "*") return false;
  return header.replace(/^W\//, "").replace(/"/g, "") !== contact.changeKey;
}

export function conflict(): Response {
  return graphError(
    412,
    "ErrorIrresolvableConflict",
    "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
  );
}
