// Provider faults injected into the emulated connections while the fleet syncs, each counted when it
// actually hit a request (a knob armed for one request counts once it was consumed): throttling with
// Retry-After (429, 503), other server errors, responses lost after the provider applied the request,
// Gmail pushes dropped, duplicated and reordered, cursors invalidated, grants revoked and then
// connected again (a new refresh token stored as the next version of the secret, as the OAuth
// callback does).
import { eq } from "drizzle-orm";
import type { AccountFaults, Faults } from "../../../../emulators/faults.js";
import { SECRET } from "../../../../server/connections/connections.js";
import { connectionSecrets, syncStates } from "../../../../server/db/schema.js";
import { putSecret } from "../../../../server/secrets/store.js";
import type { ConnectionKind, FleetConnection, FleetWorld } from "./kinds.js";

/** In the order the run takes them in turn; the last three reach the kinds the provider pushes to. */
export const FAULTS = [
  "429 with Retry-After",
  "503 with Retry-After",
  "500, 502 or 504",
  "response lost after the write applied",
  "cursor invalidated",
  "grant revoked, then reconnected",
  "push dropped",
  "push duplicated",
  "pushes reordered",
] as const;
export type FaultName = (typeof FAULTS)[number];

export interface FaultCount {
  /** Times the run armed it. */
  armed: number;
  /** Times it hit: requests answered with it, pushes dropped or sent twice, cursors refused, grants refused. */
  hit: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Chaos {
  readonly counts = Object.fromEntries(FAULTS.map((f) => [f, { armed: 0, hit: 0 }])) as Record<
    FaultName,
    FaultCount
  >;
  /** What was armed per account and not yet harvested. */
  private readonly armed = new Map<
    string,
    { knobs: AccountFaults; names: Partial<Record<string, FaultName>> }
  >();
  private readonly reconnecting = new Set<Promise<void>>();
  private readonly revoked = new Set<string>();

  constructor(
    private readonly w: FleetWorld,
    private readonly targets: { c: FleetConnection; kind: ConnectionKind }[],
  ) {}

  private faults(kind: ConnectionKind): Faults {
    return kind.emulator === "google" ? this.w.emulators.google.faults : this.w.emulators.microsoft.faults;
  }

  private pending(kind: ConnectionKind, account: string) {
    const f = this.faults(kind).get(account);
    return [
      f.throttle?.times,
      f.serverError?.times,
      f.loseResponse?.times,
      f.notifications?.drop,
      f.notifications?.duplicate,
    ].some((left) => (left ?? 0) > 0);
  }

  /** Counts what the account's armed knobs consumed, and forgets them. */
  private harvest(kind: ConnectionKind, account: string) {
    const armed = this.armed.get(account);
    if (!armed) return;
    const now = this.faults(kind).get(account);
    const used = (before?: number, left?: number) => Math.max(0, (before ?? 0) - Math.max(0, left ?? 0));
    const { knobs, names } = armed;
    if (knobs.throttle && names.throttle)
      this.counts[names.throttle].hit += used(knobs.throttle.times, now.throttle?.times);
    if (knobs.serverError)
      this.counts["500, 502 or 504"].hit += used(knobs.serverError.times, now.serverError?.times);
    if (knobs.loseResponse)
      this.counts["response lost after the write applied"].hit += used(
        knobs.loseResponse.times,
        now.loseResponse?.times,
      );
    if (knobs.notifications) {
      this.counts["push dropped"].hit += used(knobs.notifications.drop, now.notifications?.drop);
      this.counts["push duplicated"].hit += used(knobs.notifications.duplicate, now.notifications?.duplicate);
    }
    this.armed.delete(account);
    this.faults(kind).clear(account);
  }

  private arm(
    kind: ConnectionKind,
    account: string,
    knobs: AccountFaults,
    names: Partial<Record<string, FaultName>>,
  ) {
    this.harvest(kind, account);
    this.faults(kind).set(account, knobs);
    this.armed.set(account, { knobs: structuredClone(knobs), names });
  }

  private turn = 0;

  /** The next fault, in turn, on a random emulated connection it applies to (pushes: kinds pushed to). */
  async injectOne() {
    const pick = this.turn % FAULTS.length;
    // An account whose last fault has not hit yet keeps it: arming another would only replace it.
    const among = this.targets.filter(
      (t) =>
        (pick < 6 || t.kind.pushes) && !this.revoked.has(t.c.account) && !this.pending(t.kind, t.c.account),
    );
    if (among.length === 0) return;
    this.turn++;
    const { c, kind } = among[Math.floor(Math.random() * among.length)];
    const api = kind.endpoints ?? [kind.emulator === "google" ? "gmail.*" : "graph.*"];
    const times = 1 + Math.floor(Math.random() * 2);
    const retryAfter = 1 + Math.floor(Math.random() * 2);
    const emulator = kind.emulator === "google" ? this.w.emulators.google : this.w.emulators.microsoft;
    const name = (f: FaultName) => {
      this.counts[f].armed++;
      return f;
    };
    switch (pick) {
      case 0:
        return this.arm(
          kind,
          c.account,
          { throttle: { status: 429, retryAfter, endpoints: api, times } },
          {
            throttle: name("429 with Retry-After"),
          },
        );
      case 1:
        return this.arm(
          kind,
          c.account,
          { throttle: { status: 503, retryAfter, endpoints: api, times } },
          {
            throttle: name("503 with Retry-After"),
          },
        );
      case 2: {
        const status = ([500, 502, 504] as const)[Math.floor(Math.random() * 3)];
        name("500, 502 or 504");
        return this.arm(kind, c.account, { serverError: { status, endpoints: api, times } }, {});
      }
      case 3:
        name("response lost after the write applied");
        return this.arm(kind, c.account, { loseResponse: { endpoints: api, times } }, {});
      case 4: {
        // Counted from the emulator's request log at the end: the provider's own refusals (404, 410).
        this.counts["cursor invalidated"].armed++;
        emulator.invalidateCursors(c.account);
        return;
      }
      case 5:
        return this.revokeThenReconnect(c, kind);
      case 6:
        name("push dropped");
        return this.arm(kind, c.account, { notifications: { drop: times } }, {});
      case 7:
        name("push duplicated");
        return this.arm(kind, c.account, { notifications: { duplicate: times + 1 } }, {});
      case 8:
        // Held until two can swap, or until the next flush.
        this.counts["pushes reordered"].armed++;
        this.counts["pushes reordered"].hit++;
        return this.arm(kind, c.account, { notifications: { reorder: true } }, {});
    }
  }

  /**
   * The user revokes access; once the sync says "reconnect needed" the user connects again: a new
   * grant, stored as the next version of the refresh token.
   */
  private revokeThenReconnect(c: FleetConnection, kind: ConnectionKind) {
    const emulator = kind.emulator === "google" ? this.w.emulators.google : this.w.emulators.microsoft;
    this.counts["grant revoked, then reconnected"].armed++;
    this.revoked.add(c.account);
    emulator.revokeTokens(c.account);
    emulator.expireAccessTokens(c.account);
    const job = (async () => {
      for (let i = 0; i < 100; i++) {
        try {
          const [st] = await this.w.db
            .select({ status: syncStates.status })
            .from(syncStates)
            .where(eq(syncStates.connectionId, c.connectionId));
          if (st?.status === "reconnect_needed") {
            this.counts["grant revoked, then reconnected"].hit++;
            break;
          }
        } catch {} // the run may have ended PostgreSQL's sessions a moment ago
        await sleep(200);
      }
      await this.reconnect(c, kind);
    })();
    this.reconnecting.add(job);
    void job.finally(() => this.reconnecting.delete(job));
  }

  private async reconnect(c: FleetConnection, kind: ConnectionKind) {
    const emulator = kind.emulator === "google" ? this.w.emulators.google : this.w.emulators.microsoft;
    const { refreshToken } = emulator.issueTokens(c.account, c.scope);
    for (let i = 0; ; i++) {
      try {
        const [stored] = await this.w.db
          .select({ version: connectionSecrets.version })
          .from(connectionSecrets)
          .where(eq(connectionSecrets.connectionId, c.connectionId));
        await putSecret(this.w, c.connectionId, SECRET.refreshToken, refreshToken, stored?.version ?? null);
        break;
      } catch (err) {
        if (i > 20) throw err;
        await sleep(250);
      }
    }
    this.revoked.delete(c.account);
  }

  /** Pushes held for reordering go out now (the outbox would also send them with the next push). */
  async flushPushes() {
    await Promise.all([this.w.emulators.google.outbox.flush(), this.w.emulators.microsoft.outbox.flush()]);
  }

  /** Stops injecting: every knob counted and cleared, every revoked grant connected again. */
  async settle() {
    for (const { c, kind } of this.targets) this.harvest(kind, c.account);
    await Promise.all([...this.reconnecting]);
    await this.flushPushes();
    // Refused cursors, as the providers answered them (Gmail history 404, Graph delta 410).
    let refused = 0;
    for (const { c, kind } of this.targets) {
      const emulator = kind.emulator === "google" ? this.w.emulators.google : this.w.emulators.microsoft;
      refused += emulator.counter
        .requests(c.account)
        .filter(
          (r) =>
            (r.status === 404 && r.endpoint.includes("history")) ||
            (r.status === 410 && (r.endpoint.includes("delta") || r.endpoint === "calendar.events.list")),
        ).length;
    }
    this.counts["cursor invalidated"].hit = refused;
  }
}
