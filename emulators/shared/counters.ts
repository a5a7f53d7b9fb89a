/**
 * Requests counted per endpoint, for benchmarks' "requests per 1,000 items". Parts of a batch
 * count under their own endpoint (`perEndpoint`) but not as HTTP requests (`http`): the first is
 * the provider's quota view, the second the network's.
 */
export type RequestCounts = { http: number; perEndpoint: Record<string, number> };

export class RequestCounter {
  private http = 0;
  private readonly perEndpoint = new Map<string, number>();

  record(endpoint: string, batchPart: boolean): void {
    if (!batchPart) this.http++;
    this.perEndpoint.set(endpoint, (this.perEndpoint.get(endpoint) ?? 0) + 1);
  }

  snapshot(): RequestCounts {
    return { http: this.http, perEndpoint: Object.fromEntries([...this.perEndpoint].sort()) };
  }

  reset(): void {
    this.http = 0;
    this.perEndpoint.clear();
  }
}
