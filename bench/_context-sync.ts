// The context endpoint under sync load (issue 14, item 3), in three phases of one run on one
// PostgreSQL, the API (`concilia serve`, CONCILIA_WORKER=off) up throughout:
//   A. floor: no worker runs, so no sync: GET /api/v1/context at a fixed rate;
//   B. under sync: N `concilia worker` processes start the first sync of the fleet's connections (every
//      kind: Gmail and Graph in the emulators, IMAP on Dovecot, CalDAV on Radicale) while changes keep
//      arriving; the same rate;
//   C. floor again, the workers stopped.
// The load generator runs in a process of its own (the emulators serving the workers live in this one),
// and each phase records the load average and where the machine's CPU went (the API, the workers,
// PostgreSQL, the generator, this process, and everything else on the machine), so that the ratio of
// B to the floors says what the sync costs the sidebars, apart from what the shared machine did.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { serveEmulators } from "../emulators/serve.js";
import { openDatabase } from "../server/db/index.js";
import { secretBox } from "../server/secrets/box.js";
import { fleetEnv } from "../test/sync/faults/fleet/env.js";
import {
  type ConnectionKind,
  type FleetConnection,
  type FleetWorld,
  fleetKinds,
} from "../test/sync/faults/fleet/kinds.js";
import { type Proc, spawnConcilia, stop, waitForHealth } from "../test/sync/faults/fleet/processes.js";
import { contextPath, contextRequests } from "./_context-requests.js";
import { seedContextDataset } from "./_context-seed.js";
import type { FixedRateChildResult } from "./_fixed-rate-child.js";
import { fixedRateInProcess } from "./_fixed-rate-process.js";
import { type MachineSplit, machineMeter } from "./_machine.js";
import { services } from "./_services.js";

export interface UnderSyncOptions {
  databaseUrl: string;
  persons: number;
  rate: number;
  seconds: number;
  workers: number;
  connections: number;
  items: number;
  changesPerSecond: number;
  say: (line: string) => void;
}

export interface Phase {
  name: string;
  context: FixedRateChildResult;
  machine: MachineSplit;
  /** The API process's event-loop delay over the phase (prom-client's monitor, 10 ms resolution). */
  apiLoop: { p99Ms: number; maxMs: number };
  /** The API's own time for the context requests (its request histogram): share over 100 ms, in %. */
  apiOver100ms: number;
  /** Items the workers' sync steps handled (concilia_sync_items_total), and steps running, sampled each second. */
  items: number;
  stepsRunning: { mean: number; min: number; max: number };
}

