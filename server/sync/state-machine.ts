// The sync state machine of a connection (ARCHITECTURE data flow 5), the only place that decides and
// writes `sync_states`. `transition` is pure (event → new state); `applyEvent` persists it with a
// compare-and-swap on the row's version, so two workers cannot interleave their writes: the loser
// reads the winner's state and applies its event to that.
import { and, eq, sql } from "drizzle-orm";
import type { Config } from "../config.js";
import type { Tx } from "../db/index.js";
import { syncStates } from "../db/schema.js";
import type { SyncErrorKind } from "./errors.js";

/** What the user sees. */
export type SyncStatus = "syncing" | "up_to_date" | "reconnect_needed" | "paused" | "failed";
export type StageName = "initial" | "incremental" | "resync" | "idle";

/** A stage always comes with the time it was entered: one cannot be set without the other. */
export interface Stage {
  readonly name: StageName;
  readonly startedAt: Date;
}

export interface SyncState {
  status: SyncStatus;
  stage: Stage;
  /** Set while a step runs (the watchdog frees it past the timeout). */
  stepStartedAt: Date | null;
  nextRunAt: Date;
  consecutiveFailures: number;
  lastError: { kind: SyncErrorKind; reason: string } | null;
  /** Items done / found during a first sync or a re-sync; null otherwise. */
  progress: { done: number; found: number } | null;
  lastSyncedAt: Date | null;
  /** The credentials version that failed authentication. */
  authFailedSecretVersion: number | null;
  /** Items the adapter did not store, by reason (R-MAIL-8). */
  skipCounts: Record<string, number>;
}

export type SyncEvent =
  | { type: "step-started" }
  | { type: "progress"; found: number; done: number; skipped: Record<string, number> }
  | { type: "step-finished"; more: boolean }
  | { type: "failed"; kind: SyncErrorKind; reason: string; retryAfterMs?: number; secretVersion?: number }
  | { type: "cursor-rejected" }
  | { type: "credentials-changed"; secretVersion: number }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "retry-failed" }
  | { type: "watchdog" };

export type SyncEventType = SyncEvent["type"];

export interface SyncPolicy {
  /**
   * The polling fallback: a change made at any moment is visible within this long (R-P-2), so the next
   * look is due earlier by the scheduling lead and the length of a step (`pollDueAt`).
   */
  pollMs: number;
  /**
   * The longest wait between a connection falling due and its step starting: the gap between two ticks
   * (a tick is offered every half interval in its slot, so up to 1.5 intervals apart) and the worker's
   * look for jobs. 0 when nothing else queues steps (tests of the pure function).
   */
  pollLeadMs?: number;
  /** First retry delay after a failure, doubled per consecutive failure up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Consecutive unknown failures that make the sync `failed`. */
  maxFailures: number;
}

/** How often an idle worker looks for jobs (server/jobs/worker-loop.ts POLL_MS). */
const WORKER_PICKUP_MS = 1000;

export function syncPolicy(config: Config): SyncPolicy {
  return {
    pollMs: config.CONCILIA_SYNC_POLL_SECONDS * 1000,
    pollLeadMs: config.CONCILIA_SYNC_TICK_SECONDS * 1500 + WORKER_PICKUP_MS,
    retryBaseMs: config.CONCILIA_SYNC_RETRY_SECONDS * 1000,
    retryMaxMs: Math.max(config.CONCILIA_SYNC_RETRY_SECONDS, 3600) * 1000,
    maxFailures: config.CONCILIA_SYNC_MAX_FAILURES,
  };
}

export const WATCHDOG_REASON =
  "A sync step stopped without finishing (its worker may have stopped); it starts again.";

/** Statuses in which no step runs until the user (or new credentials) says so. */
export const isBlocked = (s: SyncState) =>
  s.status === "paused" || s.status === "reconnect_needed" || s.status === "failed";

const enter = (name: StageName, now: Date): Stage => ({ name, startedAt: now });

/** The status of a connection that is neither paused nor blocked: its stage tells. */
const activeStatus = (stage: Stage): SyncStatus =>
  stage.name === "initial" || stage.name === "resync" ? "syncing" : "up_to_date";

const after = (now: Date, ms: number) => new Date(now.getTime() + ms);

export function backoffMs(failures: number, policy: SyncPolicy): number {
  return Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}

/**
 * When an up-to-date connection is due again. Its step listed the provider's changes just after
 * `stepStartedAt`, so a change made right after that is the one that waits longest: the next step must
 * have ended within `pollMs` of it. That step starts up to `pollLeadMs` after it is due and is assumed
 * to last as long as the one that just ended, so it is due at
 * stepStartedAt + pollMs − pollLeadMs − (now − stepStartedAt), and never before now.
 */
