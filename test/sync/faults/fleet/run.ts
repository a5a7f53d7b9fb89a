// The fleet run (issue 14): the API and N `concilia worker` processes on PostgreSQL sync many
// connections of every kind (kinds.ts) against the emulators served over HTTP, the real Dovecot and
// Radicale, while provider faults are injected (chaos.ts), workers are killed with SIGKILL and started
// again, and every PostgreSQL session is ended once (crashes.ts); optionally the sidebars' context
// endpoint is driven at a fixed rate meanwhile. Then the faults stop, the fleet settles, and each
// connection is audited against its provider's ground truth. `npm run bench -- faults` runs it at scale
// and writes the report; test/sync/faults/fleet.test.ts runs a small one.
import { inArray } from "drizzle-orm";
import pg from "pg";
import { contextPath, contextRequests } from "../../../../bench/_context-requests.js";
import { seedContextDataset } from "../../../../bench/_context-seed.js";
import type { FixedRateResult } from "../../../../bench/_fixed-rate.js";
import { fixedRateProcess } from "../../../../bench/_fixed-rate-process.js";
import { migrate, openDatabase } from "../../../../server/db/index.js";
import { syncStates } from "../../../../server/db/schema.js";
import { Chaos, type FaultCount, type FaultName } from "./chaos.js";
import { heldBy, type Resumption, resumeTimes, terminateBackends, until } from "./crashes.js";
import { type Audit, type ConnectionKind, cleanAudit, fleetKinds, seedConnections } from "./kinds.js";
import { kill, type Proc, spawnConcilia, stop, waitForHealth } from "./processes.js";
import { stageFleet } from "./stage.js";
import { type QueueSamples, sampleQueue, stepsBetween } from "./throughput.js";

export interface FleetOptions {
  databaseUrl: string;
  /** A free port for the API. */
  apiPort: number;
  connections: number;
  workers: number;
  /** Items each connection starts with at its provider. */
  items: number;
  /** How long faults, changes and crashes go on. */
  runSeconds: number;
  kills: number;
  terminations: number;
  /** Faults injected per second, over the emulated connections. */
  faultsPerSecond: number;
  /** Changes (new mail, new events) per second, over all connections. */
  changesPerSecond: number;
  /** The polling fallback (CONCILIA_SYNC_POLL_SECONDS); default 5. */
  pollSeconds?: number;
  /** How long the fleet may take to settle once the faults stop. */
  settleSeconds: number;
  /** Kinds to sync (default: every kind of kinds.ts, round robin). */
  kinds?: ConnectionKind[];
  context?: { rate: number; persons: number };
  /** The workers' CONCILIA_WORKER_NICE (default: the configuration's, 10). */
  workerNice?: number;
  say?: (line: string) => void;
}

export interface KillRecord {
  atSecond: number;
  worker: string;
  /** Connections whose step the killed worker was running. */
  held: number;
  /** Slowest of those to run a step again, in ms (null: it held none, or one never ran again within 90 s). */
  resumeMs: number | null;
  /** Slowest of those to make progress again (a cursor saved, or up to date), in ms; null as above. */
  progressMs: number | null;
  /** Each of those connections: its kind, its state at the kill, its times (and its trace, with FLEET_TRACE). */
  connections: (Resumption & { kind: string })[];
}

