// What the sync status says after a failure that is not the provider's: the words a user reads, and
// whether it counts towards `failed`.
import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { classify } from "../../server/sync/classify.js";
import { SyncError } from "../../server/sync/errors.js";

describe("classifying a step's failure", () => {
  it("R-P-3: a database session ended under the step (SQLSTATE 57P01, or node-postgres's words) is temporary, not unknown", () => {
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    for (const err of [terminated, new Error("Connection terminated unexpectedly")])
      expect(classify(err)).toEqual({
        kind: "temporary",
        reason: "The connection to Concilia's database was lost; the sync carries on.",
      });
  });

  it("R-P-3: a session ended under a query made through drizzle (the driver's error as its cause) is temporary too", () => {
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    const lost = new Error("Client has encountered a connection error and is not queryable");
    for (const cause of [terminated, lost])
      expect(
        classify(new DrizzleQueryError('select "connection_id" from "sync_states"', [], cause)),
      ).toMatchObject({ kind: "temporary" });
  });

  it("a provider's classified failure keeps its kind, words and wait", () => {
    expect(classify(new SyncError("throttled", "Slow down.", 5_000))).toEqual({
      kind: "throttled",
      reason: "Slow down.",
      retryAfterMs: 5_000,
    });
  });

  it("anything else is unknown and named by its class only: its message may quote a body or a token", () => {
    expect(classify(new TypeError("token=ya29.secret is not a function"))).toEqual({
      kind: "unknown",
      reason: "An unexpected error (TypeError) stopped the sync.",
    });
  });
});
