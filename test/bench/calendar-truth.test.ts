// The calendar benchmark's audit must see a wrong end state: these check that its exact comparison
// names each kind of difference, and that a series written by the bench's own iCalendar writer reads
// back (through the engine's parser) as exactly the truth it was written from.
import { describe, expect, it } from "vitest";
import { icsOf } from "../../bench/_calendar-ics.js";
import { compareSide, fromSyncedState, type TruthEvent } from "../../bench/_calendar-truth.js";
import { providerSeed, sizeFor, workloadBase } from "../../bench/_calendar-workload.js";
import { parseCalendarObject } from "../../server/providers/caldav/map.js";

const seeded = providerSeed(
  { ...sizeFor(0.001), events: 4, series: 2 },
  workloadBase(Date.UTC(2026, 10, 30)),
);
const expected = (events: TruthEvent[], absentOrCancelled: string[] = []) => ({
  events: new Map(events.map((e) => [e.uid, e])),
  absentOrCancelled: new Set(absentOrCancelled),
});

describe("calendar benchmark ground truth", () => {
  it("finds no difference when both sides hold exactly the truth", () => {
    expect(compareSide(expected(seeded), structuredClone(seeded))).toEqual([]);
  });

  it("reports a missing event, a doubled one and one nobody made", () => {
    const [a, b, c, d] = seeded;
    const stranger = { ...d!, uid: "stranger@elsewhere.test" };
    const diffs = compareSide(expected([a!, b!, c!]), [b!, b!, c!, stranger]);
    expect(diffs).toEqual(
      expect.arrayContaining([
        { uid: a!.uid, kind: "missing" },
        { uid: b!.uid, kind: "doubled", got: 2 },
        { uid: stranger.uid, kind: "unexpected", got: stranger.title },
      ]),
    );
    expect(diffs).toHaveLength(3);
  });

  it("reports a moved exception that lost its new time, and a title that differs", () => {
    const series = seeded[0]!;
    const broken: TruthEvent = {
      ...series,
      title: "Other",
      exceptions: series.exceptions.map((x) => ({ ...x, startAt: null, endAt: null })),
    };
    const fields = compareSide(expected([series]), [broken]).map((d) => d.field);
    expect(fields.sort()).toEqual(["exceptions", "title"]);
  });

  it("accepts an event deleted in the CRM as absent or cancelled at the provider, not as confirmed", () => {
    const e = seeded[3]!;
    expect(compareSide(expected([], [e.uid]), [])).toEqual([]);
    expect(compareSide(expected([], [e.uid]), [{ ...e, status: "cancelled" }])).toEqual([]);
    expect(compareSide(expected([], [e.uid]), [e])).toEqual([
      expect.objectContaining({ uid: e.uid, field: "status", got: "confirmed" }),
    ]);
  });

  it("a series with moved, retitled and cancelled occurrences reads back through the engine's parser as its truth", () => {
    for (const e of seeded) {
      const [read] = parseCalendarObject(icsOf(e, "owner@bench.test", 0));
      expect(compareSide(expected([e]), [fromSyncedState(read!.uid, read!.state)])).toEqual([]);
    }
    expect(seeded[0]!.exceptions.map((x) => x.status)).toContain("cancelled");
  });
});
