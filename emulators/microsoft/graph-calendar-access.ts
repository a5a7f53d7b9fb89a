import type { GraphCalendar, GraphCalendarStore } from "./calendar-store.js";
import { graphError } from "./errors.js";
import type { GraphCtx } from "./graph-caller.js";

/** Scopes, calendar resolution and time windows shared by the Graph calendar routes. */
export type CalendarStoreOf = (email: string) => GraphCalendarStore;

const READ = ["calendars.read", "calendars.readwrite", "calendars.read.shared", "calendars.readwrite.shared"];
const WRITE = ["calendars.readwrite", "calendars.readwrite.shared"];

export function calendarAccess(ctx: GraphCtx, write: boolean): Response | null {
  const scopes = ctx
    .account!.scope.toLowerCase()
    .split(" ")
    .map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//, ""));
  if (scopes.some((s) => (write ? WRITE : READ).includes(s))) return null;
  return graphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
}

/** The calendar a path names (`/me/calendars/{id}/…`), or the default one (`/me/…`, `/me/calendar/…`). */
export function calendarIn(store: GraphCalendarStore, id: string | undefined): GraphCalendar | Response {
  if (!id) return store.defaultCalendar;
  return (
    store.calendars.get(id) ??
    graphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
  );
}

/** A window bound: an explicit offset wins; without one the value is UTC (§1.1). */
function bound(value: string | null): number {
  if (!value) return Number.NaN;
  return Date.parse(/(Z|[+-]\d\d:\d\d)$/i.test(value) ? value : `${value}Z`);
}

export function windowOf(url: URL): { start: number; end: number } | Response {
  const q = url.searchParams;
  const start = bound(q.get("startDateTime") ?? q.get("startdatetime"));
  const end = bound(q.get("endDateTime") ?? q.get("enddatetime"));
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    return graphError(
      400,
      "ErrorInvalidParameter",
      "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.",
    );
  }
  return { start, end };
}

export const overlaps = (v: { start: number; end: number }, w: { start: number; end: number }) =>
  v.start < w.end && v.end > w.start;
