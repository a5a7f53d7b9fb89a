// Coalesces concurrent look-ups into one statement. While batches are at the database, calls that
// arrive wait and go together in the next one: under load one round trip serves many requests, and
// a lone call still goes at once (it waits only for the end of the current event-loop turn).

export interface BatcherOptions {
  /** Most calls in one statement. */
  maxBatch: number;
  /** Most statements at the database at once; more calls wait and join the next batch. */
  maxInFlight: number;
}

interface Waiting<In, Out> {
  input: In;
  resolve(out: Out): void;
  reject(error: unknown): void;
}

/**
 * `run` answers a batch of inputs with one output per input, in order. When a batch fails, each of its
 * calls is run again alone, so one call's bad input fails that call only.
 */
export function batcher<In, Out>(
  run: (inputs: In[]) => Promise<Out[]>,
  opts: BatcherOptions,
): (input: In) => Promise<Out> {
  let waiting: Waiting<In, Out>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || !waiting.length || inFlight >= opts.maxInFlight) return;
    scheduled = true;
    setImmediate(flush);
  };

  const runChecked = async (inputs: In[]) => {
    const outs = await run(inputs);
    if (outs.length !== inputs.length)
      throw new Error(`A batch of ${inputs.length} look-ups answered ${outs.length} results.`);
    return outs;
  };

  const send = async (batch: Waiting<In, Out>[]) => {
    try {
      const outs = await runChecked(batch.map((w) => w.input));
      for (const [i, w] of batch.entries()) w.resolve(outs[i]);
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const w of batch)
        await runChecked([w.input]).then(
          ([out]) => w.resolve(out),
          (e) => w.reject(e),
        );
    }
  };

  function flush() {
    scheduled = false;
    while (waiting.length && inFlight < opts.maxInFlight) {
      const batch = waiting.slice(0, opts.maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight++;
      void send(batch).finally(() => {
        inFlight--;
        schedule();
      });
    }
  }

  return (input) =>
    new Promise<Out>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      schedule();
    });
}
