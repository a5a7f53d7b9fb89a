// A real `concilia serve` as its own child process, as it runs in production, for load generators.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { services } from "./_services.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface RunningServer {
  url: string;
  pid: number;
  logLevel: string;
  stop(): Promise<void>;
}

export async function startServer(opts: {
  databaseUrl: string;
  logLevel?: string;
  /** Extra node flags, such as --cpu-prof to profile the server under load. */
  nodeArgs?: string[];
  /** A TypeScript entry (relative to the repository) to run instead of `concilia serve --no-demo`. */
  entry?: string;
}): Promise<RunningServer> {
  const port = await services.freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-bench-"));
  const logLevel = opts.logLevel ?? "warn";
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      ...(opts.entry ? ["--import", "tsx", opts.entry] : ["bin/concilia.mjs", "serve", "--no-demo"]),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: opts.databaseUrl,
        CONCILIA_SECRET_KEY: randomBytes(32).toString("base64"),
        CONCILIA_DATA: dataDir,
        CONCILIA_LOG_LEVEL: logLevel,
        PORT: String(port),
        HOST: "127.0.0.1",
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited at start-up:\n${stderr}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The server did not answer /healthz within 60 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid as number,
    logLevel,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
