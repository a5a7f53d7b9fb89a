import { randomId } from "../shared/http.js";
import { markBatchPart, type Route } from "../shared/router.js";
import { googleError } from "./errors.js";
import type { GmailCaller } from "./gmail-account.js";

/**
 * The Gmail batch endpoint (§4.1): a multipart/mixed body of up to 100 `application/http` parts,
 * each answered on its own (its own status, throttling included) inside one 200 response. Parts
 * inherit the outer Authorization header. With the `batchConcurrency` knob, parts beyond that
 * number answer 429 "Too many concurrent requests for user", as busy mailboxes do.
 */
const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

type Part = { contentId: string | null; method: string; target: string; headers: Headers; body: string };

function splitHead(text: string): [string, string] {
  const match = /\r?\n\r?\n/.exec(text);
  return match ? [text.slice(0, match.index), text.slice(match.index + match[0].length)] : [text, ""];
}

function headerLines(block: string): Headers {
  const headers = new Headers();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

export function parseBatch(body: string, boundary: string): Part[] | null {
  const chunks = body.split(`--${boundary}`);
  const parts: Part[] = [];
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith("--")) break;
    const [outerHead, http] = splitHead(chunk.replace(/^\r?\n/, ""));
    const outer = headerLines(outerHead);
    const [requestHead, requestBody] = splitHead(http.replace(/^\s+/, ""));
    const [line, ...rest] = requestHead.split(/\r?\n/);
    const match = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/.exec(line.trim());
    if (!match) return null;
    parts.push({
      contentId: outer.get("content-id"),
      method: match[1],
      target: match[2],
      headers: headerLines(rest.join("\r\n")),
      body: requestBody.replace(/\r?\n$/, ""),
    });
  }
  return parts;
}

async function renderPart(part: Part, response: Response): Promise<string> {
  const id = part.contentId ? `<response-${part.contentId.replace(/^<|>$/g, "")}>` : null;
  const lines = ["Content-Type: application/http", ...(id ? [`Content-ID: ${id}`] : []), ""];
  lines.push(`HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? ""}`.trimEnd());
  response.headers.forEach((value, name) => {
    lines.push(`${name}: ${value}`);
  });
  lines.push("", await response.text());
  return lines.join("\r\n");
}

export function gmailBatchRoute(
  dispatch: (request: Request) => Promise<Response>,
  concurrency: (account: string) => number | undefined,
  callerOf: (request: Request) => GmailCaller | Response,
  /** The same multipart protocol serves Calendar at `/batch/calendar/v3`. */
  api: { path: RegExp; endpoint: string } = { path: /^\/batch\/gmail\/v1$/, endpoint: "gmail.batch" },
): Route<GmailCaller> {
  return {
    method: "POST",
    path: api.path,
    endpoint: api.endpoint,
    auth: false,
    async handle({ request, url }) {
      const boundary = /boundary="?([^";]+)"?/.exec(request.headers.get("content-type") ?? "")?.[1];
      if (!boundary) return googleError(400, "badRequest", "Missing multipart boundary");
      const parts = parseBatch(await request.text(), boundary);
      if (!parts) return googleError(400, "badRequest", "Failed to parse batch request");
      if (parts.length > 100) return googleError(400, "badRequest", "Too many requests in batch (max 100)");
      const caller = callerOf(request);
      const limit = caller instanceof Response ? undefined : concurrency(caller.email);
      const outerAuth = request.headers.get("authorization");
      const rendered: string[] = [];
      for (const [index, part] of parts.entries()) {
        let response: Response;
        if (limit !== undefined && index >= limit) {
          response = googleError(429, "rateLimitExceeded", "Too many concurrent requests for user.");
        } else {
          const headers = markBatchPart(new Headers(part.headers));
          if (outerAuth && !headers.has("authorization")) headers.set("authorization", outerAuth);
          const init: RequestInit = { method: part.method, headers };
          if (part.body && part.method !== "GET") init.body = part.body;
          response = await dispatch(new Request(new URL(part.target, url.origin), init));
        }
        rendered.push(await renderPart(part, response));
      }
      const out = `batch_${randomId(12)}`;
      const body = `${rendered.map((r) => `--${out}\r\n${r}\r\n`).join("")}--${out}--\r\n`;
      return new Response(body, {
        status: 200,
        headers: { "content-type": `multipart/mixed; boundary=${out}` },
      });
    },
  };
}
