import type { Faults } from "../faults.js";

/**
 * Outgoing pushes (Gmail Pub/Sub deliveries, Graph change and lifecycle notifications). Push is an
 * optimisation for the receiver, so the outbox can drop, duplicate, delay and reorder deliveries
 * per account (knobs in `Faults`). A delivery that gets no 2xx is retried a few times, then dropped.
 */
export type Delivery = {
  account: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Deliveries with the same group key queued together may share one POST (Graph does). */
  groupKey?: string;
};

export type DeliveryRecord = Delivery & { status: number | "network-error"; attempt: number };

export type OutboxOptions = {
  faults: Faults;
  fetch?: typeof fetch;
  /** Waits between attempts; its length is the number of retries. */
  retryDelaysMs?: number[];
  /** How long a receiver may take before the attempt counts as failed. */
  timeoutMs?: number;
  /** Merge queued deliveries of one group into a single POST. */
  merge?: (bodies: string[]) => string;
};

export class PushOutbox {
  private queue: Delivery[] = [];
  private inFlight = new Set<Promise<void>>();
  private scheduled = false;
  readonly log: DeliveryRecord[] = [];

  constructor(private readonly options: OutboxOptions) {}

  enqueue(delivery: Delivery): void {
    const copies = this.options.faults.takeNotificationCopies(delivery.account);
    for (let i = 0; i < copies; i++) this.queue.push(delivery);
    if (copies === 0) this.log.push({ ...delivery, status: 0, attempt: 0 });
    // Reordering holds deliveries until two can swap places (or until `flush`).
    const holding = this.options.faults.reorders(delivery.account) && this.queue.length < 2;
    if (!this.scheduled && !holding) this.schedule();
  }

  /** Deliver everything queued now (reordered groups included) and wait for every delivery. */
  async flush(): Promise<void> {
    this.deliverQueued();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Wait for deliveries already started, without releasing held (reordered) ones. */
  async settle(): Promise<void> {
    await new Promise((r) => setTimeout(r, 0));
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  get held(): number {
    return this.queue.length;
  }

  private schedule(): void {
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.deliverQueued();
    }, 0);
  }

  private deliverQueued(): void {
    const pending = this.queue;
    this.queue = [];
    const ordered = pending.some((d) => this.options.faults.reorders(d.account))
      ? pending.reverse()
      : pending;
    // One after the other, so that the order chosen here is the order the receiver sees.
    const batches = this.group(ordered);
    const promise = (async () => {
      for (const batch of batches) await this.deliver(batch);
    })().finally(() => this.inFlight.delete(promise));
    this.inFlight.add(promise);
  }

  private group(deliveries: Delivery[]): Delivery[] {
    const merge = this.options.merge;
    if (!merge) return deliveries;
    const groups = new Map<string, Delivery[]>();
    const out: Delivery[] = [];
    for (const d of deliveries) {
      if (!d.groupKey) {
        out.push(d);
        continue;
      }
      const list = groups.get(d.groupKey);
      if (list) list.push(d);
      else {
        const fresh = [d];
        groups.set(d.groupKey, fresh);
        out.push(d);
      }
    }
    return out.map((d) => {
      const list = d.groupKey ? groups.get(d.groupKey) : undefined;
      if (!list || list.length === 1 || list[0] !== d) return d;
      return { ...d, body: merge(list.map((x) => x.body)) };
    });
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const delay = this.options.faults.notificationDelay(delivery.account);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const doFetch = this.options.fetch ?? fetch;
    const delays = this.options.retryDelaysMs ?? [50, 200, 1000];
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      let status: number | "network-error";
      try {
        const response = await doFetch(delivery.url, {
          method: "POST",
          headers: delivery.headers,
          body: delivery.body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
      } catch {
        status = "network-error";
      }
      this.log.push({ ...delivery, status, attempt });
      if (typeof status === "number" && status >= 200 && status < 300) return;
      if (typeof status === "number" && status >= 400 && status < 500 && status !== 429) return;
      const wait = delays[attempt - 1];
      if (wait === undefined) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
