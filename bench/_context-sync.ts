// The context endpoint under sync load (issue 14, item 3). One PostgreSQL, the API (`concilia serve`,
// CONCILIA_WORKER=off) up throughout, N `concilia worker` processes syncing the fleet's connections (every
// kind: Gmail and Graph in the emulators, IMAP on Dovecot, CalDAV on Radicale) while changes keep arriving,
// and GET /api/v1/context at a fixed rate. The run alternates short windows with the sync running and with
// the sync paused (every worker stopped with SIGSTOP, so it uses no CPU and sends nothing to PostgreSQL),
// in the order floor, sync, sync, floor, floor, sync… : on a machine shared with other people's work, the
// two kinds of window then see the same machine on average, and the ratio of their p99s is what the sync
// costs the sidebars. The load generator runs in a process of its own (the emulators serving the workers
// live in this one), and each window records the load average and where the machine's CPU went (the API,
// the workers, PostgreSQL, the generator, this process, everything else on the machine).
import pg from "pg";
import { openDatabase } from "../server/db/index.js";
import { type ConnectionKind, fleetKinds, seedConnections } from "../test/sync/faults/fleet/kinds.js";
import { type Proc, spawnConcilia, stop, waitForHealth } from "../test/sync/faults/fleet/processes.js";
import { stageFleet } from "../test/sync/faults/fleet/stage.js";
import { contextPath, contextRequests } from "./_context-requests.js";
import { seedContextDataset } from "./_context-seed.js";
import type { FixedRateChildResult } from "./_fixed-rate-child.js";
import { fixedRateProcess } from "./_fixed-rate-process.js";
import { type MachineSplit, machineMeter } from "./_machine.js";
import { type DatabaseCost, enableStatements, statementsMeter, sumCosts } from "./_pg-statements.js";
import { services } from "./_services.js";

export interface UnderSyncOptions {
  databaseUrl: string;
  persons: number;
  rate: number;
  /** Length of one window, and how many windows of each kind. */
  seconds: number;
  windows: number;
  workers: number;
  connections: number;
  items: number;
  changesPerSecond: number;
  /** The workers' CONCILIA_WORKER_NICE; unset: the default. */
  workerNice?: number;
  /** Rank PostgreSQL's statements per phase (the cluster must preload pg_stat_statements). */
  statements?: boolean;
  say: (line: string) => void;
}

export interface Phase {
  name: string;
  /** The windows merged into this phase. */
  windows: number;
  context: FixedRateChildResult;
  machine: MachineSplit;
  /** The API process's event-loop delay over the phase (prom-client's monitor, 10 ms resolution). */
  apiLoop: { p99Ms: number; maxMs: number };
  /** The API's own time for the context requests (its request histogram): how many took over 100 ms. */
  apiRequests: { total: number; over100ms: number };
  /** Items synced into the CRM (emails logged, calendar objects linked) and sync steps completed. */
  items: number;
  steps: number;
  /** Samples (every 200 ms) of the API's active database sessions by what they wait on; `samples` is the count. */
  apiSessions: Record<string, number>;
  /** The API's requests other than the context's, by route. */
  otherRequests: Record<string, number>;
  /** With `statements`: samples of the workers' active sessions, by wait event and statement. */
  workerSessions?: Record<string, number>;
  /** What PostgreSQL ran in the phase, when `statements` is on. */
  database?: DatabaseCost;
}

/** One window of each kind, next to each other in time: their p99s and the load average around them. */
export interface Pair {
  floorP99: number;
  syncP99: number;
  load: number;
}

export interface UnderSyncResult {
  options: Omit<UnderSyncOptions, "say" | "databaseUrl">;
  kinds: Record<string, number>;
  seededItems: number;
  phases: Phase[];
  pairs: Pair[];
}

/** One line for the console. */
function describe(name: string, p: Phase): string {
  const c = p.context;
  const cpu = Object.entries(p.machine.cpu).map(([k, v]) => `${k} ${v.toFixed(1)}`);
  return `${name}: p50 ${c.p50} ms, p99 ${c.p99} ms, max ${c.max} ms (${c.ok}/${c.sent} 2xx, ${c.non2xx} non-2xx, ${c.errors} errors, ${c.timeouts} timeouts); API time > 100 ms ${p.apiRequests.over100ms}/${p.apiRequests.total}; API loop p99 ${p.apiLoop.p99Ms} ms; load ${p.machine.load.map((l) => l.toFixed(1)).join(" → ")}; items ${p.items}, steps ${p.steps}; API sessions ${JSON.stringify(p.apiSessions)}; other API requests ${JSON.stringify(p.otherRequests)}; cpu s: ${cpu.join(", ")}, other ${p.machine.other.toFixed(1)}`;
}

