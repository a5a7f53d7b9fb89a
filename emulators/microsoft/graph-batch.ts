import { json } from "../shared/http.js";
import { markBatchPart, type Route } from "../shared/router.js";
import { graphError } from "./errors.js";
import type { GraphCaller } from "./graph-caller.js";

/**
 * JSON batching (§1.10): up to 20 requests with unique ids, `dependsOn` sequencing (424 when a
 * dependency failed), each answered with its own status and headers inside a 200, in an order
 * that is not the request order. Items are throttled on their own (the throttle knob reaches
 * them) and, with the `batchConcurrency` knob, items beyond that number answer 429 with their
 * own Retry-After (Outlook's 4 concurrent requests per mailbox).
 */
type BatchItem = {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
};

type ItemResponse = { id: string; status: number; headers: Record<string, string>; body?: unknown };

function envelopeProblem(requests: unknown): string | null {
  if (!Array.isArray(requests)) return "Invalid batch payload format.";
  if (requests.length > 20) return "Number of requests in the batch exceeds the maximum of 20.";
  const ids = new Set<string>();
  for (const r of requests as BatchItem[]) {
    if (!r || typeof r.id !== "string" || typeof r.method !== "string" || typeof r.url !== "string") {
      return "Invalid batch payload format.";
    }
    if (ids.has(r.id.toLowerCase())) return `Batch request contains duplicate id '${r.id}'.`;
    ids.add(r.id.toLowerCase());
    if (
      r.body !== undefined &&
      !Object.keys(r.headers ?? {}).some((h) => h.toLowerCase() === "content-type")
    ) {
      return "Content-Type header is required when a body is present.";
    }
  }
  for (const r of requests as BatchItem[]) {
    if (r.dependsOn?.some((d) => !ids.has(d.toLowerCase()))) return "Invalid dependsOn value.";
  }
  return null;
}

async function itemResponse(id: string, response: Response): Promise<ItemResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (response.status === 204 || response.headers.get("content-length") === "0")
    return { id, status: response.status, headers };
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length === 0) return { id, status: response.status, headers };
  const isJson = (response.headers.get("content-type") ?? "").includes("json");
  // Non-JSON bodies (e.g. `$value`) come back base64-encoded.
  return {
    id,
    status: response.status,
    headers,
    body: isJson ? JSON.parse(bytes.toString("utf8")) : bytes.toString("base64"),
  };
}

export function graphBatchRoute(
  dispatch: (request: Request) => Promise<Response>,
  concurrency: (account: string) => number | undefined,
): Route<GraphCaller> {
  return {
    method: "POST",
    path: /^\/v1\.0\/\$batch$/i,
    endpoint: "graph.batch",
    auth: true,
    async handle({ request, url, account }) {
      const envelope = (await request.json().catch(() => null)) as { requests?: unknown } | null;
      const problem = envelopeProblem(envelope?.requests);
      if (problem) return graphError(400, "BadRequest", problem);
      const items = envelope!.requests as BatchItem[];
      const limit = concurrency(account!.email);
      const done = new Map<string, ItemResponse>();
      const auth = request.headers.get("authorization") ?? "";
      let started = 0;
      for (const item of items) {
        const failed = item.dependsOn?.find((d) => (done.get(d.toLowerCase())?.status ?? 0) >= 400);
        let response: ItemResponse;
        if (failed) {
          response = await itemResponse(
            item.id,
            graphError(424, "FailedDependency", `The dependent request '${failed}' failed.`),
          );
        } else if (limit !== undefined && !item.dependsOn?.length && started++ >= limit) {
          response = await itemResponse(
            item.id,
            graphError(
              429,
              "ApplicationThrottled",
              "Application is over its MailboxConcurrency limit.",
              { "retry-after": "1" },
              {
                code: "429",
                status: "429",
              },
            ),
          );
        } else {
          const headers = markBatchPart(new Headers(item.headers ?? {}));
          headers.set("authorization", auth);
          const target = new URL(
            `${url.origin}/v1.0/${item.url.replace(/^\/+/, "").replace(/^v1\.0\//, "")}`,
          );
          const init: RequestInit = { method: item.method.toUpperCase(), headers };
          if (item.body !== undefined)
            init.body = typeof item.body === "string" ? item.body : JSON.stringify(item.body);
          response = await itemResponse(item.id, await dispatch(new Request(target, init)));
        }
        done.set(item.id.toLowerCase(), response);
      }
      // Graph answers in any order; the emulator reverses it so clients that match by position break.
      return json({ responses: [...done.values()].reverse() });
    },
  };
}
