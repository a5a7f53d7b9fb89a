import { randomUUID } from "node:crypto";

/**
 * Before creating a subscription Graph checks each URL: https (loopback http allowed here so local
 * receivers work), then a POST of `?validationToken=…` form-encoded (`:` as %3A, spaces as `+`,
 * quirk 14) that must come back decoded, as text/plain with 200, within the timeout (10 s).
 * Each function answers the reason for refusal, or null.
 */
export function notificationUrlProblem(url: string, allowHttp: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "The notification URL is not a valid URL.";
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol === "https:" || (parsed.protocol === "http:" && (loopback || allowHttp))) return null;
  return "Subscription validation request failed. Notification endpoint must be https.";
}

export async function validationProblem(
  url: string,
  doFetch: typeof fetch,
  timeoutMs: number,
): Promise<string | null> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const target = new URL(url);
  // URLSearchParams form-encodes: `:` as %3A, spaces as `+`.
  target.search = `${target.search ? `${target.search.slice(1)}&` : ""}${new URLSearchParams({ validationToken: token })}`;
  try {
    const response = await doFetch(target, {
      method: "POST",
      headers: { "content-type": "text/plain; charset=utf-8" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    const plain = (response.headers.get("content-type") ?? "").startsWith("text/plain");
    if (response.status === 200 && plain && body === token) return null;
    return "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.";
  } catch (error) {
    return error instanceof Error && error.name === "TimeoutError"
      ? "Subscription validation request timed out."
      : "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.";
  }
}
