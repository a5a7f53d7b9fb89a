// Real `concilia` child processes for the benchmarks (as in production: `serve` and `worker` apart),
// and their environment: database, key and port, and the served Google and Microsoft emulators.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_GOOGLE_CLIENT } from "../emulators/google/emulator.js";
import { DEMO_MICROSOFT_CLIENT } from "../emulators/microsoft/emulator.js";
import { services } from "./_services.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `concilia <args>`; the last of its stderr is printed if it exits with an error. */
export function spawnConcilia(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["bin/concilia.mjs", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let tail = "";
  child.stderr?.on("data", (d) => {
    tail = (tail + d).slice(-3000);
  });
  child.once("exit", (code) => {
    if (code) console.error(`concilia ${args[0]} exited with ${code}:\n${tail}`);
  });
  return child;
}

/** Waits (about a minute at most) until the server at `serverUrl` answers /healthz. */
export async function untilHealthy(serverUrl: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${serverUrl}/healthz`)).ok) return;
    } catch {}
    if (i > 300) throw new Error("the server did not start");
    await sleep(200);
  }
}

/**
 * `concilia` on `databaseUrl` with a fresh secret key, on a free loopback port, logging warnings only,
 * in dev mode: the key (to read its secrets), its URL and its environment.
 */
export async function serverSetup(databaseUrl: string) {
  const key = randomBytes(32);
  const port = await services.freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    CONCILIA_SECRET_KEY: key.toString("base64"),
    CONCILIA_LOG_LEVEL: "warn",
    CONCILIA_DEV: "1",
    HOST: "127.0.0.1",
    PORT: String(port),
    CONCILIA_PUBLIC_URL: url,
  };
  return { key, url, env };
}

/** The OAuth and API endpoints of Google and Microsoft, on the emulators this process serves. */
export function emulatorEnv(emu: { googleUrl: string; microsoftUrl: string }): Record<string, string> {
  return {
    GOOGLE_API_URL: emu.googleUrl,
    GOOGLE_AUTH_URL: `${emu.googleUrl}/o/oauth2/v2/auth`,
    GOOGLE_TOKEN_URL: `${emu.googleUrl}/token`,
    GOOGLE_REVOKE_URL: `${emu.googleUrl}/revoke`,
    GOOGLE_OAUTH_CLIENT_ID: DEMO_GOOGLE_CLIENT.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: DEMO_GOOGLE_CLIENT.clientSecret ?? "",
    MICROSOFT_LOGIN_URL: `${emu.microsoftUrl}/common`,
    GRAPH_URL: `${emu.microsoftUrl}/v1.0`,
    MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
    MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret ?? "",
  };
}
