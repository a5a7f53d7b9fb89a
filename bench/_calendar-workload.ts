// The calendar benchmark's workload, deterministic for a given size: N events at the provider of which
// S are weekly series (each with a moved occurrence, a retitled one, an EXDATE, and every other one a
// cancelled override), M events made in the CRM, and the K changes made on each side afterwards. The
// truth of each event is kept here as the changes are planned, so the end state is known exactly.
import type { TruthEvent } from "./_calendar-truth.js";

export interface WorkloadSize {
  events: number;
  series: number;
  crmEvents: number;
  changes: number;
}

export function sizeFor(scale: number): WorkloadSize {
  return {
    events: Math.max(10, Math.round(10_000 * scale)),
    series: Math.max(2, Math.round(200 * scale)),
    crmEvents: Math.max(4, Math.round(1_000 * scale)),
    changes: Math.max(4, Math.round(500 * scale)),
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
export const SERIES_COUNT = 10;
const at = (ms: number) => new Date(ms).toISOString();

/** Midnight UTC, two days from now: every event lies in the future, in whole hours. */
export function workloadBase(now = Date.now()): number {
  return Math.floor(now / DAY) * DAY + 2 * DAY;
}

/**
 * The domain of the UIDs made at a provider. Each provider gets its own: the engine rightly takes one
 * UID in two users' calendars for one meeting (R-CAL-3), so shared UIDs would merge the providers' runs.
 */
export const uidDomain = (provider: string) => `${provider}.provider.test`;

/** The provider's seeded events: `series` weekly series first, then single one-hour events. */
export function providerSeed(size: WorkloadSize, base: number, provider = "any"): TruthEvent[] {
  const out: TruthEvent[] = [];
  for (let i = 0; i < size.events; i++) {
    const uid = `bench-${i}@${uidDomain(provider)}`;
    if (i < size.series) {
      const start = base + (i % 5) * DAY + (8 + (i % 9)) * HOUR;
      const occ = (n: number) => start + n * WEEK;
      const exceptions: TruthEvent["exceptions"] = [
        {
          originalStart: at(occ(2)),
          status: "confirmed",
          startAt: at(occ(2) + 2 * HOUR),
          endAt: at(occ(2) + 3 * HOUR),
          title: null,
        },
        {
          originalStart: at(occ(4)),
          status: "confirmed",
          startAt: null,
          endAt: null,
          title: `Series ${i}, special edition`,
        },
      ];
      if (i % 2 === 0)
        exceptions.push({
          originalStart: at(occ(8)),
          status: "cancelled",
          startAt: null,
          endAt: null,
          title: null,
        });
      out.push({
        uid,
        title: `Series ${i}`,
        startAt: at(start),
        endAt: at(start + HOUR),
        status: "confirmed",
        rule: `FREQ=WEEKLY;COUNT=${SERIES_COUNT}`,
        exdates: [at(occ(6))],
        exceptions,
      });
    } else {
      const start = base + (i % 60) * DAY + (7 + (i % 11)) * HOUR + (i % 4) * 15 * 60_000;
      out.push(single(uid, `Meeting ${i}`, start));
    }
  }
  return out;
}

export function single(uid: string, title: string, start: number): TruthEvent {
  return {
    uid,
    title,
    startAt: at(start),
    endAt: at(start + HOUR),
    status: "confirmed",
    rule: null,
    exdates: [],
    exceptions: [],
  };
}

/** What the CRM's seeded events are (their UIDs are known once the CRM made them). */
export function crmSeed(size: WorkloadSize, base: number) {
  return Array.from({ length: size.crmEvents }, (_, i) => ({
    title: `CRM meeting ${i}`,
    startAt: at(base + (i % 45) * DAY + (9 + (i % 8)) * HOUR + 30 * 60_000),
  }));
}

export type ProviderChange =
  | {
      kind: "retitle" | "move" | "series-exdate" | "series-move" | "series-retitle";
      before: TruthEvent;
      after: TruthEvent;
    }
  | { kind: "delete"; before: TruthEvent }
  | { kind: "create"; after: TruthEvent };

/**
 * K changes at the provider, cycling through seven kinds over distinct single events (retitle, move
 * by an hour, delete, create) and over the series (an EXDATE, a moved occurrence, a new title).
 */
export function providerChanges(
  size: WorkloadSize,
  seeded: TruthEvent[],
  base: number,
  provider = "any",
): ProviderChange[] {
  const singles = seeded.filter((e) => !e.rule);
  const series = seeded.filter((e) => e.rule);
  const current = new Map(seeded.map((e) => [e.uid, e]));
  const out: ProviderChange[] = [];
  let nextSingle = 0;
  let nextSeries = 0;
  for (let k = 0; k < size.changes; k++) {
    const kind = k % 7;
    if (kind <= 2) {
      const before = singles[nextSingle++ % singles.length];
      if (!current.has(before.uid)) continue;
      if (kind === 0)
        out.push({
          kind: "retitle",
          before,
          after: { ...before, title: `${before.title} (renamed at the provider)` },
        });
      if (kind === 1) {
        const s = Date.parse(before.startAt) + HOUR;
        out.push({ kind: "move", before, after: { ...before, startAt: at(s), endAt: at(s + HOUR) } });
      }
      if (kind === 2) out.push({ kind: "delete", before });
    } else if (kind === 3) {
      out.push({
        kind: "create",
        after: single(
          `bench-new-${k}@${uidDomain(provider)}`,
          `New at the provider ${k}`,
          base + (k % 30) * DAY + 19 * HOUR,
        ),
      });
    } else {
      const before = current.get(series[nextSeries++ % series.length].uid)!;
      const start = Date.parse(before.startAt);
      let after: TruthEvent;
      if (kind === 4)
        after = { ...before, exdates: [...new Set([...before.exdates, at(start + 7 * WEEK)])].sort() };
      else if (kind === 5) {
        const orig = start + 3 * WEEK;
        const others = before.exceptions.filter((x) => x.originalStart !== at(orig));
        after = {
          ...before,
          exceptions: [
            ...others,
            {
              originalStart: at(orig),
              status: "confirmed",
              startAt: at(orig + 3 * HOUR),
              endAt: at(orig + 4 * HOUR),
              title: null,
            },
          ],
        };
      } else after = { ...before, title: `${before.title} (renamed at the provider)` };
      out.push({
        kind: kind === 4 ? "series-exdate" : kind === 5 ? "series-move" : "series-retitle",
        before,
        after,
      });
      current.set(after.uid, after);
      continue;
    }
    const last = out[out.length - 1];
    if (last && "after" in last) current.set(last.after.uid, last.after);
    if (last?.kind === "delete") current.delete(last.before.uid);
  }
  return out;
}

export type CrmChange =
  | { kind: "retitle"; index: number; title: string }
  | { kind: "move"; index: number; minutes: number }
  | { kind: "delete"; index: number }
  | { kind: "create"; title: string; startAt: string };

/** K changes in the CRM over distinct CRM events: retitle, move by 30 minutes, delete, create. */
export function crmChanges(size: WorkloadSize, base: number): CrmChange[] {
  const out: CrmChange[] = [];
  let next = 0;
  for (let k = 0; k < size.changes; k++) {
    const kind = k % 4;
    if (kind === 3)
      out.push({
        kind: "create",
        title: `New in the CRM ${k}`,
        startAt: at(base + (k % 30) * DAY + 18 * HOUR),
      });
    else {
      const index = next++ % size.crmEvents;
      if (kind === 0)
        out.push({ kind: "retitle", index, title: `CRM meeting ${index} (renamed in the CRM)` });
      if (kind === 1) out.push({ kind: "move", index, minutes: 30 });
      if (kind === 2) out.push({ kind: "delete", index });
    }
  }
  return out;
}
