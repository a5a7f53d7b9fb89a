import type { ThrottleKnob } from "../faults.js";
import { json } from "../shared/http.js";

/** Google's JSON error envelope (Calendar and Gmail share it, §3.9 and §4.7). */
const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

export function googleError(
  code: number,
  reason: string,
  message: string,
  extra: { location?: string; locationType?: string; headers?: Record<string, string> } = {},
): Response {
  const { headers, ...where } = extra;
  return json(
    {
      error: {
        code,
        message,
        errors: [
          {
            message,
            domain: code === 403 && reason.includes("Limit") ? "usageLimits" : "global",
            reason,
            ...where,
          },
        ],
        status: STATUS_NAMES[code] ?? "UNKNOWN",
      },
    },
    code,
    headers,
  );
}

export function googleUnauthenticated(): Response {
  return googleError(
    401,
    "authError",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    {
      location: "Authorization",
      locationType: "header",
      headers: { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    },
  );
}

export function googleNotFound(): Response {
  return googleError(404, "notFound", "Requested entity was not found.");
}

export function googleThrottled(knob: ThrottleKnob): Response {
  const headers: Record<string, string> = {};
  if (knob.retryAfter != null) headers["retry-after"] = String(knob.retryAfter);
  if (knob.status === 503)
    return googleError(503, "backendError", "The service is currently unavailable.", { headers });
  if (knob.status === 403) {
    return googleError(403, knob.code ?? "userRateLimitExceeded", "User-rate limit exceeded.", { headers });
  }
  return googleError(429, knob.code ?? "rateLimitExceeded", "Too many concurrent requests for user.", {
    headers,
  });
}

/** The OAuth endpoints answer RFC 6749 bodies, not the API envelope. */
export function oauthError(error: string, description: string, status = 400): Response {
  return json({ error, error_description: description }, status);
}
