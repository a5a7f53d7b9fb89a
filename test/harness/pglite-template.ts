// A migrated PGlite database (with pg-boss's schema) dumped once per machine and code version, so that
// each test server loads it in well under a second instead of creating and migrating a new one.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureDefaults } from "../../server/crm/defaults.js";
import { migrate, migrationsFolder, openDatabase } from "../../server/db/index.js";
import { createJobs } from "../../server/jobs/pgboss.js";
import { createLogger } from "../../server/log.js";

function fingerprint(): string {
  const h = createHash("sha256");
  for (const f of fs.readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    const p = path.join(migrationsFolder, f);
    if (fs.statSync(p).isFile()) h.update(f).update(fs.readFileSync(p));
  }
  h.update(fs.readFileSync(new URL("../../server/crm/defaults.ts", import.meta.url)));
  h.update(fs.readFileSync(new URL("../../node_modules/pg-boss/package.json", import.meta.url)));
  return h.digest("hex").slice(0, 16);
}

export async function pgliteTemplate(): Promise<Blob> {
  const file = path.join(os.tmpdir(), `concilia-pglite-template-${fingerprint()}.tar`);
  if (!fs.existsSync(file)) {
    const database = await openDatabase({ memory: true });
    await migrate(database);
    await ensureDefaults(database.db);
    const jobs = await createJobs(database, createLogger("silent"));
    await jobs.stop();
    const dump = await database.lite!.dumpDataDir("none");
    await database.close();
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, file);
  }
  return new Blob([fs.readFileSync(file)]);
}
