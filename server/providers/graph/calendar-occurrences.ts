// A series' moved, changed and cancelled occurrences written to Outlook (R-CAL-6, R-CAL-2). Graph
// has no way to address an occurrence by its date: the writer lists the master's `instances` around
// the owed ones and picks each by `originalStart` (§1.3, quirk 2), which is UTC, and for an all-day
// series midnight on the series' own clock, so it is matched to the CRM's date key on that clock.
// A cancelled occurrence is deleted; a moved or renamed one is patched and becomes an exception.
// Those already as the CRM has them are left alone, so writing the series again mails no one about
// its occurrences. Times are written on the series' clock with its zone as Outlook names it
// (`originalStartTimeZone`, Windows or IANA), so Outlook shows the occurrence at the wall time the
// user chose, in the series' zone, not in UTC.
import { resolveTimeZone } from "../../../shared/windows-zones.js";
import { wallOfInstant } from "../../calendar/local-time.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import type { GraphBody } from "./calendar-body.js";
import { CALENDAR_PREFER } from "./calendar-delta.js";
import type { GraphEventJson } from "./calendar-map.js";
import type { GraphClient } from "./client.js";

const HEADERS = { prefer: CALENDAR_PREFER };
const DAY = 86_400_000;
const eventPath = (id: string) => `/me/events/${encodeURIComponent(id)}`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
/** A Graph dateTime asked for in UTC (Prefer outlook.timezone), as UTC milliseconds. */
const utc = (t: { dateTime: string }) => Date.parse(`${t.dateTime.slice(0, 19)}Z`);

/** The zone a series lives in: the name Outlook holds for it and the IANA zone that name means. */
export function seriesZone(
  master: Pick<GraphEventJson, "originalStartTimeZone" | "originalEndTimeZone">,
  state: SyncedEventState,
) {
  const fallback = state.timing.allDay ? "UTC" : state.timing.timeZone;
  const pick = (name: string | null | undefined, otherwise: string) => {
    const iana = name ? resolveTimeZone(name) : null;
    return iana && name ? { name, iana } : { name: otherwise, iana: otherwise };
  };
  const start = pick(master.originalStartTimeZone, fallback);
  const end = pick(
    master.originalEndTimeZone ?? master.originalStartTimeZone,
    state.timing.allDay ? start.iana : state.timing.endTimeZone,
  );
  return { start, end };
}

/** A Graph dateTimeTimeZone for an instant on `zone`'s clock. */
function onClock(ms: number, zone: { name: string; iana: string }) {
  const wall = new Date(wallOfInstant(ms, zone.iana)).toISOString().slice(0, 19);
  return { dateTime: `${wall}.0000000`, timeZone: zone.name };
}

export async function writeOccurrences(
  client: GraphClient,
  master: GraphEventJson,
  state: SyncedEventState,
): Promise<void> {
  const owed = state.recurrence ? state.exceptions : [];
  if (!owed.length) return;
  const allDay = state.timing.allDay;
  const zone = seriesZone(master, state);
  // The CRM keys an all-day occurrence by its date, a timed one by its UTC instant.
  const keyOf = (originalStartMs: number) =>
    allDay
      ? new Date(wallOfInstant(originalStartMs, zone.start.iana)).toISOString().slice(0, 10)
      : iso(originalStartMs);
  const starts = owed.map((x) => Date.parse(x.originalStart));
  const range = `startDateTime=${iso(Math.min(...starts) - DAY)}&endDateTime=${iso(Math.max(...starts) + 2 * DAY)}`;
  const page = await client.call<{ value?: GraphEventJson[] }>(
    "GET",
    `${eventPath(master.id)}/instances?${range}&$top=500&$select=id,type,originalStart,start,end,isAllDay,subject`,
    { headers: HEADERS },
  );
  const bySlot = new Map(
    (page.value ?? []).map((i) => [keyOf(i.originalStart ? Date.parse(i.originalStart) : utc(i.start)), i]),
  );
  for (const x of owed) {
    const key = allDay ? x.originalStart.slice(0, 10) : iso(Date.parse(x.originalStart));
    const slot = bySlot.get(key);
    // Not in the pattern, or cancelled already (cancelled occurrences are not among the instances).
    if (!slot) continue;
    if (x.status === "cancelled") {
      await client.call("DELETE", eventPath(slot.id), { headers: HEADERS });
      continue;
    }
    const patch: GraphBody = {};
    if (x.title && x.title !== slot.subject) patch.subject = x.title;
    if (allDay && x.startDate && x.endDate) {
      // An all-day occurrence comes back as midnight to midnight of its dates, whatever the zone.
      if (slot.start.dateTime.slice(0, 10) !== x.startDate || slot.end.dateTime.slice(0, 10) !== x.endDate) {
        patch.isAllDay = true;
        patch.start = { dateTime: `${x.startDate}T00:00:00.0000000`, timeZone: zone.start.name };
        patch.end = { dateTime: `${x.endDate}T00:00:00.0000000`, timeZone: zone.start.name };
      }
    } else if (!allDay && x.startAt && x.endAt) {
      const start = Date.parse(x.startAt);
      const end = Date.parse(x.endAt);
      if (utc(slot.start) !== start || utc(slot.end) !== end) {
        patch.start = onClock(start, zone.start);
        patch.end = onClock(end, zone.end);
      }
    }
    if (Object.keys(patch).length)
      await client.call("PATCH", eventPath(slot.id), { json: patch, headers: HEADERS });
  }
}
