// R-CON: the connections API (shared/api/connections.ts) and the sync status routes
// (shared/api/sync-status.ts) as the settings view uses them. Types only: zod stays out of the bundle.
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
} from "../../../shared/api/connections.js";
import type { ConnectionSyncStatus } from "../../../shared/api/sync-status.js";
import type { Call } from "./client.js";

export interface SyncApi {
  list(): Promise<Connection[]>;
  /** R-CON-6: the IMAP connectivity test, before anything is saved. */
  test(account: Partial<ImapAccountInput>): Promise<ImapTestResult>;
  /** R-CON-6: the Other CalDAV server's connectivity test (discovery, login, calendar home). */
  testCaldav(account: CaldavAccountInput): Promise<CaldavTestResult>;
  create(input: ConnectionInput): Promise<Connection>;
  edit(id: string, patch: ConnectionPatch): Promise<Connection>;
  stop(id: string): Promise<ConnectionStopped>;
  /**
   * R-CON-8: where the Office dialog signs in: a page on Concilia's origin (Office opens dialogs only on
   * the add-in's domain) that goes on to the provider; `connectionId` reconnects that connection.
   */
  oauthStart(provider: OAuthProvider, syncs: ConnectionSyncs, connectionId?: string): Promise<string>;
  status(id: string): Promise<ConnectionSyncStatus>;
  act(id: string, action: "pause" | "resume" | "retry-failed"): Promise<ConnectionSyncStatus>;
  /** R-ACT-3: the planned activities made before the connection, sent to its calendar once. */
  syncPreviousActivities(id: string): Promise<PreviousActivitiesQueued>;
  /** R-ACT-4: the connection's calendar sync off; nothing in the CRM is lost. */
  removeCalendarSync(id: string): Promise<CalendarSyncRemoved>;
  /** R-ACT-5: the zone the CRM shows the user's times in (his profile's). */
  crmTimeZone(): Promise<string>;
}

const JSON_TYPE = "application/json";

export function syncApi(call: Call): SyncApi {
  const base = "/api/v1/connections";
  const at = (id: string) => `${base}/${encodeURIComponent(id)}`;
  const json = (v: unknown) => JSON.stringify(v);
  return {
    list: async () => (await call<{ items: Connection[] }>("GET", base)).items,
    test: (account) => call("POST", `${base}/test`, json(account), JSON_TYPE),
    testCaldav: (account) => call("POST", `${base}/caldav-test`, json(account), JSON_TYPE),
    create: (input) => call("POST", base, json(input), JSON_TYPE),
    edit: (id, patch) => call("PATCH", at(id), json(patch), JSON_TYPE),
    stop: (id) => call("DELETE", at(id)),
    async oauthStart(provider, syncs, connectionId) {
      const body = { provider, syncs, opener: "office", ...(connectionId ? { connectionId } : {}) };
      const r = await call<{ dialogUrl: string }>("POST", `${base}/oauth/start`, json(body), JSON_TYPE);
      return r.dialogUrl;
    },
    status: (id) => call("GET", `${at(id)}/status`),
    syncPreviousActivities: (id) => call("POST", `${at(id)}/sync-previous-activities`),
    removeCalendarSync: (id) => call("POST", `${at(id)}/remove-calendar-sync`),
    crmTimeZone: async () => (await call<{ timeZone: string }>("GET", "/api/v1/me")).timeZone,
    async act(id, action) {
      const r = await call<ConnectionSyncStatus | { status: ConnectionSyncStatus }>(
        "POST",
        `${at(id)}/${action}`,
      );
      return action === "retry-failed"
        ? (r as { status: ConnectionSyncStatus }).status
        : (r as ConnectionSyncStatus);
    },
  };
}
