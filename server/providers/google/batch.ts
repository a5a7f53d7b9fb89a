// Google's batch endpoints (Gmail's and Calendar's) speak multipart/mixed: one `application/http` part
// per call, each answered with its own status line inside one 200. Answers are matched by Content-ID,
// never by position.
import { randomBytes } from "node:crypto";
import { type FetchFn, httpError, send } from "../http.js";

export interface BatchAnswer {
  status: number;
  headers: Headers;
  body: string;
}

export function encodeBatch(paths: Map<string, string>): { contentType: string; body: string } {
  const boundary = `batch_${randomBytes(12).toString("hex")}`;
  const parts = [...paths].map(
    ([id, path]) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <${id}>\r\n\r\nGET ${path}\r\n\r\n`,
  );
  return {
    contentType: `multipart/mixed; boundary=${boundary}`,
    body: `${parts.join("")}--${boundary}--\r\n`,
  };
}

function split(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? [text.slice(0, m.index), text.slice(m.index + m[0].length)] : [text, ""];
}

function headersOf(block: string): Headers {
  const headers = new Headers();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** The answers by the Content-ID they were sent with (`response-<id>` on the way back). */
export function decodeBatch(contentType: string, text: string): Map<string, BatchAnswer> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  const out = new Map<string, BatchAnswer>();
  if (!boundary) return out;
  for (const chunk of text.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith("--")) break;
    const [outer, http] = split(chunk.replace(/^\r?\n/, ""));
    const id = headersOf(outer)
      .get("content-id")
      ?.replace(/^<|>$/g, "")
      .replace(/^response-/, "");
    const [head, body] = split(http.replace(/^\s+/, ""));
    const [statusLine, ...lines] = head.split(/\r?\n/);
    const status = Number(/^HTTP\/[\d.]+\s+(\d{3})/.exec(statusLine)?.[1]);
    if (id && status)
      out.set(id, { status, headers: headersOf(lines.join("\n")), body: body.replace(/\r?\n$/, "") });
  }
  return out;
}

/**
 * One batch request of GETs (full paths by id) to `url`, Gmail's or Calendar's batch endpoint; a failed
 * batch as a whole is an HttpSyncError, each part's own failure is the caller's to handle.
 */
export async function sendBatch(
  provider: string,
  doFetch: FetchFn,
  url: string,
  paths: Map<string, string>,
  authorization: string,
): Promise<Map<string, BatchAnswer>> {
  const { contentType, body } = encodeBatch(paths);
  const res = await send(provider, doFetch, url, {
    method: "POST",
    headers: { authorization, "content-type": contentType },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw httpError(provider, res.status, res.headers, text);
  return decodeBatch(res.headers.get("content-type") ?? "", text);
}
