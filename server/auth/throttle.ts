// Slows password guessing: after a few failed sign-ins for one address from one client, that pair is
// refused for a while. In memory, per process: enough for a single server; behind several servers each
// counts on its own, which still bounds the guessing rate.
export interface Throttle {
  /** Milliseconds until the key may try again, or 0. */
  blockedFor(key: string): number;
  fail(key: string): void;
  succeed(key: string): void;
}

export function failureThrottle(
  opts: { maxFailures?: number; windowMs?: number; lockMs?: number; now?: () => number } = {},
): Throttle {
  const maxFailures = opts.maxFailures ?? 5;
  const windowMs = opts.windowMs ?? 15 * 60 * 1000;
  const lockMs = opts.lockMs ?? 15 * 60 * 1000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { failures: number; since: number; lockedUntil: number }>();

  const prune = (t: number) => {
    if (entries.size < 10_000) return;
    for (const [k, e] of entries) if (e.lockedUntil < t && e.since + windowMs < t) entries.delete(k);
  };

  return {
    blockedFor(key) {
      const e = entries.get(key);
      return e ? Math.max(0, e.lockedUntil - now()) : 0;
    },
    fail(key) {
      const t = now();
      prune(t);
      let e = entries.get(key);
      if (!e || e.since + windowMs < t) {
        e = { failures: 0, since: t, lockedUntil: 0 };
        entries.set(key, e);
      }
      e.failures++;
      if (e.failures >= maxFailures) {
        e.lockedUntil = t + lockMs;
        e.failures = 0;
        e.since = t;
      }
    },
    succeed(key) {
      entries.delete(key);
    },
  };
}
