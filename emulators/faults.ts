/**
 * Fault knobs shared by every emulator (provider contracts §0 and §9). They are set per account,
 * in-process through `Faults.set` or over HTTP through the admin route, and are consumed by the
 * router (throttling, lost responses, latency) and by the push outbox (notifications).
 */

/** Which requests a rule applies to: endpoint names (exact, or a prefix ending in `*`), and how many. */
export type FaultScope = {
  endpoints?: string[];
  /** Number of matching requests the rule hits before it wears off; absent = until cleared. */
  times?: number;
};

export type ThrottleKnob = FaultScope & {
  /** 429 and 503 are the usual; Google also throttles with 403 `userRateLimitExceeded`. */
  status: 403 | 429 | 503;
  /** Seconds for `Retry-After`; `null` omits the header (Google usually sends none). */
  retryAfter?: number | null;
  /** Provider error code to use instead of the default (e.g. Graph `ApplicationThrottled`). */
  code?: string;
};

/** A server failure that is not throttling (Gmail `backendError`, Graph `generalException`). */
export type ServerErrorKnob = FaultScope & { status: 500 | 502 | 504 };

export type NotificationKnobs = {
  /** Drop the next n notifications (Infinity drops all). */
  drop?: number;
  /** Deliver each of the next n notifications twice. */
  duplicate?: number;
  /** Hold notifications and deliver each held group in reverse order. */
  reorder?: boolean;
  /** Extra delay before a delivery, in ms. */
  delayMs?: number;
};

export type AccountFaults = {
  throttle?: ThrottleKnob;
  /** Fail before the route runs (nothing applied), without Retry-After. */
  serverError?: ServerErrorKnob;
  /** Apply the request, then fail with a network error instead of answering. */
  loseResponse?: FaultScope;
  latencyMs?: number;
  /** Usage quota over a sliding window (units: Gmail quota units, Graph requests). */
  quota?: { units: number; windowMs: number };
  /** Requests of this account in flight at once beyond this number answer 429 (Outlook allows 4). */
  maxConcurrent?: number;
  /** Items of one batch beyond this number answer 429 (Outlook: 4 concurrent per mailbox). */
  batchConcurrency?: number;
  notifications?: NotificationKnobs;
};

function inScope(scope: FaultScope, endpoint: string): boolean {
  if (scope.times !== undefined && scope.times <= 0) return false;
  if (!scope.endpoints) return true;
  return scope.endpoints.some((e) =>
    e.endsWith("*") ? endpoint.startsWith(e.slice(0, -1)) : e === endpoint,
  );
}

/** Per-account knobs. Account keys are lower-cased email addresses. */
export class Faults {
  private readonly byAccount = new Map<string, AccountFaults>();

  set(account: string, knobs: AccountFaults): void {
    this.byAccount.set(account.toLowerCase(), structuredClone(knobs));
  }

  /** Merge knobs into the account's current ones. */
  update(account: string, knobs: AccountFaults): void {
    this.set(account, { ...this.get(account), ...knobs });
  }

  get(account: string): AccountFaults {
    return this.byAccount.get(account.toLowerCase()) ?? {};
  }

  clear(account?: string): void {
    if (account) this.byAccount.delete(account.toLowerCase());
    else this.byAccount.clear();
  }

  /** The throttle that hits this request, if any (consumes one use). */
  takeThrottle(account: string, endpoint: string): ThrottleKnob | null {
    const knob = this.get(account).throttle;
    if (!knob || !inScope(knob, endpoint)) return null;
    if (knob.times !== undefined) knob.times--;
    return knob;
  }

  /** The server error that hits this request, if any (consumes one use). */
  takeServerError(account: string, endpoint: string): ServerErrorKnob | null {
    const knob = this.get(account).serverError;
    if (!knob || !inScope(knob, endpoint)) return null;
    if (knob.times !== undefined) knob.times--;
    return knob;
  }

  /** Whether this request's response is to be lost after it was applied (consumes one use). */
  takeLostResponse(account: string, endpoint: string): boolean {
    const knob = this.get(account).loseResponse;
    if (!knob || !inScope(knob, endpoint)) return false;
    if (knob.times !== undefined) knob.times--;
    return true;
  }

  latency(account: string): number {
    return this.get(account).latencyMs ?? 0;
  }

  quota(account: string): { units: number; windowMs: number } | undefined {
    return this.get(account).quota;
  }

  maxConcurrent(account: string): number | undefined {
    return this.get(account).maxConcurrent;
  }

  batchConcurrency(account: string): number | undefined {
    return this.get(account).batchConcurrency;
  }

  /** The fate of one notification: how many copies to send (0 = dropped). */
  takeNotificationCopies(account: string): number {
    const knobs = this.get(account).notifications;
    if (!knobs) return 1;
    if (knobs.drop && knobs.drop > 0) {
      knobs.drop--;
      return 0;
    }
    if (knobs.duplicate && knobs.duplicate > 0) {
      knobs.duplicate--;
      return 2;
    }
    return 1;
  }

  reorders(account: string): boolean {
    return this.get(account).notifications?.reorder === true;
  }

  notificationDelay(account: string): number {
    return this.get(account).notifications?.delayMs ?? 0;
  }
}
