// Real services the tests need, installed from Debian's packages when missing and run as throwaway
// instances on 127.0.0.1. Used by scripts/test.mjs through `testServices` at the end of this file: a new
// service is one start function and one entry there.
import { execFileSync, spawn, spawnSync } from "node:child_process";
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

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1; resolves to { url, stop }. `preload` names server libraries to load at start (a benchmark passes
 * `pg_stat_statements` to rank the statements it runs; the test runner loads none).
 */
export async function startPostgres({ preload = [] } = {}) {
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
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300${
    preload.length ? ` -c shared_preload_libraries=${preload.join(",")}` : ""
  }${preload.includes("pg_stat_statements") ? " -c pg_stat_statements.track_planning=on" : ""}`;
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
 * A throwaway Dovecot IMAP server on 127.0.0.1 with a plain port (STARTTLS offered, plaintext login
 * allowed) and an implicit-TLS port, a self-signed certificate made at start, Maildir storage and a
 * passwd-file the tests append their own users to (Dovecot re-reads it when it changes, so every test
 * file gets fresh mailboxes). The Sent folder has a localized name and the \Sent attribute, so code that
 * finds it by name instead of SPECIAL-USE fails. Resolves to { value, stop } where value is
 * `host:plainPort:tlsPort:dir`; `dir` holds `users` (append `name:{PLAIN}password::::::`) and `ca.pem`.
 */
export async function startDovecot() {
  if (!fs.existsSync("/usr/sbin/dovecot")) aptInstall(["dovecot-imapd"]);
  if (!fs.existsSync("/usr/bin/openssl")) aptInstall(["openssl"]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-dovecot-"));
  fs.chmodSync(dir, 0o755);
  for (const sub of ["run", "state", "mail"]) fs.mkdirSync(path.join(dir, sub));
  sh("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "7",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout",
    path.join(dir, "key.pem"),
    "-out",
    path.join(dir, "ca.pem"),
  ]);
  fs.writeFileSync(path.join(dir, "users"), "");
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  // As root the mail belongs to nobody; otherwise every Dovecot process runs as the current user.
  const me = os.userInfo();
  const mailUid = isRoot ? 65534 : me.uid;
  const mailGid = isRoot ? 65534 : me.gid;
  if (isRoot) fs.chownSync(path.join(dir, "mail"), mailUid, mailGid);
  const unprivileged = isRoot
    ? ""
    : `default_internal_user = ${me.username}\ndefault_login_user = ${me.username}\ndefault_internal_group = ${me.username}\n`;
  const conf = `${unprivileged}protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = yes
ssl_cert = <${dir}/ca.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = ${mailUid}
mail_uid = ${mailUid}
mail_gid = ${mailGid}
mailbox_idle_check_interval = 1 secs
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox "Posta inviata" {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Cestino {
    special_use = \\Trash
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${plainPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
    ssl = yes
  }
}
`;
  const confPath = path.join(dir, "dovecot.conf");
  fs.writeFileSync(confPath, conf);
  // Dovecot forks into the background; its pipes must not be ours or this call would wait for it.
  execFileSync("/usr/sbin/dovecot", ["-c", confPath], { stdio: "ignore" });
  const stop = () => {
    try {
      execFileSync("/usr/sbin/dovecot", ["-c", confPath, "stop"], { stdio: "ignore" });
    } catch {}
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of [plainPort, tlsPort]) await waitForPort(port, 10_000);
  } catch (err) {
    const log = fs.existsSync(path.join(dir, "dovecot.log"))
      ? fs.readFileSync(path.join(dir, "dovecot.log"), "utf8")
      : "";
    stop();
    throw new Error(`Dovecot did not start: ${err.message}\n${log}`);
  }
  return { value: `127.0.0.1:${plainPort}:${tlsPort}:${dir}`, stop };
}

/**
 * A throwaway Radicale CalDAV server on 127.0.0.1 (no TLS), with filesystem storage and a plain-text
 * htpasswd file in a temporary folder the tests append their own users to (Radicale 3.1 reads the file at
 * every login, so each test gets a fresh account). Resolves to { value, stop } where value is
 * `http://127.0.0.1:port/:dir`; `dir` holds `users` (append `name:password`).
 */
export async function startRadicale() {
  if (!fs.existsSync("/usr/bin/radicale")) aptInstall(["radicale"]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-radicale-"));
  fs.mkdirSync(path.join(dir, "collections"));
  fs.writeFileSync(path.join(dir, "users"), "");
  const port = await freePort();
  const conf = `[server]
hosts = 127.0.0.1:${port}
[auth]
type = htpasswd
htpasswd_filename = ${dir}/users
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = ${dir}/collections
[logging]
level = warning
mask_passwords = True
`;
  const confPath = path.join(dir, "config");
  fs.writeFileSync(confPath, conf);
  // Debian's launcher, not `python3 -m radicale`: the python3 on PATH may lack the Debian module.
  const log = fs.openSync(path.join(dir, "radicale.log"), "a");
  const child = spawn("/usr/bin/radicale", ["--config", confPath], { stdio: ["ignore", log, log] });
  fs.closeSync(log);
  child.unref();
  const stop = () => {
    try {
      if (child.exitCode === null) child.kill("SIGTERM");
    } catch {}
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 15_000);
  } catch (err) {
    const text = fs.existsSync(path.join(dir, "radicale.log"))
      ? fs.readFileSync(path.join(dir, "radicale.log"), "utf8")
      : "";
    stop();
    throw new Error(`Radicale did not start: ${err.message}\n${text}`);
  }
  return { value: `http://127.0.0.1:${port}/:${dir}`, stop };
}

function waitForPort(port, timeoutMs) {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
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
  { name: "Dovecot", env: "TEST_IMAP", start: startDovecot },
  { name: "Radicale", env: "TEST_CALDAV", start: startRadicale },
];
