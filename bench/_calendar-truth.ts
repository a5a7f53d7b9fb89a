// The calendar benchmark's ground truth: each event as the bench meant it to be, in one canonical shape
// that both sides (the provider's objects, the CRM's rows) are read into, and an exact comparison that
// names every difference (missing, doubled, unexpected, and each field that differs).

export interface TruthException {
  /** ISO instant of the occurrence the exception replaces (RECURRENCE-ID). */
  originalStart: string;
  status: "confirmed" | "tentative" | "cancelled";
  /** Null when the occurrence keeps its slot. */
  startAt: string | null;
  endAt: string | null;
  /** Null when the occurrence keeps the series' title. */
  title: string | null;
}

export interface TruthEvent {
  /** iCalendar UID: the identity both sides share. */
  uid: string;
  title: string;
  startAt: string;
  endAt: string;
  status: "confirmed" | "tentative" | "cancelled";
  /** RRULE, its parts sorted, or null. */
  rule: string | null;
  exdates: string[];
  exceptions: TruthException[];
}

/** What one side must hold: events by UID; `absentOrCancelled` may be missing or present cancelled. */
export interface Expected {
  events: Map<string, TruthEvent>;
  absentOrCancelled: Set<string>;
}

export interface Difference {
  uid: string;
  kind: "missing" | "doubled" | "unexpected" | "field";
  field?: string;
  want?: unknown;
  got?: unknown;
}

/** RRULE parts in a fixed order, so that `COUNT=4;FREQ=WEEKLY` equals `FREQ=WEEKLY;COUNT=4`. */
export function canonicalRule(rule: string | null | undefined): string | null {
  if (!rule) return null;
  return rule
    .replace(/^RRULE:/i, "")
    .split(";")
    .filter(Boolean)
    .map((p) => p.toUpperCase())
    .sort()
    .join(";");
}

export const iso = (v: string | Date | null | undefined): string | null =>
  v == null ? null : new Date(v).toISOString();

function sortExceptions(xs: TruthException[]): TruthException[] {
  return [...xs].sort((a, b) => a.originalStart.localeCompare(b.originalStart));
}

/**
 * Every difference between what a side must hold and what it holds (`actual`: each event read from
 * it, duplicates included, in the canonical shape).
 */
export function compareSide(expected: Expected, actual: TruthEvent[]): Difference[] {
  const out: Difference[] = [];
  const byUid = new Map<string, TruthEvent[]>();
  for (const e of actual) byUid.set(e.uid, [...(byUid.get(e.uid) ?? []), e]);
  for (const [uid, want] of expected.events) {
    const got = byUid.get(uid) ?? [];
    if (got.length === 0) out.push({ uid, kind: "missing" });
    if (got.length > 1) out.push({ uid, kind: "doubled", got: got.length });
    if (got[0]) out.push(...compareEvent(want, got[0]));
  }
  for (const [uid, got] of byUid) {
    if (expected.events.has(uid)) continue;
    if (expected.absentOrCancelled.has(uid)) {
      if (got.length > 1) out.push({ uid, kind: "doubled", got: got.length });
      if (got.some((g) => g.status !== "cancelled"))
        out.push({ uid, kind: "field", field: "status", want: "cancelled or absent", got: got[0]?.status });
      continue;
    }
    out.push({ uid, kind: "unexpected", got: got[0]?.title });
  }
  return out;
}

function compareEvent(want: TruthEvent, got: TruthEvent): Difference[] {
  const out: Difference[] = [];
  const field = (name: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      out.push({ uid: want.uid, kind: "field", field: name, want: a, got: b });
  };
  field("title", want.title, got.title);
  field("startAt", iso(want.startAt), iso(got.startAt));
  field("endAt", iso(want.endAt), iso(got.endAt));
  field("status", want.status, got.status);
  field("rule", canonicalRule(want.rule), canonicalRule(got.rule));
  field("exdates", [...want.exdates].map(iso).sort(), [...got.exdates].map(iso).sort());
  field("exceptions", sortExceptions(want.exceptions), sortExceptions(got.exceptions));
  return out;
}

/** A short, readable digest of differences: counts by kind and field, and a few examples. */
export function summarize(diffs: Difference[], examples = 5) {
  const counts: Record<string, number> = {};
  for (const d of diffs) {
    const k = d.kind === "field" ? `field:${d.field}` : d.kind;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { total: diffs.length, counts, examples: diffs.slice(0, examples) };
}

/** The canonical shape of a synced event state (the engine's reading of either side). */
export function fromSyncedState(
  uid: string,
  s: {
    title: string;
    status: TruthEvent["status"];
    timing:
      | { allDay: true; startDate: string; endDate: string }
      | { allDay: false; startAt: string; endAt: string };
    recurrence: { rule: string; exdates: string[] } | null;
    exceptions: {
      originalStart: string;
      status: TruthEvent["status"];
      startAt: string | null;
      endAt: string | null;
      title: string | null;
    }[];
  },
): TruthEvent {
  const t = s.timing;
  return {
    uid,
    title: s.title,
    startAt: t.allDay ? `${t.startDate}T00:00:00.000Z` : t.startAt,
    endAt: t.allDay ? `${t.endDate}T00:00:00.000Z` : t.endAt,
    status: s.status,
    rule: s.recurrence?.rule || null,
    exdates: s.recurrence?.exdates ?? [],
    exceptions: s.exceptions.map((x) => ({
      originalStart: x.originalStart,
      status: x.status,
      startAt: x.startAt,
      endAt: x.endAt,
      title: x.title,
    })),
  };
}
