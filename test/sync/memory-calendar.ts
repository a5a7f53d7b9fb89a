// A calendar held in memory behind the CalendarWriter contract, with the idempotence the real providers
// give (a create repeats onto the object of its UID, as CalDAV's If-None-Match: * does) and If-Match
// checks, recording every request it receives: what the outbox tests count. The CalDAV writer is tested
// against Radicale (calendar-sync-caldav.test.ts, calendar-outbound-caldav.test.ts).
import type { SyncedEventState } from "../../server/calendar/synced-state.js";
import type { CalendarWriter } from "../../server/sync/calendar/outbound.js";
import { SyncError } from "../../server/sync/errors.js";

export interface StoredItem {
  href: string;
  etag: string;
  uid: string;
  conciliaId: string;
  state: SyncedEventState;
  sequence: number;
}

export type Request =
  | { kind: "create"; uid: string; sendInvitations: boolean; attendees: number }
  | { kind: "update"; href: string; sequence: number }
  | { kind: "remove"; href: string };

export class MemoryCalendar {
  readonly items = new Map<string, StoredItem>();
  requests: Request[] = [];
  private version = 0;

  /** Clears the request log; the calendar keeps its items. */
  take(): Request[] {
    const r = this.requests;
    this.requests = [];
    return r;
  }

  writer(hooks: { afterCreate?: () => void } = {}): CalendarWriter {
    return {
      create: async (uid, conciliaId, state, { sendInvitations }) => {
        this.requests.push({ kind: "create", uid, sendInvitations, attendees: state.attendees.length });
        const href = `/cal/${encodeURIComponent(uid)}.ics`;
        let item = this.items.get(href);
        if (!item) {
          item = { href, etag: `"${++this.version}"`, uid, conciliaId, state, sequence: 0 };
          this.items.set(href, item);
        }
        hooks.afterCreate?.();
        return { href, etag: item.etag };
      },
      update: async (href, ifMatch, uid, sequence, conciliaId, state) => {
        this.requests.push({ kind: "update", href, sequence });
        const item = this.items.get(href);
        if (!item || item.etag !== ifMatch)
          throw new SyncError("conflict", `412 Precondition Failed: ${href}`);
        const next = { href, etag: `"${++this.version}"`, uid, conciliaId, state, sequence };
        this.items.set(href, next);
        return { href, etag: next.etag };
      },
      remove: async (href, ifMatch) => {
        this.requests.push({ kind: "remove", href });
        const item = this.items.get(href);
        if (item && ifMatch && item.etag !== ifMatch)
          throw new SyncError("conflict", `412 Precondition Failed: ${href}`);
        this.items.delete(href);
      },
    };
  }
}
