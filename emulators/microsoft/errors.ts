import { randomUUID } from "node:crypto";
import type { ThrottleKnob } from "../faults.js";
import { json } from "../shared/http.js";

/**
 * Graph's error envelope (§1.12) and the identity platform's AADSTS errors. `innerError.date`
 * carries no zone designator (quirk 3); throttling codes inside innerError are strings (quirk 9).
 */
export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  inner: Record<string, string> = {},
): Response {
  const requestId = randomUUID();
  return json(
    {
      error: {
        code,
        message,
        innerError: {
          ...inner,
          date: new Date().toISOString().slice(0, 19),
          "request-id": requestId,
          "client-request-id": requestId,
        },
      },
    },
    status,
    { "request-id": requestId, "client-request-id": requestId, ...headers },
  );
}

export function graphThrottled(knob: ThrottleKnob): Response {
  const headers: Record<string, string> = {};
  if (knob.retryAfter !== null) headers["retry-after"] = String(knob.retryAfter ?? 1);
  if (knob.status === 503)
    return graphError(503, knob.code ?? "serviceNotAvailable", "Service unavailable", headers);
  const code = knob.code ?? "TooManyRequests";
  const message =
    code === "ApplicationThrottled"
      ? "Application is over its MailboxConcurrency limit."
      : "Please retry again later.";
  return graphError(knob.status === 403 ? 403 : 429, code, message, headers, { code: "429", status: "429" });
}

export function graphUnauthenticated(reason: "expired" | "missing" | "invalid"): Response {
  const message =
    reason === "expired"
      ? "Lifetime validation failed, the token is expired."
      : reason === "missing"
        ? "Access token is empty."
        : "IDX14100: JWT is not well formed, there are no dots (.).";
  return graphError(401, "InvalidAuthenticationToken", message, {
    "www-authenticate":
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });
}

export function graphItemNotFound(): Response {
  return graphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
}

/** The identity platform's token-endpoint error body. */
export function aadError(
  error: string,
  code: number,
  description: string,
  status = 400,
  suberror?: string,
): Response {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = `${new Date().toISOString().slice(0, 19).replace("T", " ")}Z`;
  return json(
    {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      ...(suberror ? { suberror } : {}),
    },
    status,
  );
}
