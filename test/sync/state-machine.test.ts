// The sync state machine as a pure function: every status × stage (with and without a running step)
// against every event, then random event sequences (fast-check) that must keep its invariants.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Config } from "../../server/config.js";
import type { SyncErrorKind } from "../../server/sync/errors.js";
import {
  initialState,
  pollDueAt,
  type StageName,
  type SyncEvent,
  type SyncEventType,
  type SyncPolicy,
  type SyncState,
  type SyncStatus,
  syncPolicy,
  transition,
} from "../../server/sync/state-machine.js";

const policy: SyncPolicy = { pollMs: 300_000, retryBaseMs: 30_000, retryMaxMs: 3_600_000, maxFailures: 3 };
const T0 = new Date("2026-11-30T08:00:00Z");
const NOW = new Date("2026-11-30T09:00:00Z");
const statuses: SyncStatus[] = ["syncing", "up_to_date", "reconnect_needed", "paused", "failed"];
const stages: StageName[] = ["initial", "incremental", "resync", "idle"];
const kinds: SyncErrorKind[] = ["temporary", "throttled", "auth", "cursor-rejected", "not-found", "unknown"];
const blocked = (s: SyncStatus) => s === "paused" || s === "reconnect_needed" || s === "failed";

function state(status: SyncStatus, stage: StageName, running: boolean): SyncState {
  const inSync = stage === "initial" || stage === "resync";
  return {
    status,
    stage: { name: stage, startedAt: T0 },
    stepStartedAt: running ? T0 : null,
    nextRunAt: T0,
    consecutiveFailures: 2,
    lastError:
      status === "failed" || status === "reconnect_needed"
        ? { kind: status === "failed" ? "unknown" : "auth", reason: "why" }
        : null,
    progress: inSync ? { done: 4, found: 10 } : null,
    lastSyncedAt: stage === "initial" ? null : T0,
    authFailedSecretVersion: status === "reconnect_needed" ? 3 : null,
    skipCounts: { internal: 1 },
  };
}

/** One event of each type (and each error kind). */
const events: SyncEvent[] = [
  { type: "step-started" },
  { type: "progress", found: 3, done: 2, skipped: { internal: 1, automated: 1 } },
  { type: "step-finished", more: true },
  { type: "step-finished", more: false },
  ...kinds.map(
    (kind): SyncEvent => ({
      type: "failed",
      kind,
      reason: `a ${kind} failure`,
      retryAfterMs: 5_000,
      secretVersion: 3,
    }),
  ),
  { type: "cursor-rejected" },
  { type: "credentials-changed", secretVersion: 3 },
  { type: "credentials-changed", secretVersion: 4 },
  { type: "pause" },
  { type: "resume" },
  { type: "retry-failed" },
  { type: "watchdog" },
];
const allTypes: SyncEventType[] = [
  "step-started",
  "progress",
  "step-finished",
  "failed",
  "cursor-rejected",
  "credentials-changed",
  "pause",
  "resume",
  "retry-failed",
  "watchdog",
];

