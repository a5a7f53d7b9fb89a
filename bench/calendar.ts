import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveEmulators } from "../emulators/serve.js";
import { createUser } from "../server/crm/users.js";
import { migrate, openDatabase } from "../server/db/index.js";
import type { ProviderDriver, UnavailableDriver } from "./_calendar-driver.js";
import { probeEmulatedCalendar } from "./_calendar-emulated.js";
import { startConcilia } from "./_calendar-processes.js";
import { radicaleDriver } from "./_calendar-radicale.js";
import { type ProviderReport, renderJson, renderMarkdown } from "./_calendar-report.js";
import { runProvider } from "./_calendar-run.js";
import { sizeFor } from "./_calendar-workload.js";
import { emulatorEnv, serverSetup } from "./_concilia-processes.js";
import { services } from "./_services.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const POLL_SECONDS = 10;
const TICK_SECONDS = 1;

export default async function calendar(args: string[]): Promise<void> {
  const at = args.indexOf("--scale");
  const scale = at >= 0 ? Number(args[at + 1]) : 1;
  if (!(scale > 0)) throw new Error("--scale takes a positive number, e.g. --scale 0.1");
  const size = sizeFor(scale);
  const started = new Date();
  const load = os.loadavg();
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

  const pg = await services.startPostgres();
  const emu = await serveEmulators({ googlePort: 0, microsoftPort: 0 });
  const radicale = await radicaleDriver();
  const { key, url: serverUrl, env: serverVars } = await serverSetup(pg.url);
  const env: Record<string, string> = {
    ...serverVars,
    ...emulatorEnv(emu),
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
    const prober = await createUser(db, {
      email: "prober@bench.test",
      name: "Probe",
      role: "member",
      locale: "en",
      aliases: [],
    });
    const drivers: (ProviderDriver | UnavailableDriver)[] = [radicale];
    for (const which of ["google", "microsoft"] as const) {
      const probe = await probeEmulatedCalendar(which, emu, db, prober.id, key);
      log(`${probe.label}: ${probe.reason}`);
      drivers.push(probe);
    }
    for (const driver of drivers) {
      if (!driver.available) {
        reports.push({ driver });
        continue;
      }
      const result = await runProvider(driver, {
        db,
        serverUrl,
        secretKey: key,
        size,
        pollSeconds: POLL_SECONDS,
        phaseTimeoutMs: Math.max(300_000, size.events * 300),
        latencySamples: 6,
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

  const context = { started, load, scale, size, pollSeconds: POLL_SECONDS, tickSeconds: TICK_SECONDS };
  const out = path.join(root, "bench/reports/calendar.md");
  const before = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
  const notes = before.includes("<!-- notes -->")
    ? before.slice(before.indexOf("<!-- notes -->"))
    : "<!-- notes -->\n";
  const md = renderMarkdown(reports, context);
  fs.writeFileSync(out, `${md}\n${notes}`);
  fs.writeFileSync(
    path.join(root, "bench/reports/calendar.json"),
    `${JSON.stringify(renderJson(reports, context), null, 1)}\n`,
  );
  console.log(md);
}
