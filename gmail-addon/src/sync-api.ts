// R-CON: the connections API (shared/api/connections.ts) and the sync status routes
// (shared/api/sync-status.ts) as the add-on's sync card uses them.
import type {
  CaldavAccountInput,
  CaldavTestResult,
  CalendarSyncRemoved,
  Connection,
  ConnectionInput,
  ConnectionPatch,
  ConnectionStopped,
  ConnectionSyncs,
  ImapAccountInput,
  ImapTestResult,
  OAuthProvider,
  PreviousActivitiesQueued,
} from "../../shared/api/connections.js";
import type { ConnectionSyncStatus } from "../../shared/api/sync-status.js";
import type { HttpRequest } from "./host.js";

type Call = <T>(method: HttpRequest["method"], path: string, body?: { json?: unknown }) => T;

const BASE = "/api/v1/connections";
const at = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

export function syncCalls(call: Call) {
  return {
    list: () => call<{ items: Connection[] }>("get", BASE).items,
    /** R-CON-6: the IMAP connectivity test, before anything is saved. */
    test: (account: Partial<ImapAccountInput>) =>
      call<ImapTestResult>("post", `${BASE}/test`, { json: account }),
    /** R-CON-6: an Other CalDAV server's test (discovery, login, calendar home). */
    testCaldav: (account: CaldavAccountInput) =>
      call<CaldavTestResult>("post", `${BASE}/caldav-test`, { json: account }),
    create: (input: ConnectionInput) => call<Connection>("post", BASE, { json: input }),
    edit: (id: string, patch: ConnectionPatch) => call<Connection>("patch", at(id), { json: patch }),
    stop: (id: string) => call<ConnectionStopped>("delete", at(id)),
    /**
     * R-CON-8: where to sign in, in a browser pop-up: the page on Concilia's origin that goes on to the
     * provider (Gmail opens only the manifest's openLinkUrlPrefixes, and the provider is not among them).
     */
    oauthStart: (provider: OAuthProvider, syncs: ConnectionSyncs, connectionId?: string) =>
      call<{ dialogUrl: string }>("post", `${BASE}/oauth/start`, {
        json: { provider, syncs, opener: "web", ...(connectionId ? { connectionId } : {}) },
      }).dialogUrl,
    status: (id: string) => call<ConnectionSyncStatus>("get", `${at(id)}/status`),
    /** R-ACT-3: the planned activities made before the connection, sent to its calendar once. */
    syncPreviousActivities: (id: string) =>
      call<PreviousActivitiesQueued>("post", `${at(id)}/sync-previous-activities`),
    /** R-ACT-4: the connection's calendar sync off; nothing in the CRM is lost. */
    removeCalendarSync: (id: string) => call<CalendarSyncRemoved>("post", `${at(id)}/remove-calendar-sync`),
    /** R-ACT-5: the zone the CRM shows the user's times in (his profile's). */
    crmTimeZone: () => call<{ timeZone: string }>("get", "/api/v1/me").timeZone,
    act(id: string, action: "pause" | "resume" | "retry-failed"): ConnectionSyncStatus {
      const r = call<ConnectionSyncStatus | { status: ConnectionSyncStatus }>("post", `${at(id)}/${action}`);
      return action === "retry-failed"
        ? (r as { status: ConnectionSyncStatus }).status
        : (r as ConnectionSyncStatus);
    },
  };
}