/** The windows of one kind as one phase: their latencies merged, their counts and CPU summed. */
function merge(name: string, windows: Phase[]): Phase {
  const latencies = windows.flatMap((p) => p.context.latencies ?? []).sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? Number.NaN) * 10) / 10;
  const sum = <K extends string>(get: (p: Phase) => Record<K, number>) => {
    const out = {} as Record<K, number>;
    for (const p of windows)
      for (const [k, v] of Object.entries(get(p)) as [K, number][]) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const total = (get: (p: Phase) => number) => windows.reduce((s, p) => s + get(p), 0);
  const c = sum((p) => {
    const { latencies: _l, ...rest } = p.context;
    return rest as unknown as Record<string, number>;
  });
  const loads = windows.flatMap((p) => p.machine.load);
  return {
    name,
    windows: windows.length,
    context: {
      ...(c as unknown as FixedRateChildResult),
      rate: windows[0].context.rate,
      achievedRate: Math.round(c.achievedRate / windows.length),
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: at(1),
    },
    machine: {
      seconds: total((p) => p.machine.seconds),
      load: [Math.min(...loads), Math.max(...loads)],
      cpu: sum((p) => p.machine.cpu),
      machine: total((p) => p.machine.machine),
      other: total((p) => p.machine.other),
    },
    apiLoop: {
      p99Ms: Math.max(...windows.map((p) => p.apiLoop.p99Ms)),
      maxMs: Math.max(...windows.map((p) => p.apiLoop.maxMs)),
    },
    apiRequests: sum((p) => p.apiRequests),
    items: total((p) => p.items),
    steps: total((p) => p.steps),
    apiSessions: sum((p) => p.apiSessions),
    otherRequests: sum((p) => p.otherRequests),
    workerSessions: sum((p) => p.workerSessions ?? {}),
    database: windows[0].database && sumCosts(windows.flatMap((p) => (p.database ? [p.database] : []))),
  };
}

const metric = (text: string, name: string, labels = "") =>
  [...text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, "gm"))]
    .filter((m) => (m[1] ?? "").includes(labels))
    .reduce((s, m) => s + Number(m[2]), 0);