export function pollDueAt(stepStartedAt: Date | null, now: Date, policy: SyncPolicy): Date {
  const start = Math.min((stepStartedAt ?? now).getTime(), now.getTime());
  const stepMs = now.getTime() - start;
  const due = start + policy.pollMs - (policy.pollLeadMs ?? 0) - stepMs;
  return new Date(Math.max(now.getTime(), due));
}

/** A new connection: its first sync is due now. */
export function initialState(now: Date): SyncState {
  return {
    status: "syncing",
    stage: enter("initial", now),
    stepStartedAt: null,
    nextRunAt: now,
    consecutiveFailures: 0,
    lastError: null,
    progress: { done: 0, found: 0 },
    lastSyncedAt: null,
    authFailedSecretVersion: null,
    skipCounts: {},
  };
}

export function transition(s: SyncState, e: SyncEvent, now: Date, policy: SyncPolicy): SyncState {
  switch (e.type) {
    case "step-started": {
      if (isBlocked(s)) return s;
      const stage = s.stage.name === "idle" ? enter("incremental", now) : s.stage;
      return { ...s, stage, status: activeStatus(stage), stepStartedAt: now };
    }
    case "progress": {
      const skipCounts = { ...s.skipCounts };
      for (const [reason, n] of Object.entries(e.skipped)) skipCounts[reason] = (skipCounts[reason] ?? 0) + n;
      const progress = s.progress && {
        done: s.progress.done + e.done,
        found: Math.max(s.progress.found + e.found, s.progress.done + e.done),
      };
      return { ...s, progress, skipCounts };
    }
    case "step-finished": {
      // A step that went through proves the account works: only a pause (asked meanwhile) stays.
      const ok = { ...s, stepStartedAt: null, consecutiveFailures: 0, lastError: null };
      if (e.more)
        return { ...ok, status: s.status === "paused" ? "paused" : activeStatus(s.stage), nextRunAt: now };
      const stage = enter("idle", now);
      return {
        ...ok,
        stage,
        status: s.status === "paused" ? "paused" : activeStatus(stage),
        progress: null,
        lastSyncedAt: now,
        nextRunAt: pollDueAt(s.stepStartedAt, now, policy),
      };
    }
    case "failed":
      return failed(s, e, now, policy);
    case "cursor-rejected": {
      const stage = enter("resync", now);
      return {
        ...s,
        stage,
        status: isBlocked(s) ? s.status : activeStatus(stage),
        progress: { done: 0, found: 0 },
      };
    }
    case "credentials-changed": {
      if (s.status !== "reconnect_needed") return s;
      if (s.authFailedSecretVersion !== null && e.secretVersion <= s.authFailedSecretVersion) return s;
      return {
        ...s,
        status: activeStatus(s.stage),
        consecutiveFailures: 0,
        lastError: null,
        authFailedSecretVersion: null,
        nextRunAt: now,
      };
    }
    case "pause":
      return { ...s, status: "paused" };
    case "resume":
      if (s.status !== "paused" && s.status !== "failed") return s;
      return {
        ...s,
        status: activeStatus(s.stage),
        consecutiveFailures: 0,
        lastError: s.status === "failed" ? null : s.lastError,
        nextRunAt: now,
      };
    case "retry-failed":
      return { ...s, nextRunAt: now < s.nextRunAt ? now : s.nextRunAt };
    case "watchdog":
      if (!s.stepStartedAt) return s;
      return {
        ...s,
        stepStartedAt: null,
        consecutiveFailures: s.consecutiveFailures + 1,
        lastError: { kind: "temporary", reason: WATCHDOG_REASON },
        nextRunAt: now,
      };
  }
}

