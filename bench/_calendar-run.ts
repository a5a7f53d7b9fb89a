// One provider through the calendar benchmark: seed the provider and the CRM, connect, wait for the first
// sync to reach the ground truth on both sides, make K changes on each side, wait again, audit both
// sides exactly, then measure the change latency both ways (with push where the provider has it, and
// without). Requests are counted per phase by the driver.
import { eq } from "drizzle-orm";
import { createApiToken } from "../server/auth/tokens.js";
import { createUser } from "../server/crm/users.js";
import type { Db } from "../server/db/index.js";
import { events } from "../server/db/schema.js";
import { enqueueCalendarChange } from "../server/sync/calendar/outbox.js";
import type { RequestCounts } from "../test/harness/caldav-proxy.js";
import { crmApi, crmTitleOf, readCrm } from "./_calendar-crm.js";
import type { Minimum, ProviderDriver } from "./_calendar-driver.js";
import {
  compareSide,
  type Difference,
  type Expected,
  summarize,
  type TruthEvent,
} from "./_calendar-truth.js";
import {
  crmChanges,
  crmSeed,
  providerChanges,
  providerSeed,
  single,
  uidDomain,
  type WorkloadSize,
  workloadBase,
} from "./_calendar-workload.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PhaseResult {
  converged: boolean;
  seconds: number;
  requests: RequestCounts;
  provider: ReturnType<typeof summarize>;
  crm: ReturnType<typeof summarize>;
}

export interface RunResult {
  size: WorkloadSize;
  seedSeconds: number;
  initial: PhaseResult & { events: number };
  changes: PhaseResult & { changes: number; providerChanged: number; crmWrites: number };
  idlePoll: { seconds: number; requests: RequestCounts };
  minimum: Minimum;
  latency: {
    providerToCrm: { push: number[] | null; poll: number[] };
    crmToProvider: { push: number[]; poll: number[] };
  };
}

export interface RunOptions {
  db: Db;
  serverUrl: string;
  secretKey: Buffer;
  size: WorkloadSize;
  pollSeconds: number;
  /** How long a phase may take to reach the truth before it is reported unconverged. */
  phaseTimeoutMs: number;
  latencySamples: number;
  log: (line: string) => void;
}

