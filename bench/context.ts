// `npm run bench -- context` (issue item 14): GET /api/v1/context under load on PostgreSQL with
// 100,000 persons and 300,000 addresses, next to /healthz and to the in-memory floor (the same answers
// replayed from memory, bench/_context-floor.ts) of the same server in the same run; then at a fixed rate.
// Options: --persons N, --connections N, --duration S, --health-duration S, --rate N, --rate-duration S,
// --log-level L.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { FLOOR_PATH } from "./_context-floor.js";
import { profileContext } from "./_context-profile.js";
import { ADDRESSES_PER_REQUEST, contextPath, contextRequests, KNOWN_SHARE } from "./_context-requests.js";
import { seedContextDataset } from "./_context-seed.js";
import { contextUnderSyncBench, underSyncKept } from "./_context-sync-bench.js";
import { type CpuSplit, cpuMeter } from "./_cpu.js";
import { type FixedRateResult, fixedRate } from "./_fixed-rate.js";
import { figure, writeResult } from "./_result.js";
import { startServer } from "./_server.js";
import { services } from "./_services.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const TARGET_RATIO = 0.25;
const TARGET_FLOOR_RATIO = 0.5;
const TARGET_P99_MS = 50;
/** What the profiling of item 14 found and changed; kept with the figures it explains. */
const FINDINGS = `
## Findings and changes

- First measurement (same data set, same day): 10.6 SQL round trips per request in 6 sequential waves;
  124 req/s = 1.8 % of /healthz, p99 481 ms. EXPLAIN ANALYZE showed the events and activities look-ups
  scanning event_attendees and activity_links (filtered on record_id without record_type, so the
  (record_type, record_id) indexes went unused) and the company-by-domain suggestion scanning companies.
- Indexes used (record type and id together; new index companies_domain), cards built in one statement:
  4.6 round trips, 150-170 req/s.
- A CPU profile of the server then showed where a request's time went: one socket write per round trip
  (system calls are expensive on this virtual machine), drizzle building the large statements, and
  PostgreSQL re-planning the cards statement on every call (7 ms of planning against 1.3 ms of execution).
- Then the whole answer — matching with visibility, cards, logged state, companies by domain — became one static
  statement (server/crm/context-sql.ts), run as a named prepared statement with a cached generic plan
  (plan_cache_mode=force_generic_plan for the pool's sessions: only named statements use the plan cache), and
  recently seen API tokens are cached for 10 s (a revocation through the API takes effect at once in that
  process, elsewhere within 10 s). One round trip per request: 440–520 req/s, 3.3–5.0 % of /healthz, p99 120–145 ms.
- Top showed the PostgreSQL back-ends spending about 870 µs of CPU per request even on the "own address only"
  request, where nothing is found: the executor's start-up for a large plan and the wake-up of a back-end
  process per statement, paid once per request. Now concurrent context requests share one statement
  (server/db/batcher.ts: while statements are at the database, new requests wait and go together in the next,
  up to 32 per statement and 3 statements at once; a lone request goes at once). The statement takes arrays
  with one entry per request and answers one row per request, each scoped to its own user. "Own address only"
  went from about 1,100 to about 4,000 req/s; the full mix from about 500 to 900–1,000 req/s (8–9 % of
  /healthz), p99 from 122 ms to about 75 ms.
- What is left is the work itself, and the table "Where the CPU goes" splits it: per request, PostgreSQL spends
  about 1 ms building four cards (EXPLAIN ANALYZE: about 170 µs a card, at 7–10 µs per index probe on this
  machine; a perf profile of the back-ends shows B-tree descents on the text keys as the largest share), the
  server about 0.55 ms (HTTP, parsing the JSON PostgreSQL returns, building and serialising the answer), and the
  load generator about 0.18 ms. The 25 % target means a total of about 4 times /healthz's, here about 700 µs.
- The floor, first measured by hand and now part of this command (see Results): the same server answering the
  same requests from answers kept in memory, with no database work at all, reached 2,950–3,030 req/s, 22–31 % of
  /healthz in those runs, p99 21–24 ms. HTTP, authentication, building the cards and serialising them, and the load
  generator parsing them, already use the whole 25 % budget on this machine, so no database design reaches the
  throughput target here; the p99 target needs about 1,300 req/s.
- Next step, for the p99 (about 1,300 req/s needed) and for a machine where PostgreSQL has cores of its own:
  keep a ready-made card document per record (addresses, deals, upcoming events and recent activities with
  their owners), maintained by triggers in the transaction that changes a record. Tried by hand on this data
  set (documents built once, batches of 16, one connection): PostgreSQL's time per request fell from 870–1,000
  µs to 545–600 µs; of that, 240–255 µs is matching, the logged state and domains, which stay.
- The floor and the fixed-rate run are now part of this command (first run: 2026-11-30, on a machine shared
  with other developers' type checks and test runs). Context reached 23.9 % of the floor (1,108 of 4,628 req/s;
  target 50 %) and, at a fixed 400 req/s, p50 5.7 ms and p99 54.1 ms (target < 50 ms). The CPU table says why the
  throughput target is out of reach on 2 shared cores: a context request costs 916 µs of CPU in all (PostgreSQL
  584, server 256, load generator 76) against the floor's 191 µs, so 50 % would need about 380 µs in all, less
  than PostgreSQL's share alone. With PostgreSQL on cores of its own the server's side alone would allow about
  46 % (118 against 256 µs of server time). At 400 req/s a request costs twice the CPU it costs in the closed loop
  (1,873 µs): fewer requests arrive together, so statements are shared by fewer of them (PostgreSQL 985 µs per
  request instead of 584), and the open-loop generator (one Node http request per due time) costs 345 µs a
  request against autocannon's 76. That is about 0.75 of the 2 cores before anyone else's work; the p99 is the
  queue at moments the cores were taken. In that run each measured rate was about half of what the CPU table
  allows (the floor's 191 µs would allow 10,000 req/s; it answered 4,628): the benchmark's three processes did
  not fill the 2 cores, the rest went to other work on the machine or was lost waiting, which weighs on the p99
  most.
- For both targets, in order of expected gain: answering repeated context requests from memory (the floor is
  what a hit would cost; the hard part is invalidating on every write that changes a card, which the
  ready-made card documents above would give a version for), then the card documents themselves (PostgreSQL's
  share down by about 40 %), and a deployment where PostgreSQL does not share the server's cores.
`;

