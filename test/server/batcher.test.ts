// The batcher behind the context endpoint (R-SB-8): concurrent look-ups share a statement, and each
// caller still gets its own answer, or its own error.
import { describe, expect, it } from "vitest";
import { batcher } from "../../server/db/batcher.js";

/** A fake statement that records each batch it is given and answers `input * 10`. */
function recorder(opts: { delayMs?: number; failOn?: number } = {}) {
  const batches: number[][] = [];
  let atOnce = 0;
  let mostAtOnce = 0;
  const run = async (inputs: number[]) => {
    batches.push(inputs);
    atOnce++;
    mostAtOnce = Math.max(mostAtOnce, atOnce);
    await new Promise((r) => setTimeout(r, opts.delayMs ?? 5));
    atOnce--;
    if (opts.failOn !== undefined && inputs.includes(opts.failOn))
      throw new Error(`bad input ${opts.failOn}`);
    return inputs.map((n) => n * 10);
  };
  return { run, batches, mostAtOnce: () => mostAtOnce };
}

describe("batcher", () => {
  it("R-SB-8: look-ups that arrive together share one statement and each gets its own answer", async () => {
    const r = recorder();
    const lookup = batcher(r.run, { maxBatch: 32, maxInFlight: 1 });
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => lookup(n)));
    expect(answers).toEqual([10, 20, 30, 40, 50]);
    expect(r.batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it("R-SB-8: while a statement runs, new look-ups wait and go together in the next one", async () => {
    const r = recorder({ delayMs: 20 });
    const lookup = batcher(r.run, { maxBatch: 32, maxInFlight: 1 });
    const first = lookup(1);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first is at the database now
    const later = [2, 3, 4].map((n) => lookup(n));
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
  });

  it("R-SB-8: batches stay within the size and in-flight limits", async () => {
    const r = recorder();
    const lookup = batcher(r.run, { maxBatch: 4, maxInFlight: 2 });
    const inputs = Array.from({ length: 20 }, (_, i) => i);
    expect(await Promise.all(inputs.map((n) => lookup(n)))).toEqual(inputs.map((n) => n * 10));
    expect(Math.max(...r.batches.map((b) => b.length))).toBe(4);
    expect(r.batches.flat().sort((a, b) => a - b)).toEqual(inputs);
    expect(r.mostAtOnce()).toBe(2);
  });

  it("R-SB-8: one look-up's bad input fails that look-up only", async () => {
    const r = recorder({ failOn: 3 });
    const lookup = batcher(r.run, { maxBatch: 32, maxInFlight: 1 });
    const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => lookup(n)));
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message))).toEqual([
      10,
      20,
      "bad input 3",
      40,
    ]);
    // The batch failed, then each was asked alone.
    expect(r.batches).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it("R-SB-8: a statement that answers the wrong number of rows is an error, not a shifted answer", async () => {
    const lookup = batcher(async (inputs: number[]) => inputs.slice(1), { maxBatch: 32, maxInFlight: 1 });
    await expect(lookup(1)).rejects.toThrow("A batch of 1 look-ups answered 0 results.");
  });
});
