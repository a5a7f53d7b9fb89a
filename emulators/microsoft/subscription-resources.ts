import type { GraphCaller } from "./graph-caller.js";
import type { ChangeKind, GraphMailbox, GraphMessage } from "./mailbox.js";

/**
 * What can be subscribed to, and the changes each store reports. A subscription keeps the scope
 * its resource path resolved to; a change lists the scopes it belongs to. Calendar and contacts
 * add a resource here and report their changes through `GraphSubscriptions.notify`.
 */
export type ResourceChange = {
  account: string;
  userId: string;
  kind: ChangeKind;
  scopes: string[];
  /** Notification spelling: PascalCase namespace and collection (quirk 13). */
  odataType: string;
  collection: string;
  ids: { rest: string; immutable: string };
  changeKey: string;
};

export type SubscribableResource = {
  /** The scope a resource path means for this caller, or undefined if it is not this kind. */
  scopeOf(caller: GraphCaller, resource: string): string | undefined;
};

const userPrefix = (caller: GraphCaller) =>
  `(?:me|users/(?:${caller.mailbox.userId}|${caller.email.replace(/[.]/g, "\\.")}))`;

/** `/me/messages` (the whole mailbox) and `/me/mailFolders('{id}')/messages` (one folder). */
export const mailResource: SubscribableResource = {
  scopeOf(caller, resource) {
    const path = resource.replace(/^\//, "");
    const user = userPrefix(caller);
    if (new RegExp(`^${user}/messages$`, "i").test(path)) return "messages";
    const match = new RegExp(`^${user}/mailfolders(?:/([^/()]+)|\\('([^']+)'\\))/messages$`, "i").exec(path);
    const folder = match ? caller.mailbox.folder(match[1] ?? match[2]) : undefined;
    return folder ? `messages:${folder.id}` : undefined;
  },
};

export function mailChange(
  mailbox: GraphMailbox,
  kind: ChangeKind,
  message: GraphMessage,
  restId: string,
): ResourceChange {
  return {
    account: mailbox.email,
    userId: mailbox.userId,
    kind,
    scopes: ["messages", `messages:${message.folderId}`],
    odataType: "#Microsoft.Graph.Message",
    collection: "Messages",
    ids: { rest: restId, immutable: message.immutableId },
    changeKey: message.changeKey,
  };
}

/** `/me/events` (the whole mailbox) and `/me/calendars/{id}/events` (one calendar). */
export const eventResource: SubscribableResource = {
  scopeOf(caller, resource) {
    const path = resource.replace(/^\//, "");
    const user = userPrefix(caller);
    if (new RegExp(`^${user}/(?:calendar/)?events$`, "i").test(path)) return "events";
    const match = new RegExp(`^${user}/calendars(?:/([^/()]+)|\\('([^']+)'\\))/events$`, "i").exec(path);
    return match ? `events:${match[1] ?? match[2]}` : undefined;
  },
};

export function eventChange(
  mailbox: GraphMailbox,
  kind: ChangeKind,
  id: string,
  calendarId: string,
  changeKey: string,
): ResourceChange {
  return {
    account: mailbox.email,
    userId: mailbox.userId,
    kind,
    scopes: ["events", `events:${calendarId}`],
    odataType: "#Microsoft.Graph.Event",
    collection: "Events",
    ids: { rest: id, immutable: id },
    changeKey,
  };
}

/** Scope of a resource the caller may read but not subscribe to (another user's shared folder). */
export const DENIED_SCOPE = "denied";

/**
 * `/me/contacts` (the default folder) and `/me/contactFolders/{id}/contacts`. Another user's folder
 * (`/users/{other}/contactFolders/{id}/contacts`) resolves to DENIED_SCOPE: delegated shared
 * permissions do not allow subscriptions (§2.4), so creating one answers 403.
 */
export const contactResource: SubscribableResource = {
  scopeOf(caller, resource) {
    const path = resource.replace(/^\//, "");
    const user = userPrefix(caller);
    if (new RegExp(`^${user}/contacts$`, "i").test(path)) return "contacts";
    const own = new RegExp(`^${user}/contactfolders(?:/([^/()]+)|\\('([^']+)'\\))/contacts$`, "i").exec(path);
    if (own) return `contacts:${own[1] ?? own[2]}`;
    if (/^users\/[^/]+\/contactfolders(?:\/[^/()]+|\('[^']+'\))\/contacts$/i.test(path)) return DENIED_SCOPE;
    return undefined;
  },
};

export function contactChange(
  mailbox: GraphMailbox,
  kind: ChangeKind,
  id: string,
  folderId: string,
  isDefaultFolder: boolean,
  changeKey: string,
): ResourceChange {
  return {
    account: mailbox.email,
    userId: mailbox.userId,
    kind,
    scopes: [...(isDefaultFolder ? ["contacts"] : []), `contacts:${folderId}`],
    odataType: "#Microsoft.Graph.Contact",
    collection: "Contacts",
    ids: { rest: id, immutable: id },
    changeKey,
  };
}