export interface UnderSyncResult {
  options: Omit<UnderSyncOptions, "say" | "databaseUrl">;
  kinds: Record<string, number>;
  seededItems: number;
  phases: Phase[];
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
  const emulators = await serveEmulators({
    googlePort: 0,
    microsoftPort: 0,
    google: { pushMinIntervalMs: 0 },
  });
  const secretKey = randomBytes(32);
  const apiPort = await services.freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const topic = "projects/concilia-bench/topics/gmail";
  const pushToken = randomBytes(24).toString("hex");
  emulators.google.push.registerTopic(topic, `${apiUrl}/push/google?token=${pushToken}`);
  const caldav = process.env.TEST_CALDAV ?? "";
  const env = fleetEnv({
    databaseUrl: o.databaseUrl,
    apiPort,
    secretKey,
    googleUrl: emulators.googleUrl,
    microsoftUrl: emulators.microsoftUrl,
    topic,
    pushToken,
    caldav,
    pollSeconds: 15,
  });
  let n = 0;
  const w: FleetWorld = {
    db: database.db,
    secrets: secretBox(secretKey),
    apiUrl,
    emulators,
    imap: process.env.TEST_IMAP,
    caldav,
    serial: () => ++n,
    async api(token, method, path, body) {
      const r = await fetch(apiUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    },
  };
  const api = spawnConcilia("bench-api", ["serve", "--no-demo"], { ...env, CONCILIA_WORKER: "off" });
  const workers: (Proc & { metricsUrl: string })[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    await waitForHealth(apiUrl, api);
    const kinds: ConnectionKind[] = fleetKinds.filter((k) => k.name !== "caldav" || caldav);
    const plan = Array.from({ length: o.connections }, (_, i) => kinds[i % kinds.length]);
    const fleet: { c: FleetConnection; kind: ConnectionKind }[] = [];
    for (let i = 0; i < plan.length; i += 8)
      fleet.push(
        ...(await Promise.all(
          plan.slice(i, i + 8).map(async (kind) => ({ c: await kind.seed(w, o.items), kind })),
        )),
      );
    const seededItems = fleet.reduce((s, f) => s + f.c.seeded, 0);
    say(
      `${o.connections} connections seeded with ${seededItems} items at their providers; no worker runs yet`,
    );
    // Warm the API (its first context statements prepare their plans), not measured.
    await fixedRateInProcess({ url: apiUrl, rate: o.rate, seconds: 3, headers, paths }).result;

    const phase = async (name: string): Promise<Phase> => {
      await fetch(`${apiUrl}/metrics`); // resets the event-loop histogram
      const apiBefore = await (await fetch(`${apiUrl}/metrics`)).text();
      const itemsOf = async () => {
        let sum = 0;
        for (const p of workers.filter((p) => p.alive()))
          sum += metric(await (await fetch(`${p.metricsUrl}/metrics`)).text(), "concilia_sync_items_total");
        return sum;
      };
      const items0 = await itemsOf();
      const meter = await machineMeter(o.databaseUrl, {
        api: [api.child.pid as number],
        workers: workers.filter((p) => p.alive()).map((p) => p.child.pid as number),
      });
      const gen = fixedRateInProcess({ url: apiUrl, rate: o.rate, seconds: o.seconds, headers, paths });
      const running: number[] = [];
      const sampler = setInterval(async () => {
        const { rows } = await admin.query(
          "select count(*)::int as n from sync_states where step_started_at is not null",
        );
        running.push(rows[0].n);
      }, 1000);
      const context = await gen.result;
      clearInterval(sampler);
      const machine = await meter.stop();
      machine.cpu.generator = context.cpuSeconds;
      machine.other = Math.max(0, machine.other - context.cpuSeconds);
      const apiAfter = await (await fetch(`${apiUrl}/metrics`)).text();
      const route = 'route="/api/v1/context"';
      const count = (t: string) => metric(t, "concilia_http_request_duration_seconds_count", route);
      const under = (t: string) =>
        metric(t, "concilia_http_request_duration_seconds_bucket", `le="0.1",method="GET",${route}`);
      const total = count(apiAfter) - count(apiBefore);
      const fast = under(apiAfter) - under(apiBefore);
      const p = {
        name,
        context,
        machine,
        apiLoop: {
          p99Ms: Math.round(metric(apiAfter, "nodejs_eventloop_lag_p99_seconds") * 10000) / 10,
          maxMs: Math.round(metric(apiAfter, "nodejs_eventloop_lag_max_seconds") * 10000) / 10,
        },
        apiOver100ms: total ? Math.round(((total - fast) / total) * 10000) / 100 : 0,
        items: (await itemsOf()) - items0,
        stepsRunning: {
          mean: running.length
            ? Math.round((running.reduce((a, b) => a + b, 0) / running.length) * 10) / 10
            : 0,
          min: running.length ? Math.min(...running) : 0,
          max: running.length ? Math.max(...running) : 0,
        },
      };
      say(
        `${name}: p50 ${context.p50} ms, p99 ${context.p99} ms, max ${context.max} ms (${context.ok}/${context.sent} 2xx, ${context.non2xx} non-2xx, ${context.errors} errors, ${context.timeouts} timeouts; API time > 100 ms: ${p.apiOver100ms} %); load ${machine.load.map((l) => l.toFixed(2)).join(" → ")}; items ${p.items}; steps running ${p.stepsRunning.mean}; API loop p99 ${p.apiLoop.p99Ms} ms; cpu ${JSON.stringify(Object.fromEntries(Object.entries(machine.cpu).map(([k, v]) => [k, v.toFixed(1)])))} other ${machine.other.toFixed(1)}`,
      );
      return p;
    };

    const phases: Phase[] = [];
    say(`A. floor: context at ${o.rate} req/s for ${o.seconds} s, no worker running`);
    phases.push(await phase("A. floor, no sync"));

    say(`starting ${o.workers} workers: the first sync of ${seededItems} items begins`);
    for (let i = 0; i < o.workers; i++) {
      const port = await services.freePort();
      const p = spawnConcilia(`bench-worker-${i}`, ["worker"], {
        ...env,
        CONCILIA_METRICS_PORT: String(port),
      });
      workers.push(Object.assign(p, { metricsUrl: `http://127.0.0.1:${port}` }));
    }
    await Promise.all(workers.map((p) => p.ready));
    if (o.changesPerSecond > 0)
      timers.push(
        setInterval(() => {
          const f = fleet[Math.floor(Math.random() * fleet.length)];
          f.kind.change(w, f.c).catch(() => {});
        }, 1000 / o.changesPerSecond),
      );
    say(`B. under sync: context at ${o.rate} req/s for ${o.seconds} s`);
    phases.push(await phase("B. under sync"));
    for (const t of timers.splice(0)) clearInterval(t);
    await Promise.all(workers.map((p) => stop(p)));

    say(`C. floor again, the workers stopped: ${o.seconds} s`);
    phases.push(await phase("C. floor, workers stopped"));
    const { say: _s, databaseUrl: _d, ...options } = o;
    return {
      options,
      kinds: Object.fromEntries(kinds.map((k) => [k.name, plan.filter((p) => p === k).length])),
      seededItems,
      phases,
    };
  } finally {
    for (const t of timers) clearInterval(t);
    await Promise.all([api, ...workers].map((p) => stop(p)));
    await admin.end().catch(() => {});
    await database.close();
    await emulators.close();
  }
}
