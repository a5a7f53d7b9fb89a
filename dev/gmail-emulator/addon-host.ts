// Main-thread side of the Apps Script emulation: loads the built Code.js into a worker, performs the
// worker's UrlFetchApp requests with real HTTP (routing the add-on's https origin to a loopback
// server), and records every request per execution.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import type { Manifest } from "./apps-script.js";
import type { DemoMessage } from "./demo-messages.js";
import type { WireRequest, WireResponse } from "./url-fetch.js";
import type { InvokeResult, WorkerReply, WorkerRequest } from "./worker.js";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface FetchRecord {
  method: string;
  /** The URL as the add-on asked for it (its https origin). */
  url: string;
  status: number | null;
  ms: number;
  error?: string;
}

export interface Invocation {
  fn: string;
  result: InvokeResult;
  fetches: FetchRecord[];
  logs: string[];
  ms: number;
}

export interface InvokeOptions {
  user: string;
  identityToken: string | null;
  grant: { messageId: string; accessToken: string } | null;
}

/** Maps a URL the add-on fetches to the URL really requested; null: nothing answers there. */
export type Router = (url: URL) => string | null;

let workerFile: Promise<string> | null = null;

/** The worker is TypeScript; bundle it once per process (rolldown comes with vite). */
function buildWorker(): Promise<string> {
  workerFile ??= (async () => {
    const { build } = await import("rolldown");
    const out = await build({
      input: path.join(here, "worker.ts"),
      platform: "node",
      write: false,
      output: { format: "esm" },
    });
    const code = out.output[0].code;
    const file = path.join(
      os.tmpdir(),
      `concilia-gmail-worker-${crypto.createHash("sha256").update(code).digest("hex").slice(0, 12)}.mjs`,
    );
    if (!fs.existsSync(file)) fs.writeFileSync(file, code);
    return file;
  })();
  return workerFile;
}

/** Origin routing: the add-on's server origin goes to `target` (e.g. http://127.0.0.1:PORT). */
export function routeOrigin(origin: string, target: () => string | null): Router {
  return (url) => {
    if (url.origin !== origin) return null;
    const base = target();
    return base ? base.replace(/\/$/, "") + url.pathname + url.search : null;
  };
}

export class AddonHost {
  private nextId = 1;
  private pending = new Map<number, (r: WorkerReply) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private current: FetchRecord[] = [];

  private constructor(
    private worker: Worker,
    private port: MessagePort,
    public router: Router,
    readonly manifest: Manifest,
  ) {
    worker.on("message", (reply: WorkerReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  static async start(opts: {
    code: string;
    manifest: Manifest;
    messages: DemoMessage[];
    router: Router;
  }): Promise<AddonHost> {
    const shared = new SharedArrayBuffer(4);
    const signal = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(await buildWorker(), {
      workerData: { shared, port: port2 },
      transferList: [port2],
    });
    const host = new AddonHost(worker, port1, opts.router, opts.manifest);
    port1.on("message", async (req: WireRequest) => {
      const res = await host.perform(req);
      port1.postMessage(res);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
    await host.send({
      type: "load",
      code: opts.code,
      manifest: opts.manifest,
      messages: opts.messages.map((m) => ({ ...m, date: m.date.toISOString() })),
    });
    return host;
  }

  private async perform(req: WireRequest): Promise<WireResponse> {
    const started = performance.now();
    const record: FetchRecord = { method: req.method, url: req.url, status: null, ms: 0 };
    this.current.push(record);
    let res: WireResponse;
    const target = this.router(new URL(req.url));
    if (!target) res = { error: "Address unavailable" };
    else {
      try {
        const r = await fetch(target, {
          method: req.method,
          headers: req.headers,
          body: req.body ? Buffer.from(req.body) : undefined,
          redirect: req.followRedirects ? "follow" : "manual",
        });
        res = {
          status: r.status,
          headers: Object.fromEntries(r.headers),
          body: new Uint8Array(await r.arrayBuffer()),
        };
      } catch (_e) {
        res = { error: "Address unavailable" };
      }
    }
    record.ms = performance.now() - started;
    if ("error" in res) record.error = res.error;
    else record.status = res.status;
    return res;
  }

  private send(req: WorkerRequest): Promise<WorkerReply> {
    const id = req.type === "invoke" ? req.id : 0;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage(req);
    });
  }

  /** One Apps Script execution: a trigger or an action callback with its event object. */
  invoke(fn: string, event: unknown, opts: InvokeOptions): Promise<Invocation> {
    const run = async (): Promise<Invocation> => {
      this.current = [];
      const started = performance.now();
      const id = this.nextId++;
      const reply = await this.send({ type: "invoke", id, fn, event, ...opts });
      return {
        fn,
        result: reply.result,
        fetches: this.current,
        logs: reply.logs,
        ms: performance.now() - started,
      };
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.port.close();
    await this.worker.terminate();
  }
}