/** What must hold after `e` in `s`, whatever the state (the expectations per event). */
function expectAfter(s: SyncState, e: SyncEvent, n: SyncState) {
  // Every state: a stage comes with its start time, entered now if it changed.
  if (n.stage.name !== s.stage.name) expect(n.stage.startedAt).toEqual(NOW);
  else expect([s.stage.startedAt, NOW]).toContainEqual(n.stage.startedAt); // kept, or entered again now
  expect(n.progress !== null).toBe(n.stage.name === "initial" || n.stage.name === "resync");
  if (n.status === "failed" || n.status === "reconnect_needed") expect(n.lastError).not.toBeNull();
  switch (e.type) {
    case "step-started":
      if (blocked(s.status)) expect(n).toEqual(s);
      else {
        expect(n.stepStartedAt).toEqual(NOW);
        expect(n.stage.name).toBe(s.stage.name === "idle" ? "incremental" : s.stage.name);
        expect(n.status).toBe(n.stage.name === "incremental" ? "up_to_date" : "syncing");
      }
      break;
    case "progress":
      expect(n.status).toBe(s.status);
      expect(n.progress).toEqual(s.progress && { done: s.progress.done + 2, found: s.progress.found + 3 });
      expect(n.skipCounts).toEqual({ internal: 2, automated: 1 });
      break;
    case "step-finished":
      expect(n).toMatchObject({ stepStartedAt: null, consecutiveFailures: 0, lastError: null });
      if (e.more) {
        expect(n).toMatchObject({ stage: s.stage, nextRunAt: NOW });
        expect(n.status).toBe(
          s.status === "paused"
            ? "paused"
            : s.stage.name === "incremental" || s.stage.name === "idle"
              ? "up_to_date"
              : "syncing",
        );
      } else {
        expect(n).toMatchObject({
          stage: { name: "idle", startedAt: NOW },
          lastSyncedAt: NOW,
          progress: null,
        });
        // Measured from the step's start, less its length: a step that ran an hour is due again at once.
        expect(n.nextRunAt.getTime()).toBe(s.stepStartedAt ? NOW.getTime() : NOW.getTime() + policy.pollMs);
        expect(n.status).toBe(s.status === "paused" ? "paused" : "up_to_date");
      }
      break;
    case "failed": {
      expect(n.stepStartedAt).toBeNull();
      expect(n.lastError).toEqual({ kind: e.kind, reason: e.reason });
      const kept = (wanted: SyncStatus) => (blocked(s.status) ? s.status : wanted);
      if (e.kind === "temporary") {
        expect(n.consecutiveFailures).toBe(3);
        expect(n.nextRunAt.getTime()).toBe(NOW.getTime() + 4 * policy.retryBaseMs); // 30 s doubled twice
        expect(n.status).toBe(s.status);
      }
      if (e.kind === "throttled") {
        expect(n.consecutiveFailures).toBe(2);
        expect(n.nextRunAt.getTime()).toBe(NOW.getTime() + 5_000);
      }
      if (e.kind === "auth")
        expect(n).toMatchObject({ status: kept("reconnect_needed"), authFailedSecretVersion: 3 });
      if (e.kind === "cursor-rejected")
        expect(n).toMatchObject({
          stage: { name: "resync" },
          progress: { done: 0, found: 0 },
          nextRunAt: NOW,
        });
      if (e.kind === "not-found") expect(n.status).toBe(kept("failed"));
      if (e.kind === "unknown") expect(n).toMatchObject({ consecutiveFailures: 3, status: kept("failed") }); // the third
      break;
    }
    case "cursor-rejected":
      expect(n).toMatchObject({ stage: { name: "resync", startedAt: NOW }, progress: { done: 0, found: 0 } });
      expect(n.status).toBe(blocked(s.status) ? s.status : "syncing");
      break;
    case "credentials-changed":
      if (s.status === "reconnect_needed" && e.secretVersion > 3)
        expect(n).toMatchObject({
          lastError: null,
          authFailedSecretVersion: null,
          nextRunAt: NOW,
          consecutiveFailures: 0,
        });
      else expect(n).toEqual(s);
      if (s.status === "reconnect_needed" && e.secretVersion > 3) expect(blocked(n.status)).toBe(false);
      break;
    case "pause":
      expect(n).toEqual({ ...s, status: "paused" });
      break;
    case "resume":
      if (s.status === "paused" || s.status === "failed") {
        expect(blocked(n.status)).toBe(false);
        expect(n).toMatchObject({ nextRunAt: NOW, consecutiveFailures: 0, stage: s.stage });
      } else expect(n).toEqual(s);
      break;
    case "retry-failed":
      expect(n).toEqual({ ...s, nextRunAt: s.nextRunAt < NOW ? s.nextRunAt : NOW });
      break;
    case "watchdog":
      if (!s.stepStartedAt) expect(n).toEqual(s);
      else {
        expect(n).toMatchObject({
          stepStartedAt: null,
          nextRunAt: NOW,
          consecutiveFailures: 3,
          status: s.status,
        });
        expect(n.lastError?.kind).toBe("temporary");
      }
      break;
  }
}

