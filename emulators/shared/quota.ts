/**
 * Per-account usage quotas over a sliding window: Gmail counts quota units per user (a
 * messages.get costs 5, a history.list 2…), Graph counts requests per mailbox (10,000 per 10
 * minutes). A request that would exceed the window is refused with the seconds until room frees up.
 */
export type QuotaKnob = { units: number; windowMs: number };

export class QuotaMeter {
  private readonly spent = new Map<string, { at: number; cost: number }[]>();

  constructor(private readonly now: () => number) {}

  /** Records the cost and answers null, or refuses with the seconds to wait. */
  take(account: string, knob: QuotaKnob, cost: number): number | null {
    const now = this.now();
    const log = (this.spent.get(account) ?? []).filter((e) => e.at > now - knob.windowMs);
    this.spent.set(account, log);
    let used = log.reduce((sum, e) => sum + e.cost, 0);
    if (used + cost <= knob.units) {
      log.push({ at: now, cost });
      return null;
    }
    // The wait until enough of the oldest spending leaves the window.
    for (const entry of log) {
      used -= entry.cost;
      if (used + cost <= knob.units) return Math.max(1, Math.ceil((entry.at + knob.windowMs - now) / 1000));
    }
    return Math.max(1, Math.ceil(knob.windowMs / 1000));
  }

  reset(account?: string): void {
    if (account) this.spent.delete(account);
    else this.spent.clear();
  }
}
