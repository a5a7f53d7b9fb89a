// One Outlook calendar's changes through calendarView delta (§1.5, §1.6): a round starts with a
// window (a year back, two ahead; a new token chain on a fresh window every 30 days), follows
// @odata.nextLink verbatim until a page carries @odata.deltaLink, and only then moves the cursor's deltaLink, so an interrupted round resumes and a
// rejected one restarts from the last complete round. A 410 (or SyncStateNotFound/resyncRequired,
// any case) is "cursor-rejected": the engine lists the calendar again, and the import links what it
// finds by id, iCalUID and our tag, so nothing is duplicated (R-P-2). Rows are single instances,
// occurrences and exceptions (some services add the series master); deleted rows carry only the id,
// and also stand for changes outside the window.

import { SyncError } from "../../sync/errors.js";
import { answerOf } from "../http.js";
import { graphDeltaPage, graphEventShape } from "./calendar-answers.js";
import type { GraphEventJson } from "./calendar-map.js";
import type { GraphClient } from "./client.js";

export interface GraphCalendarCursor {
  deltaLink: string | null;
  nextLink?: string;
  /** When the token chain's window was set (ms since the epoch); absent in cursors made before. */
  windowAt?: number;
}

/** The window moves on (a new chain) once this old: the year ahead stays covered. */
export const REWINDOW_MS = 30 * 86_400_000;

export interface CalendarDeltaRow {
  id: string;
  type: string | null;
  seriesMasterId: string | null;
  etag: string | null;
  removed: boolean;
  /** A single instance's row as listed: the event itself (without our tags, which delta cannot expand). */
  event: GraphEventJson | null;
}

const DAY = 86_400_000;
export const GRAPH_CALENDAR_PAGE = 999;

/** The span a round covers; later changes beyond it come in with the next round's window. */
export function calendarWindow(now = Date.now()): { start: Date; end: Date } {
  return { start: new Date(now - 365 * DAY), end: new Date(now + 730 * DAY) };
}

/** What every calendar read asks for: UTC times, text bodies, ids that survive moves. */
export const CALENDAR_PREFER =
  'outlook.timezone="UTC", outlook.body-content-type="text", IdType="ImmutableId"';

const calendarPath = (calendarId: string) => `/me/calendars/${encodeURIComponent(calendarId)}`;

function initialUrl(calendarId: string, now: number): string {
  const w = calendarWindow(now);
  const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z");
  return `${calendarPath(calendarId)}/calendarView/delta?startDateTime=${iso(w.start)}&endDateTime=${iso(w.end)}`;
}

/** A single instance's row as the event it lists, or null when it is not one (it is read in full). */
function listedEvent(row: unknown): GraphEventJson | null {
  const r = graphEventShape.safeParse(row);
  return r.success ? r.data : null;
}

/**
 * The page `cursor` stands before: its link, or the initial URL on the window the cursor set (a new
 * chain's, `now` when it set none), and when that chain's window was set.
 */
export function deltaPageOf(
  calendarId: string,
  cursor: GraphCalendarCursor | null,
  now = Date.now(),
): { url: string; windowAt: number } {
  const windowAt = cursor?.windowAt ?? now;
  return { url: cursor?.nextLink ?? cursor?.deltaLink ?? initialUrl(calendarId, windowAt), windowAt };
}

export async function listGraphCalendarChanges(
  client: GraphClient,
  calendarId: string,
  cursor: GraphCalendarCursor | null,
  limit: number,
  now = Date.now(),
): Promise<{ rows: CalendarDeltaRow[]; cursor: GraphCalendarCursor; more: boolean }> {
  const { url: target, windowAt } = deltaPageOf(calendarId, cursor, now);
  let answer: unknown;
  try {
    answer = await client.call("GET", target, {
      headers: {
        prefer: `odata.maxpagesize=${Math.max(1, Math.min(limit, GRAPH_CALENDAR_PAGE))}, ${CALENDAR_PREFER}`,
      },
    });
  } catch (err) {
    if (err instanceof SyncError && err.kind === "cursor-rejected")
      throw new SyncError(
        "cursor-rejected",
        "Microsoft no longer accepts the calendar's sync position; the calendar is read again.",
      );
    throw err;
  }
  const page = answerOf("Microsoft", "calendar delta page", graphDeltaPage, answer);
  const rows = (page.value ?? []).map((r) => {
    const removed = r["@removed"] !== undefined;
    return {
      id: r.id,
      type: r.type ?? null,
      seriesMasterId: r.seriesMasterId ?? null,
      etag: r["@odata.etag"] ?? null,
      removed,
      event: !removed && r.type === "singleInstance" ? listedEvent(r) : null,
    };
  });
  const next = page["@odata.nextLink"];
  if (next)
    return { rows, cursor: { deltaLink: cursor?.deltaLink ?? null, nextLink: next, windowAt }, more: true };
  const deltaLink = page["@odata.deltaLink"];
  if (!deltaLink)
    throw new SyncError(
      "unknown",
      "A Microsoft calendar delta page carried neither a next nor a delta link.",
    );
  // The chain's window is frozen (quirk 13.1): right after a complete round, a new chain starts on
  // today's window, so nothing changed up to that round is missed.
  if (now - windowAt > REWINDOW_MS) return { rows, cursor: { deltaLink: null, windowAt: now }, more: true };
  return { rows, cursor: { deltaLink, windowAt }, more: false };
}