export async function runProvider(driver: ProviderDriver, o: RunOptions): Promise<RunResult> {
  const { db, size, log } = o;
  const base = workloadBase();
  const truth = new Map<string, TruthEvent>();
  const deletedAtProvider = new Set<string>();
  const deletedInCrm = new Set<string>();
  const sequence = new Map<string, number>();

  const seeded = providerSeed(size, base, driver.key);
  const t0 = Date.now();
  await driver.seed(seeded);
  const seedSeconds = (Date.now() - t0) / 1000;
  for (const e of seeded) truth.set(e.uid, e);
  log(`${driver.label}: seeded ${seeded.length} events in ${seedSeconds.toFixed(1)} s`);

  const user = await createUser(db, {
    email: driver.account,
    name: "Bench owner",
    role: "member",
    locale: "en",
    aliases: [],
  });
  const { token } = await createApiToken(db, user.id, { name: "bench", scopes: ["crm"] });
  const api = crmApi(o.serverUrl, token);
  const crmIds: string[] = [];
  for (const e of crmSeed(size, base)) {
    const id = await api.create(e.title, e.startAt);
    crmIds.push(id);
    truth.set(`${id}@concilia`, single(`${id}@concilia`, e.title, Date.parse(e.startAt)));
  }

  const expectedProvider = (): Expected => {
    const events = new Map<string, TruthEvent>();
    for (const [uid, e] of truth)
      if (!deletedAtProvider.has(uid) && !deletedInCrm.has(uid)) events.set(uid, e);
    return { events, absentOrCancelled: new Set(deletedInCrm) };
  };
  const expectedCrm = (): Expected => {
    const events = new Map<string, TruthEvent>();
    for (const [uid, e] of truth)
      events.set(
        uid,
        deletedAtProvider.has(uid) || deletedInCrm.has(uid) ? { ...e, status: "cancelled" } : e,
      );
    return { events, absentOrCancelled: new Set() };
  };
  const shape = driver.normalize ?? ((e: TruthEvent) => e);
  const shaped = (x: Expected): Expected => ({
    events: new Map([...x.events].map(([uid, e]) => [uid, shape(e)])),
    absentOrCancelled: x.absentOrCancelled,
  });
  const fromProvider = driver.fromProviderUid ?? ((uid: string) => uid);
  const audit = async () => {
    const provider = compareSide(shaped(expectedProvider()), (await driver.readAll()).map(shape));
    const crm = compareSide(
      shaped(expectedCrm()),
      (await readCrm(db, user.id)).map((e) => shape({ ...e, uid: fromProvider(e.uid) })),
    );
    return { provider, crm };
  };
  /** Waits until both sides equal the truth (or the timeout); the time is that of the first clean audit. */
  const converge = async (since: number, label: string): Promise<PhaseResult> => {
    let last: { provider: Difference[]; crm: Difference[] } = { provider: [], crm: [] };
    const deadline = since + o.phaseTimeoutMs;
    for (;;) {
      last = await audit();
      const at = Date.now();
      const open = last.provider.length + last.crm.length;
      if (open === 0 || at > deadline) {
        const requests = driver.requests.snapshot();
        log(
          `${driver.label}: ${label} ${open === 0 ? "converged" : "NOT converged"} after ${((at - since) / 1000).toFixed(1)} s, ${requests.total} requests, ${last.provider.length} provider / ${last.crm.length} CRM differences`,
        );
        return {
          converged: open === 0,
          seconds: (at - since) / 1000,
          requests,
          provider: summarize(last.provider),
          crm: summarize(last.crm),
        };
      }
      await sleep(2000);
    }
  };

  // First sync.
  driver.requests.reset();
  const t1 = Date.now();
  await driver.connect(db, user.id, o.secretKey);
  const initial = await converge(t1, "first sync");

  // K changes on each side, as fast as they can be made.
  const pChanges = providerChanges(size, seeded, base, driver.key);
  const cChanges = crmChanges(size, base);
  driver.requests.reset();
  const t2 = Date.now();
  const providerSide = (async () => {
    for (const c of pChanges) {
      const uid = c.kind === "create" ? c.after.uid : c.before.uid;
      const seq = (sequence.get(uid) ?? 0) + 1;
      sequence.set(uid, seq);
      await driver.apply(c, seq);
      if (c.kind === "delete") deletedAtProvider.add(uid);
      else truth.set(uid, c.after);
    }
  })();
  const crmSide = (async () => {
    for (const c of cChanges) {
      if (c.kind === "create") {
        const id = await api.create(c.title, c.startAt);
        truth.set(`${id}@concilia`, single(`${id}@concilia`, c.title, Date.parse(c.startAt)));
        continue;
      }
      const id = crmIds[c.index];
      const uid = `${id}@concilia`;
      const before = truth.get(uid)!;
      if (c.kind === "retitle") {
        await api.patch(id, { title: c.title });
        truth.set(uid, { ...before, title: c.title });
      } else if (c.kind === "move") {
        const s = Date.parse(before.startAt) + c.minutes * 60_000;
        const after = single(uid, before.title, s);
        await api.patch(id, { startAt: after.startAt, endAt: after.endAt });
        truth.set(uid, after);
      } else {
        await api.remove(id);
        deletedInCrm.add(uid);
      }
    }
  })();
  await Promise.all([providerSide, crmSide]);
  log(
    `${driver.label}: ${pChanges.length} provider and ${cChanges.length} CRM changes made in ${((Date.now() - t2) / 1000).toFixed(1)} s`,
  );
  const changed = await converge(t2, "changes");

  // What an idle connection costs: two polling intervals with nothing to do.
  driver.requests.reset();
  const idleMs = 2 * o.pollSeconds * 1000;
  await sleep(idleMs);
  const idlePoll = { seconds: idleMs / 1000, requests: driver.requests.snapshot() };

  const minimum = driver.minimum({
    initialObjects: seeded.length,
    crmCreates: crmIds.length,
    providerChanged: pChanges.length,
    crmWrites: cChanges.length,
  });

  // Latency: a provider edit until the CRM shows it; a CRM edit until the provider holds it.
  const singlesLeft = [...truth.values()].filter(
    (e) => e.uid.endsWith(`@${uidDomain(driver.key)}`) && !e.rule && !deletedAtProvider.has(e.uid),
  );
  const crmLeft = crmIds.filter((id) => !deletedInCrm.has(`${id}@concilia`));
  const timeoutMs = (2 * o.pollSeconds + 15) * 1000;
  const toProvider = driver.toProviderUid ?? ((uid: string) => uid);
  const providerToCrm = async (n: number) => {
    const e = singlesLeft[n % singlesLeft.length];
    const after = { ...e, title: `Latency probe ${n} at the provider` };
    const seq = (sequence.get(e.uid) ?? 0) + 1;
    sequence.set(e.uid, seq);
    const at = Date.now();
    await driver.apply({ kind: "retitle", before: e, after }, seq);
    truth.set(e.uid, after);
    while (Date.now() - at < timeoutMs) {
      if ((await crmTitleOf(db, user.id, toProvider(e.uid))) === after.title) return Date.now() - at;
      await sleep(50);
    }
    return Number.POSITIVE_INFINITY;
  };
  /**
   * Through the API (which queues a sync step at once: the CRM's "push"), or written as the API writes
   * it (the row and its calendar-outbox entry, in one transaction) but without queuing that step, as if
   * the trigger were lost, so that only the connection's next poll carries it.
   */
  const crmToProvider = (viaApi: boolean) => async (n: number) => {
    const id = crmLeft[n % crmLeft.length];
    const uid = `${id}@concilia`;
    const title = `Latency probe ${n} in the CRM`;
    const at = Date.now();
    if (viaApi) await api.patch(id, { title });
    else
      await db.transaction(async (tx) => {
        await tx.update(events).set({ title, updatedAt: new Date() }).where(eq(events.id, id));
        await enqueueCalendarChange(tx, user.id, { kind: "event", id });
      });
    truth.set(uid, { ...truth.get(uid)!, title });
    while (Date.now() - at < timeoutMs) {
      if ((await driver.titleOf(uid)) === title) return Date.now() - at;
      await sleep(100);
    }
    return Number.POSITIVE_INFINITY;
  };
  const sample = async (f: (n: number) => Promise<number>, offset: number, what: string) => {
    const out: number[] = [];
    for (let i = 0; i < o.latencySamples; i++) {
      out.push(await f(offset + i));
      log(`${driver.label}: latency ${what} #${i + 1}: ${out[i]} ms`);
      // Spread the edits over the polling cycle rather than right after each poll.
      await sleep(Math.round(Math.random() * o.pollSeconds * 1000));
    }
    return out;
  };
  const pushOn = driver.push === "available";
  const latency = {
    providerToCrm: {
      push: pushOn ? await sample(providerToCrm, 0, "provider→CRM (push)") : null,
      poll: [] as number[],
    },
    crmToProvider: {
      push: await sample(crmToProvider(true), 300, "CRM→provider (API)"),
      poll: [] as number[],
    },
  };
  driver.dropPushes();
  latency.providerToCrm.poll = await sample(providerToCrm, 100, "provider→CRM (polling)");
  latency.crmToProvider.poll = await sample(
    crmToProvider(false),
    200,
    "CRM→provider (trigger lost, polling)",
  );
  log(
    `${driver.label}: latency provider→CRM ${latency.providerToCrm.poll.join(", ")} ms; CRM→provider ${latency.crmToProvider.push.join(", ")} ms through the API, ${latency.crmToProvider.poll.join(", ")} ms past it (polling)`,
  );

  return {
    size,
    seedSeconds,
    initial: { ...initial, events: seeded.length + crmIds.length },
    changes: {
      ...changed,
      changes: pChanges.length + cChanges.length,
      providerChanged: pChanges.length,
      crmWrites: cChanges.length,
    },
    idlePoll,
    minimum,
    latency,
  };
}
