// The contract of calendar reconciliation: what the sync shell reads from the CRM, from the provider
// and from `event_links`, and the actions it must carry out. Reconciliation itself (calendar.ts) is a
// pure function of these values; the shell does the I/O around it.
import type { SyncedEventState } from "../calendar/synced-state.js";

export type { SyncedEventState };

/** The CRM's view of the item. `deleted`: deleted in Concilia (a calendar delete never deletes it). */
export type CrmSide =
  | { kind: "absent" }
  | { kind: "deleted" }
  | {
      kind: "present";
      state: SyncedEventState /** ISO instant of the CRM's last change. */;
      changedAt: string;
    };

/**
 * The provider's view. `deleted`: a tombstone, a 404/410, or an item missing from a full listing.
 * A present item whose status is `cancelled` is a cancellation, read like a deletion (R-CAL-9).
 */
export type ProviderSide =
  | { kind: "absent" }
  | { kind: "deleted" }
  | {
      kind: "present";
      state: SyncedEventState;
      /** Google etag, Graph changeKey, CalDAV ETag, byte for byte. */
      etag: string | null;
      /** ISO instant of the provider's last change (Google `updated`, Graph `lastModifiedDateTime`, LAST-MODIFIED). */
      changedAt: string;
    };

/** What both sides last agreed on (`event_links.last_synced`) and the etag our last write got back. */
export interface LastSynced {
  state: SyncedEventState;
  etag: string | null;
}

export interface ReconcileInput {
  crm: CrmSide;
  provider: ProviderSide;
  last: LastSynced | null;
  /** The connection's user organises the event; a guest's event is read-only in Concilia (R-CAL-4). */
  role: "organizer" | "guest";
  /**
   * The connection's first sync, or "Sync previous activities" (R-ACT-3): CRM items pushed now are
   * history and invite no one (failure mode 9).
   */
  firstSync: boolean;
  /**
   * False for an item that no longer syncs: an activity no longer planned, or whose type no longer
   * shows in calendars (R-ACT-1). Syncing stops; nothing is deleted on either side. Default true.
   */
  inScope?: boolean;
}

export type Side = "crm" | "provider";

export type CalendarAction =
  /** R-CAL-1; invitations go out only for a new event made in Concilia (R-CAL-7), never on a first sync. */
  | { kind: "create-at-provider"; state: SyncedEventState; sendInvitations: boolean }
  /** R-CAL-2; `ifMatch` is the etag the change is based on. Updates never notify (R-CAL-7). */
  | { kind: "update-at-provider"; state: SyncedEventState; ifMatch: string | null; sendInvitations: false }
  /** R-CAL-9: deleted in Concilia. */
  | { kind: "delete-at-provider"; ifMatch: string | null }
  /** R-CAL-3: created in the calendar; the shell links by iCalUID first (import.ts). */
  | { kind: "create-in-crm"; state: SyncedEventState }
  | { kind: "update-in-crm"; state: SyncedEventState }
  /** R-CAL-9: deleted or cancelled in the calendar; the CRM event is kept. */
  | { kind: "mark-cancelled-in-crm" }
  /** A conflict's loser, kept with the fields the winner overwrote. */
  | {
      kind: "keep-overwritten-version";
      from: Side;
      version: SyncedEventState;
      changedAt: string;
      fields: string[];
    }
  /** The state both sides now agree on, to store in `event_links.last_synced` (with the write's etag). */
  | { kind: "record-synced"; state: SyncedEventState }
  /** Both sides are gone: the link has nothing left to map. */
  | { kind: "forget-link" };
