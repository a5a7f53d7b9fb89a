// R-CON-10, R-MAIL-8: what the sidebars show about a connection's sync, and the user's actions on it.
import { z } from "zod";

export const syncStatusValue = z.enum(["syncing", "up_to_date", "reconnect_needed", "paused", "failed"]);
export const syncStage = z.enum(["initial", "incremental", "resync", "idle"]);
export const syncErrorKind = z.enum([
  "temporary",
  "throttled",
  "auth",
  "cursor-rejected",
  "not-found",
  "conflict",
  "unknown",
]);

export const syncStatus = z.object({
  connectionId: z.string(),
  status: syncStatusValue,
  stage: syncStage,
  /** Items done and found during a first sync or a re-sync; null otherwise. */
  progress: z.object({ done: z.number().int(), found: z.number().int() }).nullable(),
  lastSyncedAt: z.string().nullable(),
  /** When the next look at the account is due. */
  nextRunAt: z.string(),
  /** Items that failed their tries and wait for "retry failed items". */
  failedItems: z.number().int(),
  /** Why the last step failed, in plain words (never a token or a message). */
  lastError: z.object({ kind: syncErrorKind, reason: z.string() }).nullable(),
  /** Messages not stored, by reason (no CRM participant, never-log list, internal, automated…). */
  skipped: z.record(z.string(), z.number().int()),
});
export type ConnectionSyncStatus = z.infer<typeof syncStatus>;

export const retryFailedResult = z.object({
  /** Parked items given their tries back; they are tried at the next step. */
  requeued: z.number().int(),
  status: syncStatus,
});

const named: [z.ZodType, string][] = [
  [syncStatus, "SyncStatus"],
  [retryFailedResult, "RetryFailedResult"],
];
for (const [schema, id] of named) schema.register(z.globalRegistry, { id });
