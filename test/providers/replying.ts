// A provider that answers what a test scripts, for the readers' tests of malformed answers (R-P-4):
// each request gets the answer `reply` picks for it (a JSON value, or a status with a raw body), and
// the requests are kept to be counted. Past 100 requests the connection fails, so that a reader going
// round ends (as a network failure) and its test fails instead of hanging the worker.
import { expect } from "vitest";
import { SyncError } from "../../server/sync/errors.js";

export type Scripted = unknown | { status: number; raw: string; contentType?: string };

const isRaw = (a: unknown): a is { status: number; raw: string; contentType?: string } =>
  typeof a === "object" && a !== null && "raw" in a && "status" in a;

export function replying(reply: (url: string, body: string | undefined) => Scripted) {
  const requests: string[] = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = String(input);
    requests.push(url);
    if (requests.length > 100) throw new TypeError("fetch failed");
    const a = reply(url, typeof init.body === "string" ? init.body : undefined);
    if (isRaw(a))
      return new Response(a.status === 204 ? null : a.raw, {
        status: a.status,
        headers: { "content-type": a.contentType ?? "application/json" },
      });
    return new Response(JSON.stringify(a), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

/** Retries without waiting. */
export const noWait = { maxRetries: 2, backoffMs: 0, maxWaitMs: 1000, sleep: async () => {} };

/** The classified SyncError `p` rejects with; the test fails when it resolves or throws anything else. */
export async function failure(p: Promise<unknown>): Promise<SyncError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SyncError);
  return err as SyncError;
}
