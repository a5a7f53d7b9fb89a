/**
 * Requests counted per endpoint, for benchmarks' "requests per 1,000 items". Parts of a batch
 * count under their own endpoint (`perEndpoint`) but not as HTTP requests (`http`): the first is
 * the provider's quota view, the second the network's.
 */
export type RequestCounts = { http: number; perEndpoint: Record<string, number> };

/** One request of an account, as the provider saw it: when it arrived and how it was answered. */
export type LoggedRequest = { at: number; endpoint: string; status: number };

export class RequestCounter {
  private http = 0;
  private readonly log = new Map<string, LoggedRequest[]>();
  private readonly perEndpoint = new Map<string, number>();
  private readonly perAccount = new Map<string, Map<string, number>>();
  private readonly inFlight = new Map<string, number>();
  private readonly peak = new Map<string, number>();

  /** Marks a request of `account` as started; returns how many are now in flight, and a release. */
  begin(account: string): { inFlight: number; end(): void } {
    const now = (this.inFlight.get(account) ?? 0) + 1;
    this.inFlight.set(account, now);
    this.peak.set(account, Math.max(this.peak.get(account) ?? 0, now));
    return { inFlight: now, end: () => this.inFlight.set(account, (this.inFlight.get(account) ?? 1) - 1) };
  }

  /** The most requests of one account seen in flight at once (bounded-concurrency checks). */
  peakConcurrency(account: string): number {
    return this.peak.get(account.toLowerCase()) ?? 0;
  }

  record(endpoint: string, batchPart: boolean): void {
    if (!batchPart) this.http++;
    this.perEndpoint.set(endpoint, (this.perEndpoint.get(endpoint) ?? 0) + 1);
  }

  /** Counts a request of `account`, a whole one or a batch part, under its endpoint. */
  recordFor(account: string, endpoint: string): void {
    const key = account.toLowerCase();
    const counts = this.perAccount.get(key) ?? new Map<string, number>();
    counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    this.perAccount.set(key, counts);
  }

  /**
   * The account's requests per endpoint, batch parts counted under their own endpoint as `snapshot`
   * does: a test that counts one connection's calls is not disturbed by another account's steps.
   */
  endpointsOf(account: string): Record<string, number> {
    return Object.fromEntries([...(this.perAccount.get(account.toLowerCase()) ?? [])].sort());
  }

  /** Logs an account's whole request (not a batch part) when answered; `at` is when it arrived. */
  logRequest(account: string, entry: LoggedRequest): void {
    const key = account.toLowerCase();
    const list = this.log.get(key) ?? [];
    list.push(entry);
    this.log.set(key, list);
  }

  /** The account's requests in arrival order: fault tests check the waits between them (Retry-After). */
  requests(account: string): LoggedRequest[] {
    return [...(this.log.get(account.toLowerCase()) ?? [])].sort((a, b) => a.at - b.at);
  }

  snapshot(): RequestCounts {
    return { http: this.http, perEndpoint: Object.fromEntries([...this.perEndpoint].sort()) };
  }

  reset(): void {
    this.http = 0;
    this.perEndpoint.clear();
    this.perAccount.clear();
    this.peak.clear();
    this.log.clear();
  }
}