export async function contextUnderSync(o: UnderSyncOptions): Promise<UnderSyncResult> {
  const { say } = o;
  const data = await seedContextDataset(o.databaseUrl, {
    persons: o.persons,
    companies: Math.round(o.persons / 10),
  });
  say(`context data set seeded: ${JSON.stringify(data.counts)}`);
  const paths = contextRequests(data, 20_000).map(contextPath);
  const headers = { authorization: `Bearer ${data.token}` };
  const database = await openDatabase({ url: o.databaseUrl });
  const admin = new pg.Client({ connectionString: o.databaseUrl, application_name: "context-under-sync" });
  await admin.connect();
  if (o.statements) await enableStatements(admin);
  const apiPort = await services.freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const { emulators, env, w, caldav } = await stageFleet({
    name: "concilia-bench",
    databaseUrl: o.databaseUrl,
    db: database.db,
    apiPort,
    pollSeconds: 15,
  });
  const api = spawnConcilia("bench-api", ["serve", "--no-demo"], { ...env, CONCILIA_WORKER: "off" });
  const workers: Proc[] = [];
  const generator = fixedRateProcess();
  const timers: NodeJS.Timeout[] = [];
  try {
    await waitForHealth(apiUrl, api);
    const kinds: ConnectionKind[] = fleetKinds.filter((k) => k.name !== "caldav" || caldav);
    const fleet = await seedConnections(w, kinds, o.connections, o.items);
    const seededItems = fleet.reduce((s, f) => s + f.c.seeded, 0);
    say(
      `${o.connections} connections seeded with ${seededItems} items at their providers; no worker runs yet`,
    );
    // Warm the API (its first context statements prepare their plans), not measured.
    await generator.run({ url: apiUrl, rate: o.rate, seconds: 3, headers, paths });

    const synced = async () => {
      const { rows } = await admin.query<{ n: number }>(
        "select (select count(*) from activities where type = 'email') + (select count(*) from event_links) as n",
      );
      return Number(rows[0].n);
    };
    const window = async (sync: boolean): Promise<Phase> => {
      for (const p of workers) p.child.kill(sync ? "SIGCONT" : "SIGSTOP");
      await fetch(`${apiUrl}/metrics`); // resets the event-loop histogram
      const apiBefore = await (await fetch(`${apiUrl}/metrics`)).text();
      const items0 = await synced();
      const started = new Date();
      const statements = o.statements ? await statementsMeter(admin) : undefined;
      const meter = await machineMeter(o.databaseUrl, {
        api: [api.child.pid as number],
        workers: workers.filter((p) => p.alive()).map((p) => p.child.pid as number),
      });
      const gen = generator.run({
        url: apiUrl,
        rate: o.rate,
        seconds: o.seconds,
        headers,
        paths,
        keepLatencies: true,
      });
      const waits: Record<string, number> = {};
      const workerSessions: Record<string, number> = {};
      const sampler = setInterval(async () => {
        // What the API's sessions are doing at the database: on the CPU, or waiting (and for what).
        const { rows } = await admin.query<{ what: string; n: number }>(
          `select coalesce(wait_event_type || ':' || wait_event, 'on CPU') as what, count(*)::int as n
             from pg_stat_activity where application_name = 'bench-api' and state = 'active' group by 1`,
        );
        waits.samples = (waits.samples ?? 0) + 1;
        for (const r of rows) waits[r.what] = (waits[r.what] ?? 0) + r.n;
        if (!o.statements) return;
        const workerRows = await admin.query<{ what: string; n: number }>(
          `select coalesce(wait_event_type || ':' || wait_event, 'on CPU') || ' ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as what,
                  count(*)::int as n
             from pg_stat_activity where application_name like 'bench-worker%' and state = 'active' group by 1`,
        );
        workerSessions.samples = (workerSessions.samples ?? 0) + 1;
        for (const r of workerRows.rows) workerSessions[r.what] = (workerSessions[r.what] ?? 0) + r.n;
      }, 200);
      const context = await gen;
      clearInterval(sampler);
      const machine = await meter.stop();
      const database = await statements?.stop();
      machine.cpu.generator = context.cpuSeconds;
      machine.other = Math.max(0, machine.other - context.cpuSeconds);
      const apiAfter = await (await fetch(`${apiUrl}/metrics`)).text();
      const route = 'route="/api/v1/context"';
      const count = (t: string) => metric(t, "concilia_http_request_duration_seconds_count", route);
      const under = (t: string) =>
        metric(t, "concilia_http_request_duration_seconds_bucket", `le="0.1",method="GET",${route}`);
      // The API's other requests in the window, by route (pushes, the changes made through the API).
      const routes = (t: string) =>
        new Map(
          [...t.matchAll(/^concilia_http_request_duration_seconds_count\{([^}]*)\} (\S+)$/gm)].map((m) => [
            m[1],
            Number(m[2]),
          ]),
        );
      const before = routes(apiBefore);
      const otherRequests: Record<string, number> = {};
      for (const [k, v] of routes(apiAfter))
        if (!k.includes("/api/v1/context") && v - (before.get(k) ?? 0) > 0)
          otherRequests[k.replace(/.*route="([^"]*)".*/, "$1")] =
            (otherRequests[k.replace(/.*route="([^"]*)".*/, "$1")] ?? 0) + v - (before.get(k) ?? 0);
      const { rows } = await admin.query<{ n: number }>(
        "select count(*)::int as n from pgboss.job where name = 'sync.step' and completed_on >= $1",
        [started],
      );
      return {
        name: sync ? "under sync" : "floor (sync paused)",
        windows: 1,
        context,
        machine,
        apiLoop: {
          p99Ms: Math.round(metric(apiAfter, "nodejs_eventloop_lag_p99_seconds") * 10000) / 10,
          maxMs: Math.round(metric(apiAfter, "nodejs_eventloop_lag_max_seconds") * 10000) / 10,
        },
        apiRequests: {
          total: count(apiAfter) - count(apiBefore),
          over100ms: count(apiAfter) - count(apiBefore) - (under(apiAfter) - under(apiBefore)),
        },
        items: (await synced()) - items0,
        steps: rows[0].n,
        apiSessions: waits,
        otherRequests,
        workerSessions,
        database,
      };
    };

    // The workers start (their start-up is not measured) and are paused at once.
    for (let i = 0; i < o.workers; i++)
      workers.push(spawnConcilia(`bench-worker-${i}`, ["worker"], { ...env, CONCILIA_IMAP_IDLE: "on" }));
    await Promise.all(workers.map((p) => p.ready));
    for (const p of workers) p.child.kill("SIGSTOP");
    if (o.changesPerSecond > 0)
      timers.push(
        setInterval(() => {
          const f = fleet[Math.floor(Math.random() * fleet.length)];
          f.kind.change(w, f.c).catch(() => {});
        }, 1000 / o.changesPerSecond),
      );
    const floors: Phase[] = [];
    const loads: Phase[] = [];
    const pairs: Pair[] = [];
    for (let i = 0; i < o.windows; i++) {
      for (const sync of i % 2 === 0 ? [false, true] : [true, false]) {
        const p = await window(sync);
        (sync ? loads : floors).push(p);
        say(describe(`window ${i + 1}, ${p.name}`, p));
      }
      pairs.push({
        floorP99: floors[i].context.p99,
        syncP99: loads[i].context.p99,
        load: (floors[i].machine.load[0] + loads[i].machine.load[1]) / 2,
      });
    }
    for (const p of workers) p.child.kill("SIGCONT");
    for (const t of timers.splice(0)) clearInterval(t);
    const phases = [merge("floor (sync paused)", floors), merge("under sync", loads)];
    for (const p of phases) say(describe(p.name, p));
    const { say: _s, databaseUrl: _d, ...options } = o;
    return {
      options,
      kinds: Object.fromEntries(kinds.map((k) => [k.name, fleet.filter((f) => f.kind === k).length])),
      seededItems,
      phases,
      pairs,
    };
  } finally {
    for (const p of workers) p.child.kill("SIGCONT"); // a stopped process would not hear SIGTERM
    generator.close();
    for (const t of timers) clearInterval(t);
    await Promise.all([api, ...workers].map((p) => stop(p)));
    await admin.end().catch(() => {});
    await database.close();
    await emulators.close();
  }
}
