// `npm run bench -- calendar [--scale S]`: two-way calendar sync at volume. A real `concilia serve` and
// `concilia worker` on a throwaway PostgreSQL; per provider, 10,000 × S events with 200 × S weekly
// series (moved, retitled and cancelled occurrences) seeded at the provider, 1,000 × S events made in the
// CRM, a first sync, then 500 × S changes on each side. Measures provider requests against the minimum,
// events per second, the end state against the ground truth on both sides, and the change latency both
// ways (with push where the provider has it, and without). Radicale (CalDAV) through a counting proxy;
// Google Calendar and Graph calendars on the repository's emulators, served over HTTP in this process
// (`--providers radicale,google,microsoft` picks some). Writes bench/reports/calendar.md and bench/reports/calendar.json
// (`--report NAME`: bench/reports/NAME.md and .json instead, e.g. for a larger run of some providers).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveEmulators } from "../emulators/serve.js";
import { migrate, openDatabase } from "../server/db/index.js";
import type { ProviderDriver } from "./_calendar-driver.js";
import { googleDriver } from "./_calendar-google.js";
import { graphDriver } from "./_calendar-graph.js";
import { startConcilia } from "./_calendar-processes.js";
import { PUBLIC_ORIGIN, pushRelay } from "./_calendar-push.js";
import { radicaleDriver } from "./_calendar-radicale.js";
import { type ProviderReport, renderJson, renderMarkdown } from "./_calendar-report.js";
import { runProvider } from "./_calendar-run.js";
import { sizeFor } from "./_calendar-workload.js";
import { emulatorEnv, serverSetup } from "./_concilia-processes.js";
import { writeReport } from "./_result.js";
import { services } from "./_services.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const POLL_SECONDS = 10;
const TICK_SECONDS = 1;

export default async function calendar(args: string[]): Promise<void> {
  const at = args.indexOf("--scale");
  const scale = at >= 0 ? Number(args[at + 1]) : 1;
  if (!(scale > 0)) throw new Error("--scale takes a positive number, e.g. --scale 0.1");
  const named = args.indexOf("--report");
  const report = named >= 0 ? args[named + 1] : "calendar";
  if (!/^[\w-.]+$/.test(report)) throw new Error("--report takes a file name, e.g. calendar-scale-1");
  const samplesAt = args.indexOf("--samples");
  const samples = samplesAt >= 0 ? Number(args[samplesAt + 1]) : 6;
  const pick = args.indexOf("--providers");
  const wanted = new Set(
    (pick >= 0 ? args[pick + 1] : "radicale,google,microsoft").split(",").map((p) => p.trim()),
  );
  const size = sizeFor(scale);
  const started = new Date();
  const load = os.loadavg();
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

  const pg = await services.startPostgres();
  const { key, url: serverUrl, env: serverVars } = await serverSetup(pg.url);
  const relay = pushRelay(serverUrl);
  const emu = await serveEmulators({
    googlePort: 0,
    microsoftPort: 0,
    google: { fetch: relay.fetch },
    microsoft: { fetch: relay.fetch },
  });
  const radicale = await radicaleDriver();
  const env: Record<string, string> = {
    ...serverVars,
    ...emulatorEnv(emu),
    // Google and Graph push only to https: the relay carries their posts to serverUrl.
    CONCILIA_PUBLIC_URL: PUBLIC_ORIGIN,
    GOOGLE_PUSH_TOKEN: randomBytes(24).toString("base64url"),
    CONCILIA_SYNC_TICK_SECONDS: String(TICK_SECONDS),
    CONCILIA_SYNC_POLL_SECONDS: String(POLL_SECONDS),
    ...radicale.env,
  };
  const database = await openDatabase({ url: pg.url });
  await migrate(database);
  const db = database.db;
  const concilia = await startConcilia(env, serverUrl);
  const reports: ProviderReport[] = [];
  try {
    const drivers: ProviderDriver[] = [
      radicale,
      googleDriver(emu.google, relay),
      graphDriver(emu.microsoft, relay),
    ].filter((d) => wanted.has(d.key));
    for (const driver of drivers) {
      relay.setDelivering(true);
      const result = await runProvider(driver, {
        db,
        serverUrl,
        secretKey: key,
        size,
        pollSeconds: POLL_SECONDS,
        phaseTimeoutMs: Math.max(300_000, size.events * 300),
        latencySamples: samples,
        log,
      });
      reports.push({ driver, result });
    }
  } finally {
    await concilia.stop();
    await database.close?.();
    await radicale.close();
    await emu.close();
    pg.stop();
  }

  const context = {
    started,
    load,
    loadAtEnd: os.loadavg(),
    scale,
    command: ["calendar", ...args].join(" "),
    size,
    pollSeconds: POLL_SECONDS,
    tickSeconds: TICK_SECONDS,
    pushesDelivered: relay.delivered,
  };
  const md = renderMarkdown(reports, context);
  writeReport(report, md);
  fs.writeFileSync(
    path.join(root, `bench/reports/${report}.json`),
    `${JSON.stringify(renderJson(reports, context), null, 1)}\n`,
  );
  console.log(md);
}