/** The context statements run so far and the requests they answered, from the server's /metrics. */
async function batchStats(url: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  return { sum: value("concilia_context_batch_size_sum"), count: value("concilia_context_batch_size_count") };
}

interface Load {
  rps: number;
  total: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function load(opts: autocannon.Options): Promise<Load> {
  const r = await autocannon(opts);
  return {
    rps: Math.round(r.requests.average),
    total: r.requests.total,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}

export default async function contextBench(args: string[]): Promise<void> {
  if (args.includes("--under-sync")) return contextUnderSyncBench(args.filter((a) => a !== "--under-sync"));
  const { values } = parseArgs({
    args,
    options: {
      persons: { type: "string", default: "100000" },
      connections: { type: "string", default: "32" },
      duration: { type: "string", default: "20" },
      "health-duration": { type: "string", default: "10" },
      rate: { type: "string", default: "400" },
      "rate-duration": { type: "string", default: "20" },
      "log-level": { type: "string", default: "warn" },
    },
  });
  const persons = Number(values.persons);
  const connections = Number(values.connections);
  const duration = Number(values.duration);
  const healthDuration = Number(values["health-duration"]);
  const rate = Number(values.rate);
  const rateDuration = Number(values["rate-duration"]);
  const say = (s: string) => console.log(`[bench context] ${s}`);

  const postgres = await services.startPostgres();
  try {
    const t = Date.now();
    const data = await seedContextDataset(postgres.url, { persons, companies: Math.round(persons / 10) });
    const seedSeconds = (Date.now() - t) / 1000;
    say(`seeded in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(data.counts)}`);
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const pgVersion = (await client.query("show server_version")).rows[0].server_version as string;
    await client.end();

    const requests = contextRequests(data, 20_000);
    const profile = await profileContext(postgres.url, data.token, requests.slice(0, 200));
    say(`SQL round trips per request: ${JSON.stringify(profile.roundTrips)}`);

    const server = await startServer({
      databaseUrl: postgres.url,
      logLevel: values["log-level"],
      entry: "bench/_context-server.ts",
    });
    try {
      const headers = { authorization: `Bearer ${data.token}` };
      const mix = { self: 0, known: 0, unknown: 0, status: new Map<number, number>() };
      for (const r of requests.slice(0, 200)) {
        const res = await fetch(server.url + contextPath(r), { headers });
        mix.status.set(res.status, (mix.status.get(res.status) ?? 0) + 1);
        if (!res.ok) continue;
        for (const p of ((await res.json()) as { participants: { status: "self" | "known" | "unknown" }[] })
          .participants)
          mix[p.status]++;
      }
      if (!mix.known || mix.status.get(200) !== 200)
        throw new Error(
          `The context endpoint does not answer as expected: ${JSON.stringify([...mix.status])}`,
        );

      let i = 0;
      const floorPath = (n: number) =>
        contextPath(requests[n % requests.length]).replace("/api/v1/context", FLOOR_PATH);
      const contextLoad = (
        seconds: number,
        path = (n: number) => contextPath(requests[n % requests.length]),
      ) =>
        load({
          url: server.url,
          connections,
          duration: seconds,
          headers,
          requests: [{ method: "GET", setupRequest: (req: any) => ({ ...req, path: path(i++) }) }],
        });
      say("warming up (3 s of context requests, not reported)");
      await contextLoad(3);
      say(`/healthz: ${healthDuration} s, ${connections} connections`);
      const measured = async (run: () => Promise<Load>) => {
        const meter = await cpuMeter(postgres.url, server.pid);
        const result = await run();
        return { ...result, cpu: await meter.stop() };
      };
      const health = await measured(() =>
        load({ url: `${server.url}/healthz`, connections, duration: healthDuration }),
      );
      say(`/api/v1/context: ${duration} s, ${connections} connections`);
      const batches0 = await batchStats(server.url);
      const context = await measured(() => contextLoad(duration));
      const batches1 = await batchStats(server.url);
      const perStatement = (batches1.sum - batches0.sum) / Math.max(1, batches1.count - batches0.count);
      // The floor of any authenticated request: the token look-up only (the user's own address needs no other SQL).
      say(`/api/v1/context with only the user's own address: ${healthDuration} s`);
      const authOnly = await load({
        url: `${server.url}/api/v1/context?address=${encodeURIComponent(data.userEmail)}`,
        connections,
        duration: healthDuration,
        headers,
      });

      say(`/api/v1/context at a fixed ${rate} req/s for ${rateDuration} s (open loop)`);
      const meter = await cpuMeter(postgres.url, server.pid);
      const paced = await fixedRate({
        url: server.url,
        rate,
        seconds: rateDuration,
        headers,
        path: (n) => contextPath(requests[n % requests.length]),
      });
      const pacedCpu = await meter.stop();

      // The floor: every request's answer computed once (not measured), then replayed from memory.
      say(`in-memory floor: computing the ${requests.length} answers once`);
      i = 0;
      await load({
        url: server.url,
        connections,
        amount: requests.length,
        headers,
        requests: [{ method: "GET", setupRequest: (req: any) => ({ ...req, path: floorPath(i++) }) }],
      });
      const floorStats = async () =>
        (await (await fetch(server.url + `${FLOOR_PATH}/stats`)).json()) as {
          answers: number;
          misses: number;
        };
      const before = await floorStats();
      say(`in-memory floor: ${duration} s, ${connections} connections`);
      const floor = await measured(() => contextLoad(duration, floorPath));
      const after = await floorStats();
      if (after.misses !== before.misses || before.answers < requests.length)
        throw new Error(`The floor did work on the database: ${JSON.stringify({ before, after })}`);

      const ratio = context.rps / health.rps;
      const floorRatio = context.rps / floor.rps;
      const report = renderReport({
        date: new Date().toISOString(),
        machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`,
        pgVersion,
        logLevel: server.logLevel,
        connections,
        duration,
        healthDuration,
        counts: data.counts,
        seedSeconds,
        mix: { ...mix, status: Object.fromEntries(mix.status) },
        profile,
        health,
        context,
        authOnly,
        ratio,
        perStatement,
        floor,
        floorRatio,
        paced: { ...paced, cpu: pacedCpu },
      });
      fs.mkdirSync(path.join(here, "reports"), { recursive: true });
      // The under-sync section and figures (`--under-sync`, a run of its own) are kept.
      const underSync = underSyncKept();
      fs.writeFileSync(
        path.join(here, "reports/context.md"),
        underSync.section
          ? report.replace("\n## Where the CPU goes", `\n${underSync.section}\n\n## Where the CPU goes`)
          : report,
      );
      const pct = (v: number) => Math.round(v * 1000) / 10;
      writeResult("context", [
        figure("context throughput, share of the in-memory floor", pct(floorRatio), "%", {
          op: ">=",
          value: TARGET_FLOOR_RATIO * 100,
        }),
        figure(`context p99 at a fixed ${rate} req/s`, paced.ok === paced.sent ? paced.p99 : null, "ms", {
          op: "<",
          value: TARGET_P99_MS,
        }),
        figure(`context p50 at a fixed ${rate} req/s`, paced.p50, "ms"),
        figure("context throughput, share of /healthz", pct(ratio), "%", {
          op: ">=",
          value: TARGET_RATIO * 100,
        }),
        figure("context throughput, closed loop", context.rps, "req/s"),
        ...underSync.figures,
      ]);
      say(
        `healthz ${health.rps} req/s (p99 ${health.p99} ms); context ${context.rps} req/s, p50 ${context.p50} ms, p99 ${context.p99} ms`,
      );
      say(
        `floor ${floor.rps} req/s; context/floor ${(floorRatio * 100).toFixed(1)} % (target ≥ ${TARGET_FLOOR_RATIO * 100} %): ${floorRatio >= TARGET_FLOOR_RATIO ? "met" : "MISSED"}`,
      );
      say(
        `at ${rate} req/s: p50 ${paced.p50} ms, p99 ${paced.p99} ms (target < ${TARGET_P99_MS} ms: ${paced.p99 < TARGET_P99_MS && paced.ok === paced.sent ? "met" : "MISSED"})`,
      );
      say(
        `context/healthz ${(ratio * 100).toFixed(1)} % (target ≥ ${TARGET_RATIO * 100} %): ${ratio >= TARGET_RATIO ? "met" : "MISSED"}`,
      );
      say("report written to bench/reports/context.md");
    } finally {
      await server.stop();
    }
  } finally {
    postgres.stop();
  }
}

function cpuRow(name: string, l: { total: number; cpu: CpuSplit }): string {
  const us = (seconds: number) => Math.round((seconds / Math.max(1, l.total)) * 1e6);
  const total = us(l.cpu.server + l.cpu.postgres + l.cpu.loadGenerator);
  const ceiling = Math.round((os.cpus().length * 1e6) / Math.max(1, total));
  return `| ${name} | ${us(l.cpu.server)} | ${us(l.cpu.postgres)} | ${us(l.cpu.loadGenerator)} | ${total} | ${ceiling} req/s |`;
}

function renderReport(r: {
  date: string;
  machine: string;
  pgVersion: string;
  logLevel: string;
  connections: number;
  duration: number;
  healthDuration: number;
  counts: Record<string, number>;
  seedSeconds: number;
  mix: { self: number; known: number; unknown: number; status: Record<number, number> };
  profile: Awaited<ReturnType<typeof profileContext>>;
  health: Load & { cpu: CpuSplit };
  context: Load & { cpu: CpuSplit };
  authOnly: Load;
  ratio: number;
  perStatement: number;
  floor: Load & { cpu: CpuSplit };
  floorRatio: number;
  paced: FixedRateResult & { cpu: CpuSplit };
}): string {
  const row = (name: string, l: Load) =>
    `| ${name} | ${l.rps} | ${l.total} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.errors} | ${l.timeouts} | ${l.non2xx} |`;
  const met = (ok: boolean) => (ok ? "met" : "**missed**");
  const participants = r.mix.known + r.mix.unknown + r.mix.self;
  const rt = r.profile.roundTrips;
  return `# Context benchmark (\`npm run bench -- context\`)

Date: ${r.date}. Machine: ${r.machine}. PostgreSQL ${r.pgVersion} (throwaway cluster from scripts/services.mjs,
fsync off). The machine is shared and noisy (2 cores; other work may run on it during a run), and
the server, PostgreSQL and the load generators (autocannon and the fixed-rate loop, in the bench process) share
those cores: absolute numbers move between runs; the ratios to /healthz and to the in-memory floor, measured in
the same run on the same server, are the figures to compare.

Server: \`concilia serve --no-demo\` (through bench/_context-server.ts, which adds only the floor's route) as its own process on PostgreSQL, \`CONCILIA_LOG_LEVEL=${r.logLevel}\`
(request logging at \`info\` costs throughput), job worker inline (the default).

## Results

Closed loop: ${r.connections} connections, each sending its next request when the last is answered (autocannon);
/healthz for ${r.healthDuration} s, then /api/v1/context for ${r.duration} s after a 3 s context warm-up that is not
counted, then the in-memory floor for ${r.duration} s. Latencies in ms.

| endpoint | req/s | requests | p50 | p90 | p99 | errors | timeouts | non-2xx |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${row("/healthz", r.health)}
${row("/api/v1/context", r.context)}
${row("/api/v1/context, own address only (nothing found)", r.authOnly)}
${row("in-memory floor (same requests, answers from memory)", r.floor)}

The **in-memory floor** is this same server process answering the same 20,000 requests, with the same
token, through the same authentication, query validation, HTTP and JSON serialisation, from answers computed
once beforehand and kept in memory: no database work at all (a bench-only route that only the benchmark's server
entry registers, bench/_context-floor.ts; the run checks that it answered every request from memory). It is what
any database design could reach at best on this machine.

Fixed rate (open loop): /api/v1/context at ${r.paced.rate} req/s for ${r.paced.seconds} s (${r.paced.sent} requests),
sent by a hand-paced loop (bench/_fixed-rate.ts) whatever the answers, each latency measured from the moment the
request was **due** to leave, so that a slow moment counts against every request due during it (no coordinated
omission; the generator's own lateness is counted too, which makes the figures conservative).

| rate | answered 2xx | answers/s | p50 | p90 | p99 | max | errors | timeouts | non-2xx |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${r.paced.rate} req/s | ${r.paced.ok} of ${r.paced.sent} | ${r.paced.achievedRate} | ${r.paced.p50} | ${r.paced.p90} | ${r.paced.p99} | ${r.paced.max} | ${r.paced.errors} | ${r.paced.timeouts} | ${r.paced.non2xx} |

| target | measured | |
| --- | --- | --- |
| context throughput ≥ ${TARGET_FLOOR_RATIO * 100} % of the in-memory floor | ${(r.floorRatio * 100).toFixed(1)} % (${r.context.rps} of ${r.floor.rps} req/s) | ${met(r.floorRatio >= TARGET_FLOOR_RATIO)} |
| context p99 < ${TARGET_P99_MS} ms at ${r.paced.rate} req/s | ${r.paced.p99} ms (p50 ${r.paced.p50} ms) | ${met(r.paced.p99 < TARGET_P99_MS && r.paced.ok === r.paced.sent)} |
| context throughput ≥ ${TARGET_RATIO * 100} % of /healthz | ${(r.ratio * 100).toFixed(1)} % | ${met(r.ratio >= TARGET_RATIO)} |

The closed loop's p99 (${r.context.p99} ms) is not a latency target: with ${r.connections} connections always busy it is the
queue the load generator itself keeps full (${r.connections} requests in flight at ${r.context.rps} req/s make about
${Math.round((r.connections / Math.max(1, r.context.rps)) * 1000)} ms on average). For scale: an authenticated context request
with only the user's own address (its statement finds nothing, measured after the context run for ${r.healthDuration} s)
reaches ${((r.authOnly.rps / r.health.rps) * 100).toFixed(1)} % of /healthz; the floor reaches ${((r.floor.rps / r.health.rps) * 100).toFixed(1)} %.

## Where the CPU goes

CPU time per request, in microseconds, read from /proc for the server process, all of PostgreSQL's processes
and the bench process (the load generator), over each measured run:

| endpoint | server | PostgreSQL | load generator | total | ceiling on ${os.cpus().length} cores |
| --- | ---: | ---: | ---: | ---: | ---: |
${cpuRow("/healthz", r.health)}
${cpuRow("/api/v1/context", r.context)}
${cpuRow("in-memory floor", r.floor)}
${cpuRow(`/api/v1/context at ${r.paced.rate} req/s`, { total: r.paced.ok, cpu: r.paced.cpu })}

The ceiling is the request rate at which these costs would fill every core. Under load the server answered
${r.perStatement.toFixed(1)} context requests per SQL statement on average (concilia_context_batch_size in /metrics): concurrent
requests share one statement (server/db/batcher.ts).

## Data set

Seeded with set-based SQL in ${r.seedSeconds.toFixed(1)} s (bench/_context-seed.ts), owned mostly (90 %) by the
benchmark user, the rest by another seller who shares half of his persons through grants:

${Object.entries(r.counts)
  .map(([t, n]) => `- ${t}: ${n.toLocaleString("en")}`)
  .join("\n")}

## Requests

Each request asks for ${ADDRESSES_PER_REQUEST} addresses: ${KNOWN_SHARE * 100} % picked at random from record_emails (some belong to
persons the user may not see, which answer as unknown), the rest unknown (at a known company's domain, a new
domain or free mail); a third carry a display name and a capitalised address; half carry the Message-ID of a
logged email. 20,000 distinct URLs, cycled. In a sample of 200 requests: ${r.mix.known} known, ${r.mix.unknown} unknown of
${participants} participants; statuses ${JSON.stringify(r.mix.status)}.

## SQL per request

Round trips per context request, counted on the real code (authentication + messageContext) over ${rt.requests}
requests of the mix: min ${rt.min}, mean ${rt.mean}, max ${rt.max} (the token look-up is one of them, which the
server skips for a token it has seen in the last 10 s; the token's last-used write happens at most once a
minute). Queries of the heaviest request, under EXPLAIN ANALYZE on the
seeded data (planning + execution, one at a time, unloaded):

| ms | scans | query |
| ---: | --- | --- |
${r.profile.plans.map((p) => `| ${p.ms} | ${p.plan} | \`${p.sql.replace(/\|/g, "\\|")}\` |`).join("\n")}
${FINDINGS}`;
}
