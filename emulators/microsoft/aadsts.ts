import type { CodeRedemption } from "../shared/oauth-grants.js";

/**
 * The AADSTS codes the token endpoint answers, by cause. Codes are what clients branch on; the
 * texts follow the identity platform's wording ([UNV] for the PKCE and redirect cases).
 */
export type AadstsError = [code: number, description: string, suberror?: string];

type CodeFailure = Extract<CodeRedemption, { ok: false }>["reason"];

export const CODE_REDEMPTION_ERRORS: Record<CodeFailure, AadstsError> = {
  redeemed: [
    54005,
    "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
  ],
  expired: [
    70008,
    "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
  ],
  verifier: [
    501481,
    "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
  ],
  "verifier-missing": [
    501481,
    "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
  ],
  redirect: [50148, "The redirect_uri does not match the redirect_uri used in the authorization request."],
  client: [70000, "Provided grant is invalid or malformed."],
  unknown: [9002313, "Invalid request. Request is malformed or invalid."],
};

/** Why a refresh token stopped working: the cause recorded when the grant was revoked. */
export const REVOCATION_ERRORS: Record<string, AadstsError> = {
  consent: [
    65001,
    "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.",
    "consent_required",
  ],
  password: [
    50173,
    "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
  ],
  inactivity: [
    700082,
    "The refresh token has expired due to inactivity. The token was issued and was inactive for 90.00:00:00.",
  ],
  revoked: [50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed."],
  malformed: [70000, "Provided grant is invalid or malformed."],
};
