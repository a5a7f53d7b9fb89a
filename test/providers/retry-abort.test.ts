// A step's provider calls back off between retries (up to a minute when the provider says so). A worker
// that shuts down, or a step out of time, must not sit that out: the backoff ends with the step's signal.
import { describe, expect, it } from "vitest";
import { defaultRetry, sleepUntilAborted, withRetries } from "../../server/providers/http.js";
import { SyncError } from "../../server/sync/errors.js";

describe("provider backoff and the step's signal", () => {
  it("R-P-3: a backoff of 30 s ends as soon as the step is stopped, with the stop's reason", async () => {
    const stop = new AbortController();
    let attempts = 0;
    const started = Date.now();
    const call = withRetries({ ...defaultRetry, sleep: sleepUntilAborted(stop.signal) }, async () => {
      attempts++;
      throw new SyncError("throttled", "Slow down.", 30_000);
    });
    setTimeout(() => stop.abort(new Error("the worker is shutting down")), 50);
    await expect(call).rejects.toThrow("the worker is shutting down");
    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("R-P-3: a step already stopped makes no further try", async () => {
    const stop = new AbortController();
    stop.abort(new Error("the step used its time budget"));
    let attempts = 0;
    const call = withRetries({ ...defaultRetry, sleep: sleepUntilAborted(stop.signal) }, async () => {
      attempts++;
      throw new SyncError("temporary", "Try again.");
    });
    await expect(call).rejects.toThrow("the step used its time budget");
    expect(attempts).toBe(1);
  });

  it("without a stop the backoff is slept out and the retry succeeds", async () => {
    const sleep = sleepUntilAborted(new AbortController().signal);
    let attempts = 0;
    const answer = await withRetries({ ...defaultRetry, backoffMs: 10, sleep }, async () => {
      if (++attempts < 3) throw new SyncError("temporary", "Try again.");
      return "done";
    });
    expect(answer).toBe("done");
    expect(attempts).toBe(3);
  });
});