export interface FleetResult {
  options: Omit<FleetOptions, "say" | "kinds" | "databaseUrl">;
  kinds: Record<string, number>;
  faults: Record<FaultName, FaultCount>;
  kills: KillRecord[];
  terminations: {
    atSecond: number;
    sessions: number;
    apiRecoveredMs: number | null;
    workersRecoveredMs: number | null;
    processesAlive: boolean;
  }[];
  firstSync: { items: number; seconds: number | null };
  /** Sync steps the workers ran while the faults went on, and the due steps that waited meanwhile. */
  faultPhase: { steps: number; seconds: number; queue: QueueSamples };
  settleSeconds: number | null;
  audits: { kind: string; connectionId: string; audit: Audit }[];
  totals: { expected: number; missing: number; doubled: number; extra: number };
  clean: boolean;
  /** Connections not up to date at the end, or with a step marked running for over a minute. */
  stuck: { connectionId: string; status: string; stepRunning: boolean; lastError: string | null }[];
  changes: number;
  context: FixedRateResult | null;
  processes: { name: string; alive: boolean; tail: string }[];
  wallSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFleet(o: FleetOptions): Promise<FleetResult> {
  const say = o.say ?? (() => {});
  const started = Date.now();
  const kinds = o.kinds ?? fleetKinds;
  const apiUrl = `http://127.0.0.1:${o.apiPort}`;

  const contextData = o.context
    ? await seedContextDataset(o.databaseUrl, {
        persons: o.context.persons,
        companies: Math.round(o.context.persons / 10),
      })
    : null;
  const database = await openDatabase({ url: o.databaseUrl });
  await migrate(database);
  // A pool: the kill follow-ups, the traces and the probes query at once without queueing behind each other.
  const admin = new pg.Pool({ connectionString: o.databaseUrl, application_name: "fleet-run", max: 8 });
  admin.on("error", () => {});
  const { emulators, env, w } = await stageFleet({
    name: "concilia-fleet",
    databaseUrl: o.databaseUrl,
    db: database.db,
    apiPort: o.apiPort,
    publicUrl: "https://concilia-fleet.test",
    pollSeconds: o.pollSeconds ?? 5,
  });

  const procs: Proc[] = [];
  const api = spawnConcilia("fleet-api", ["serve", "--no-demo"], { ...env, CONCILIA_WORKER: "off" });
  procs.push(api);
  const workers: Proc[] = [];
  const startWorker = (i: number) => {
    const nice: Record<string, string> =
      o.workerNice === undefined ? {} : { CONCILIA_WORKER_NICE: String(o.workerNice) };
    const p = spawnConcilia(`fleet-worker-${i}`, ["worker"], { ...env, ...nice });
    workers[i] = p;
    procs.push(p);
    return p;
  };
  const timers: NodeJS.Timeout[] = [];
  try {
    await waitForHealth(apiUrl, api);
    for (let i = 0; i < o.workers; i++) startWorker(i);
    say(`API and ${o.workers} workers started; seeding ${o.connections} connections`);

    const fleet = await seedConnections(w, kinds, o.connections, o.items);
    await Promise.all(workers.map((p) => p.ready));
    say(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const seededItems = fleet.reduce((s, f) => s + f.c.seeded, 0);
    const ids = fleet.map((f) => f.c.connectionId);

    // First sync of every connection, before the faults: what the workers handle, for sizing.
    const firstSyncMs = await until(async () => {
      const rows = await w.db
        .select({ last: syncStates.lastSyncedAt })
        .from(syncStates)
        .where(inArray(syncStates.connectionId, ids));
      return rows.length === ids.length && rows.every((r) => r.last !== null);
    }, o.settleSeconds * 1000);
    say(
      `first sync of ${seededItems} items in ${firstSyncMs === null ? "(not finished)" : `${firstSyncMs / 1000} s`}`,
    );
    const t0 = Date.now();
    const at = () => Math.round((Date.now() - t0) / 100) / 10;

    say(`faults, changes and crashes for ${o.runSeconds} s`);
    const faultsFrom = new Date();
    const queue = sampleQueue(admin);
    const chaos = new Chaos(
      w,
      fleet.filter((f) => f.kind.emulator),
    );
    if (o.faultsPerSecond > 0 && fleet.some((f) => f.kind.emulator))
      timers.push(setInterval(() => void chaos.injectOne().catch(() => {}), 1000 / o.faultsPerSecond));
    timers.push(setInterval(() => void chaos.flushPushes().catch(() => {}), 3000));

    // Changes at the providers and in the CRM.
    let changes = 0;
    if (o.changesPerSecond > 0)
      timers.push(
        setInterval(() => {
          const f = fleet[Math.floor(Math.random() * fleet.length)];
          f.kind.change(w, f.c).then(
            () => void changes++,
            (err) => say(`a change failed: ${err}${err?.cause ? ` (${err.cause})` : ""}`),
          );
        }, 1000 / o.changesPerSecond),
      );

    // Crashes at random moments, at least 3 s apart.
    const runMs = o.runSeconds * 1000;
    const moments = (count: number, from: number, to: number) =>
      Array.from({ length: count }, (_, i) => from + ((to - from) * (i + 0.2 + Math.random() * 0.6)) / count);
    const killAt = moments(o.kills, runMs * 0.05, runMs * 0.95);
    const terminateAt = moments(o.terminations, runMs * 0.3, runMs * 0.7);
    const kills: KillRecord[] = [];
    const terminations: FleetResult["terminations"] = [];
    const crashes = (async () => {
      const events = [
        ...killAt.map((ms) => ({ ms, what: "kill" as const })),
        ...terminateAt.map((ms) => ({ ms, what: "terminate" as const })),
      ].sort((a, b) => a.ms - b.ms);
      const followUps: Promise<void>[] = [];
      for (const e of events) {
        await sleep(Math.max(0, t0 + e.ms - Date.now()));
        if (e.what === "kill") {
          // A worker that is running steps, if one is within a few seconds.
          let held: string[][] = [];
          let busy: number[] = [];
          for (let tries = 0; tries < 30 && busy.length === 0; tries++) {
            if (tries) await sleep(100);
            held = await Promise.all(workers.map((p) => heldBy(admin, p.name).catch(() => [])));
            busy = workers.map((_, i) => i).filter((i) => held[i].length > 0);
          }
          const i = busy.length
            ? busy[Math.floor(Math.random() * busy.length)]
            : Math.floor(Math.random() * workers.length);
          const victim = workers[i];
          const when = new Date();
          await kill(victim);
          const record: KillRecord = {
            atSecond: at(),
            worker: victim.name,
            held: held[i].length,
            resumeMs: null,
            progressMs: null,
            connections: [],
          };
          kills.push(record);
          say(`killed ${victim.name} at ${record.atSecond} s, running ${held[i].length} connections' steps`);
          startWorker(i);
          followUps.push(
            resumeTimes(admin, held[i], when).then((resumed) => {
              const slowest = (ms: (number | null)[]) =>
                ms.length === 0 || ms.some((v) => v === null) ? null : Math.max(...(ms as number[]));
              record.resumeMs = slowest(resumed.map((r) => r.runningMs));
              record.progressMs = slowest(resumed.map((r) => r.progressMs));
              record.connections = resumed.map((r) => ({
                ...r,
                kind: fleet.find((f) => f.c.connectionId === r.connectionId)?.kind.name ?? "?",
              }));
            }),
          );
        } else {
          // Every worker up (one killed before has started again): the sessions ended are a running fleet's.
          await Promise.all(workers.map((p) => p.ready));
          const present = [api, ...workers];
          const when = new Date();
          const sessions = await terminateBackends(admin);
          const record = {
            atSecond: at(),
            sessions,
            apiRecoveredMs: null as number | null,
            workersRecoveredMs: null as number | null,
            processesAlive: false,
          };
          terminations.push(record);
          say(`ended ${sessions} PostgreSQL sessions at ${record.atSecond} s`);
          const probe = fleet[0].c;
          followUps.push(
            (async () => {
              [record.apiRecoveredMs, record.workersRecoveredMs] = await Promise.all([
                until(
                  async () => (await w.api(probe.token, "GET", "/api/v1/persons?limit=1")).status === 200,
                ),
                until(async () => {
                  const { rows } = await admin.query(
                    "select count(*)::int as n from pgboss.job where name = 'sync.step' and completed_on > $1",
                    [when],
                  );
                  return rows[0].n > 0;
                }),
              ]);
              // Those the run killed on purpose meanwhile do not count as dead.
              record.processesAlive = present.every((p) => p.alive() || p.killed);
            })(),
          );
        }
      }
      await Promise.all(followUps);
    })();

    // The load generator runs in a process of its own: this one serves the emulators to the workers,
    // and its busy moments must not count as the API's latency.
    const generator = contextData ? fixedRateProcess() : null;
    const contextRun =
      contextData && generator
        ? generator
            .run({
              url: apiUrl,
              rate: o.context!.rate,
              seconds: o.runSeconds,
              headers: { authorization: `Bearer ${contextData.token}` },
              paths: contextRequests(contextData, 20_000).map(contextPath),
            })
            .finally(() => generator.close())
        : Promise.resolve(null);

    await sleep(runMs);
    for (const t of timers) clearInterval(t);
    const faultsTo = new Date();
    const faultPhase = {
      steps: await stepsBetween(admin, faultsFrom, faultsTo),
      seconds: (faultsTo.getTime() - faultsFrom.getTime()) / 1000,
      queue: await queue.stop(),
    };
    say(`faults stop at ${at()} s; settling`);
    await chaos.settle();
    const context = await contextRun;
    await crashes;

    // Settle: every connection up to date and every audit clean, or the deadline.
    const auditAll = async () =>
      Promise.all(
        fleet.map(async (f) => ({
          kind: f.kind.name,
          connectionId: f.c.connectionId,
          audit: await f.kind.audit(w, f.c),
        })),
      );
    const settleStart = Date.now();
    let settled: number | null = null;
    let audits = await auditAll();
    while (Date.now() - settleStart < o.settleSeconds * 1000) {
      const states = await w.db.select().from(syncStates).where(inArray(syncStates.connectionId, ids));
      const resting = states.every((s) => s.status === "up_to_date" && s.stepStartedAt === null);
      audits = await auditAll();
      if (resting && audits.every((a) => cleanAudit(a.audit))) {
        settled = (Date.now() - settleStart) / 1000;
        break;
      }
      await sleep(1000);
    }
    const states = await w.db.select().from(syncStates).where(inArray(syncStates.connectionId, ids));
    const totals = audits.reduce(
      (t, a) => ({
        expected: t.expected + a.audit.expected,
        missing: t.missing + a.audit.missing,
        doubled: t.doubled + a.audit.doubled,
        extra: t.extra + a.audit.extra,
      }),
      { expected: 0, missing: 0, doubled: 0, extra: 0 },
    );
    const { say: _s, kinds: _k, databaseUrl: _d, ...options } = o;
    return {
      options,
      kinds: Object.fromEntries(kinds.map((k) => [k.name, fleet.filter((f) => f.kind === k).length])),
      faults: chaos.counts,
      kills,
      terminations,
      firstSync: { items: seededItems, seconds: firstSyncMs === null ? null : firstSyncMs / 1000 },
      faultPhase,
      settleSeconds: settled,
      audits,
      totals,
      clean: audits.every((a) => cleanAudit(a.audit)),
      // A step may be running at this moment (a poll): stuck is one running for over a minute.
      stuck: states
        .filter(
          (s) =>
            s.status !== "up_to_date" ||
            (s.stepStartedAt !== null && Date.now() - s.stepStartedAt.getTime() > 60_000),
        )
        .map((s) => ({
          connectionId: s.connectionId,
          status: s.status,
          stepRunning: s.stepStartedAt !== null,
          lastError: s.lastErrorReason,
        })),
      changes,
      context,
      processes: [api, ...workers].map((p) => ({
        name: p.name,
        alive: p.alive(),
        tail: p.tail().slice(-1500),
      })),
      wallSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const t of timers) clearInterval(t);
    await Promise.all(procs.map((p) => stop(p)));
    await admin.end().catch(() => {});
    await database.close();
    await emulators.close();
  }
}
