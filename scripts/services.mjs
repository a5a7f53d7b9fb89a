// Real services the tests need, installed from Debian's packages when missing and run as throwaway
// instances on 127.0.0.1. Used by scripts/test.mjs through `testServices` at the end of this file: a new
// service (a CalDAV or IMAP server for the sync tests) is one start function and one entry there.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const isRoot = process.getuid?.() === 0;
let aptUpdated = false;

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", ...opts });
}

export function aptInstall(packages) {
  if (!isRoot)
    throw new Error(`Missing ${packages.join(", ")}: install them (apt-get install ${packages.join(" ")}).`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    aptUpdated = true;
  }
  const r = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
    stdio: "inherit",
    env,
  });
  if (r.status !== 0) throw new Error(`apt-get install ${packages.join(" ")} failed`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function pgBin() {
  const base = "/usr/lib/postgresql";
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, "bin/initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], "bin") : null;
}

/** A throwaway PostgreSQL cluster on 127.0.0.1; resolves to { url, stop }. */
export async function startPostgres() {
  let bin = pgBin();
  if (!bin) {
    aptInstall(["postgresql"]);
    bin = pgBin();
  }
  if (!bin) throw new Error("PostgreSQL was installed but initdb was not found under /usr/lib/postgresql.");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-pg-"));
  const port = await freePort();
  const asPg = (args) =>
    isRoot ? sh("runuser", ["-u", "postgres", "--", ...args]) : sh(args[0], args.slice(1));
  if (isRoot) sh("chown", ["-R", "postgres:postgres", dir]);
  asPg([
    `${bin}/initdb`,
    "-D",
    `${dir}/data`,
    "-A",
    "trust",
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
  ]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  asPg([`${bin}/pg_ctl`, "-D", `${dir}/data`, "-o", opts, "-l", `${dir}/log`, "-w", "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        asPg([`${bin}/pg_ctl`, "-D", `${dir}/data`, "-m", "immediate", "-w", "stop"]);
      } catch {}
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium for the browser tests. */
export function ensureChromium() {
  if (fs.existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  aptInstall(["chromium"]);
  return "/usr/bin/chromium";
}

/**
 * What `npm test` provides to the tests, each through one environment variable. A variable already set
 * is used as it is (a service of your own); otherwise `start` provides it and returns how to stop it.
 * Tests that need a service and do not find its variable fail; they are never skipped.
 * @type {{ name: string, env: string, start: () => Promise<{ value: string, stop?: () => void }> }[]}
 */
export const testServices = [
  {
    name: "PostgreSQL",
    env: "TEST_DATABASE_URL",
    start: async () => {
      const pg = await startPostgres();
      return { value: pg.url, stop: pg.stop };
    },
  },
  { name: "Chromium", env: "CHROMIUM_PATH", start: async () => ({ value: ensureChromium() }) },
];
