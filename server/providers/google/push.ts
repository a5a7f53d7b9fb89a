// The Cloud Pub/Sub push of a Gmail watch (§4.6). The push subscription's endpoint URL carries a shared
// secret (`/push/google?token=…`, GOOGLE_PUSH_TOKEN), compared in constant time. Pub/Sub can instead
// sign each push with an OIDC token (Authorization: Bearer, audience = the endpoint): verifying that
// through Google's JWKS is the stronger option and is left for later. A push only says "something
// changed up to historyId": the sync reads history from its own stored id, so a duplicate, late or
// out-of-order push is dropped here and a dropped one loses nothing (polling is the fallback, R-P-2).
import { sameSecret } from "../push-secret.js";

export interface GmailPushNotice {
  emailAddress: string;
  /** A decimal string (the data carries a number, the API strings). */
  historyId: string;
}

/** Pub/Sub data is standard base64 by its own docs, base64url by Gmail's: accept both, padded or not. */
function decodeData(data: string): unknown {
  try {
    return JSON.parse(Buffer.from(data.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
  } catch {
    return null;
  }
}

/** The notice in a push body, or null when the body is not a Gmail push. */
export function parseGmailPush(body: unknown): GmailPushNotice | null {
  const data = (body as { message?: { data?: unknown } } | null)?.message?.data;
  if (typeof data !== "string" || data.length > 4096) return null;
  const notice = decodeData(data) as { emailAddress?: unknown; historyId?: unknown } | null;
  const email = notice?.emailAddress;
  const id = notice?.historyId;
  if (typeof email !== "string" || !email.includes("@")) return null;
  if ((typeof id !== "number" && typeof id !== "string") || !/^\d{1,30}$/.test(String(id))) return null;
  return { emailAddress: email.toLowerCase(), historyId: String(id) };
}

export const verifyGmailPushToken = (given: string | undefined, expected: string | undefined) =>
  sameSecret(given, expected);

/**
 * Remembers the newest historyId pushed per account, so that only a push newer than every earlier one
 * asks for a sync. Per process and bounded: a forgotten account just syncs once more.
 */
export class GmailPushFilter {
  private readonly newest = new Map<string, bigint>();
  constructor(private readonly maxAccounts = 10_000) {}

  isNew(notice: GmailPushNotice): boolean {
    const id = BigInt(notice.historyId);
    const seen = this.newest.get(notice.emailAddress);
    if (seen !== undefined && id <= seen) return false;
    this.newest.delete(notice.emailAddress);
    this.newest.set(notice.emailAddress, id);
    if (this.newest.size > this.maxAccounts) this.newest.delete(this.newest.keys().next().value!);
    return true;
  }
}