describe("sync state machine (pure)", () => {
  it("the event table covers every event type", () => {
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(allTypes));
  });

  for (const status of statuses)
    for (const stage of stages)
      for (const running of [false, true])
        it(`R-P-2, R-P-3: ${status} / ${stage}${running ? " (step running)" : ""} × every event`, () => {
          const s = state(status, stage, running);
          for (const e of events) expectAfter(s, e, transition(s, e, NOW, policy));
        });

  it("R-P-3: a first sync starts now, in its initial stage, with empty progress", () => {
    expect(initialState(NOW)).toMatchObject({
      status: "syncing",
      stage: { name: "initial", startedAt: NOW },
      nextRunAt: NOW,
      progress: { done: 0, found: 0 },
    });
  });

  const event = fc.oneof(
    fc.constant<SyncEvent>({ type: "step-started" }),
    fc.record({
      type: fc.constant("progress" as const),
      found: fc.nat(50),
      done: fc.nat(50),
      skipped: fc.dictionary(fc.constantFrom("internal", "automated"), fc.nat(5)),
    }),
    fc.record({ type: fc.constant("step-finished" as const), more: fc.boolean() }),
    fc.record({
      type: fc.constant("failed" as const),
      kind: fc.constantFrom(...kinds),
      reason: fc.constant("why"),
      retryAfterMs: fc.option(fc.nat(600_000), { nil: undefined }),
      secretVersion: fc.option(fc.nat(10), { nil: undefined }),
    }),
    fc.constant<SyncEvent>({ type: "cursor-rejected" }),
    fc.record({ type: fc.constant("credentials-changed" as const), secretVersion: fc.nat(10) }),
    fc.constantFrom<SyncEvent>(
      { type: "pause" },
      { type: "resume" },
      { type: "retry-failed" },
      { type: "watchdog" },
    ),
  ) as fc.Arbitrary<SyncEvent>;

  it("R-P-3 (property): any sequence of events keeps the invariants of the state", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(event, fc.nat(3_600_000)), { maxLength: 60 }), (steps) => {
        let now = T0;
        let s = initialState(now);
        for (const [e, gap] of steps) {
          now = new Date(now.getTime() + gap);
          const n = transition(s, e, now, policy);
          // A stage is never entered without its start time, and that time is when it was entered.
          expect(n.stage.startedAt).toBeInstanceOf(Date);
          if (n.stage.name !== s.stage.name) expect(n.stage.startedAt).toEqual(now);
          if (n.stepStartedAt && n.stepStartedAt !== s.stepStartedAt) expect(n.stepStartedAt).toEqual(now);
          // Progress exists exactly during a first sync or a re-sync, and never counts more done than found.
          expect(n.progress !== null).toBe(n.stage.name === "initial" || n.stage.name === "resync");
          if (n.progress) expect(n.progress.done).toBeLessThanOrEqual(n.progress.found);
          // A paused sync leaves that status only when resumed; reconnect_needed only with newer credentials,
          // a pause, or a step that went through (one that had started before; none starts while blocked).
          if (s.status === "paused" && n.status !== "paused") expect(e.type).toBe("resume");
          if (s.status === "reconnect_needed" && n.status !== "reconnect_needed")
            expect(["credentials-changed", "pause", "step-finished"]).toContain(e.type);
          if (e.type === "credentials-changed" && s.status === "reconnect_needed" && n.status !== s.status)
            expect(s.authFailedSecretVersion === null || e.secretVersion > s.authFailedSecretVersion).toBe(
              true,
            );
          if (e.type === "step-started" && ["paused", "reconnect_needed", "failed"].includes(s.status))
            expect(n).toEqual(s);
          if (n.status === "failed" || n.status === "reconnect_needed") expect(n.lastError).not.toBeNull();
          expect(n.consecutiveFailures).toBeGreaterThanOrEqual(0);
          expect(Number.isNaN(n.nextRunAt.getTime())).toBe(false);
          s = n;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("polling within one interval (R-P-2)", () => {
  // The bench's settings: poll 10 s, tick 1 s. A tick is offered every half interval and runs once per
  // slot, picked up by a worker within its 1 s look; the step it queues starts at once in that worker.
  const tickMs = 1000;
  const config = { CONCILIA_SYNC_POLL_SECONDS: 10, CONCILIA_SYNC_TICK_SECONDS: 1 } as Config;
  const live = syncPolicy({ ...config, CONCILIA_SYNC_RETRY_SECONDS: 30, CONCILIA_SYNC_MAX_FAILURES: 5 });

  /** When the step of a connection due at `due` ends: at the first tick run at or after `due`, plus the step. */
  function nextStepEnd(due: number, tickRuns: (slot: number) => number, stepMs: number): number {
    for (let slot = Math.floor(due / tickMs) - 1; ; slot++) {
      const run = tickRuns(slot);
      if (run >= due) return run + stepMs;
    }
  }

  /** The longest a change waits, from just after the step that missed it listed, until the next step ends. */
  const worstWait = (dueAt: (start: Date, end: Date) => Date) =>
    fc.property(
      fc.integer({ min: 0, max: 3_600_000 }),
      fc.integer({ min: 0, max: 3_000 }), // the step that missed the change
      fc.integer({ min: 0, max: 3_000 }), // the next step lasts no longer
      fc.array(fc.integer({ min: 0, max: tickMs / 2 + 1000 }), { minLength: 64, maxLength: 64 }),
      (startMs, stepMs, nextShare, offsets) => {
        const start = new Date(T0.getTime() + startMs);
        const end = new Date(start.getTime() + stepMs);
        const nextMs = Math.min(stepMs, nextShare);
        const tickRuns = (slot: number) => slot * tickMs + offsets[((slot % 64) + 64) % 64];
        const visibleAt = nextStepEnd(dueAt(start, end).getTime(), tickRuns, nextMs);
        expect(visibleAt - start.getTime()).toBeLessThanOrEqual(live.pollMs);
      },
    );

  it("R-P-2: a change made at any moment is visible within the polling interval, tick and step included", () => {
    expect(live.pollLeadMs).toBe(2_500);
    fc.assert(
      worstWait(
        (start, end) =>
          transition(
            { ...initialState(T0), stage: { name: "incremental", startedAt: T0 }, stepStartedAt: start },
            { type: "step-finished", more: false },
            end,
            live,
          ).nextRunAt,
      ),
      { numRuns: 2000 },
    );
  });

  it("R-P-2: the interval counted from the step's end, as before, is late by up to a tick and a step", () => {
    expect(() =>
      fc.assert(
        worstWait((_start, end) => new Date(end.getTime() + live.pollMs)),
        { numRuns: 2000 },
      ),
    ).toThrow();
  });

  it("the next look is never due in the past, and without a start it is a full interval away", () => {
    const now = new Date(T0.getTime() + 60_000);
    expect(pollDueAt(T0, now, live)).toEqual(now); // a step longer than the interval: due at once
    expect(pollDueAt(null, now, live).getTime()).toBe(now.getTime() + 10_000 - 2_500);
    expect(pollDueAt(new Date(now.getTime() - 500), now, live).getTime()).toBe(
      now.getTime() + 10_000 - 2_500 - 2 * 500,
    ); // the interval from the start, less the lead and one more step
  });
});