function failed(
  s: SyncState,
  e: Extract<SyncEvent, { type: "failed" }>,
  now: Date,
  policy: SyncPolicy,
): SyncState {
  const base = { ...s, stepStartedAt: null, lastError: { kind: e.kind, reason: e.reason } };
  // A paused (or already blocked) connection keeps its status: the error is kept for the user, and the
  // step after a resume or a reconnect tries again.
  const status = (wanted: SyncStatus) => (isBlocked(s) ? s.status : wanted);
  const failures = s.consecutiveFailures + 1;
  switch (e.kind) {
    case "temporary":
      return { ...base, consecutiveFailures: failures, nextRunAt: after(now, backoffMs(failures, policy)) };
    case "throttled":
      // Being asked to wait is not a failure: no count, the wait the provider named (or a backoff).
      return { ...base, nextRunAt: after(now, e.retryAfterMs ?? backoffMs(failures, policy)) };
    case "auth":
      return {
        ...base,
        status: status("reconnect_needed"),
        consecutiveFailures: failures,
        authFailedSecretVersion: e.secretVersion ?? null,
      };
    case "cursor-rejected":
      return { ...transition(base, { type: "cursor-rejected" }, now, policy), nextRunAt: now };
    case "not-found":
      return { ...base, status: status("failed") };
    case "conflict":
      // Someone changed the item while we wrote it: the next step reads it again and reconciles.
      return { ...base, consecutiveFailures: failures, nextRunAt: now };
    case "unknown":
      return {
        ...base,
        status: failures >= policy.maxFailures ? status("failed") : s.status,
        consecutiveFailures: failures,
        nextRunAt: after(now, backoffMs(failures, policy)),
      };
  }
}

// ---- persistence ----

type Row = typeof syncStates.$inferSelect;

export function stateOfRow(r: Row): SyncState {
  return {
    status: r.status,
    stage: { name: r.stage, startedAt: r.stageStartedAt },
    stepStartedAt: r.stepStartedAt,
    nextRunAt: r.nextRunAt,
    consecutiveFailures: r.consecutiveFailures,
    lastError:
      r.lastErrorKind !== null && r.lastErrorReason !== null
        ? { kind: r.lastErrorKind as SyncErrorKind, reason: r.lastErrorReason }
        : null,
    progress:
      r.progressDone !== null && r.progressFound !== null
        ? { done: r.progressDone, found: r.progressFound }
        : null,
    lastSyncedAt: r.lastSyncedAt,
    authFailedSecretVersion: r.authFailedSecretVersion,
    skipCounts: r.skipCounts,
  };
}

function rowOfState(s: SyncState) {
  return {
    status: s.status,
    stage: s.stage.name,
    stageStartedAt: s.stage.startedAt,
    stepStartedAt: s.stepStartedAt,
    nextRunAt: s.nextRunAt,
    consecutiveFailures: s.consecutiveFailures,
    lastErrorKind: s.lastError?.kind ?? null,
    lastErrorReason: s.lastError?.reason ?? null,
    progressDone: s.progress?.done ?? null,
    progressFound: s.progress?.found ?? null,
    lastSyncedAt: s.lastSyncedAt,
    authFailedSecretVersion: s.authFailedSecretVersion,
    skipCounts: s.skipCounts,
  };
}

export async function readState(db: Tx, connectionId: string): Promise<SyncState | null> {
  const [row] = await db.select().from(syncStates).where(eq(syncStates.connectionId, connectionId));
  return row ? stateOfRow(row) : null;
}

/** Gives every connection without a state row its first one: how a new connection starts syncing. */
export async function ensureStates(db: Tx, now = new Date(), connectionId?: string): Promise<number> {
  const s = rowOfState(initialState(now));
  const rows = await db.execute(sql`
    insert into sync_states (connection_id, status, stage, stage_started_at, next_run_at, progress_done, progress_found)
    select c.id, ${s.status}, ${s.stage}, ${now}, ${now}, 0, 0 from connections c
    where ${connectionId ? sql`c.id = ${connectionId}` : sql`true`}
      and not exists (select 1 from sync_states st where st.connection_id = c.id)
    on conflict do nothing
    returning connection_id`);
  return ((rows as { rows?: unknown[] }).rows ?? (rows as unknown[])).length;
}

/**
 * Applies the event to the connection's stored state and answers the new state, or null when the
 * connection is gone. A concurrent write makes the update miss its version: read again, apply again.
 */
export async function applyEvent(
  db: Tx,
  connectionId: string,
  event: SyncEvent,
  policy: SyncPolicy,
  now = new Date(),
): Promise<SyncState | null> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const [row] = await db.select().from(syncStates).where(eq(syncStates.connectionId, connectionId));
    if (!row) return null;
    const next = transition(stateOfRow(row), event, now, policy);
    const [updated] = await db
      .update(syncStates)
      .set({ ...rowOfState(next), version: row.version + 1, updatedAt: now })
      .where(and(eq(syncStates.connectionId, connectionId), eq(syncStates.version, row.version)))
      .returning({ version: syncStates.version });
    if (updated) return next;
  }
  throw new Error("The sync state kept changing under this worker; the step will be retried.");
}
