// Runs the built add-on in a worker thread: Apps Script calls are synchronous, so UrlFetchApp blocks
// this thread (Atomics.wait) while the main thread performs the real HTTP request, possibly to a
// server living in the main thread itself.

import vm from "node:vm";
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import {
  executionGlobals,
  loadBundle,
  type Manifest,
  newUserStores,
  type UserStores,
} from "./apps-script.js";
import { ActionResponse, Card, UniversalActionResponse } from "./card-service.js";
import type { DemoMessage } from "./demo-messages.js";
import type { WireRequest, WireResponse } from "./url-fetch.js";

export type InvokeResult =
  | { kind: "cards"; cards: import("./card-json.js").CardJson[] }
  | { kind: "action"; response: import("./card-json.js").ActionResponseJson }
  | { kind: "universal"; response: import("./card-json.js").UniversalActionResponseJson }
  | { kind: "invalid"; description: string }
  | { kind: "error"; message: string };

export type WorkerRequest =
  | {
      type: "load";
      code: string;
      manifest: Manifest;
      messages: (Omit<DemoMessage, "date"> & { date: string })[];
    }
  | {
      type: "invoke";
      id: number;
      user: string;
      fn: string;
      event: unknown;
      identityToken: string | null;
      grant: { messageId: string; accessToken: string } | null;
    };

export type WorkerReply = { id: number; result: InvokeResult; logs: string[] };

const { shared, port } = workerData as { shared: SharedArrayBuffer; port: MessagePort };
const signal = new Int32Array(shared);
const FETCH_DEADLINE_MS = 60_000;

function transport(req: WireRequest): WireResponse {
  Atomics.store(signal, 0, 0);
  port.postMessage(req);
  if (Atomics.wait(signal, 0, 0, FETCH_DEADLINE_MS) === "timed-out") return { error: "Timeout" };
  const reply = receiveMessageOnPort(port);
  if (!reply) return { error: "Address unavailable" };
  return reply.message as WireResponse;
}

let script: vm.Script | null = null;
let manifest: Manifest | null = null;
let messages: DemoMessage[] = [];
const stores = new Map<string, UserStores>();

function describe(value: unknown): InvokeResult {
  const one = (v: unknown) => v instanceof Card;
  if (one(value)) return { kind: "cards", cards: [(value as Card).json] };
  if (Array.isArray(value) && value.length > 0 && value.every(one))
    return { kind: "cards", cards: value.map((c: Card) => c.json) };
  if (value instanceof ActionResponse) return { kind: "action", response: value.json };
  if (value instanceof UniversalActionResponse) return { kind: "universal", response: value.json };
  const name = (value as object)?.constructor?.name;
  return { kind: "invalid", description: `${typeof value}${name ? ` (${name})` : ""}` };
}

function invoke(req: Extract<WorkerRequest, { type: "invoke" }>): WorkerReply {
  const logs: string[] = [];
  if (!script || !manifest)
    return { id: req.id, result: { kind: "error", message: "No bundle loaded." }, logs };
  const userStores = stores.get(req.user) ?? newUserStores();
  stores.set(req.user, userStores);
  try {
    const globals = executionGlobals({
      manifest,
      messages,
      stores: userStores,
      transport,
      identityToken: req.identityToken,
      grant: req.grant,
      logs,
    });
    const scope = loadBundle(script, globals);
    const fn = scope[req.fn];
    if (typeof fn !== "function")
      return { id: req.id, result: { kind: "error", message: `Script function not found: ${req.fn}` }, logs };
    return { id: req.id, result: describe(fn(req.event)), logs };
  } catch (e) {
    const err = e as Error;
    return {
      id: req.id,
      result: { kind: "error", message: `${err?.message ?? e}\n${err?.stack ?? ""}` },
      logs,
    };
  }
}

parentPort!.on("message", (req: WorkerRequest) => {
  if (req.type === "load") {
    script = new vm.Script(req.code, { filename: "Code.js" });
    manifest = req.manifest;
    messages = req.messages.map((m) => ({ ...m, date: new Date(m.date) }));
    stores.clear();
    parentPort!.postMessage({ id: 0, result: { kind: "cards", cards: [] }, logs: [] });
    return;
  }
  parentPort!.postMessage(invoke(req));
});
