// The discovery chain of reference §5.1: .well-known/caldav (RFC 6764, redirects followed), the
// current-user-principal (RFC 5397) on the URL it led to, then the principal's calendar-home-set. Every
// href is resolved against the URL that answered it (iCloud answers on another host). A failure names
// the step it happened at, so the connectivity test and the sync can tell the user what to fix.
import { fetchHomeUrl, fetchPrincipalUrl, serviceDiscovery } from "tsdav";
import { HostLookupError } from "../private-hosts.js";
import {
  basicAuthHeaders,
  type CaldavAccount,
  type CaldavClient,
  type CaldavConnectOptions,
  guardedFetch,
} from "./client.js";

export type DiscoveryStep = "lookup" | "connection" | "discovery" | "login" | "home";

export class CaldavStepError extends Error {
  constructor(
    readonly step: DiscoveryStep,
    message: string,
    /** The HTTP status that decided it, when one did. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CaldavStepError";
  }
}

/** Runs discovery and answers a client for the account's calendar home; throws CaldavStepError. */
export async function connectCaldav(
  account: CaldavAccount,
  opts: CaldavConnectOptions,
): Promise<CaldavClient> {
  let serverUrl: URL;
  try {
    serverUrl = new URL(account.serverUrl);
  } catch (err) {
    throw new CaldavStepError("discovery", `"${account.serverUrl}" is not a URL.`, undefined, { cause: err });
  }
  const seen: number[] = [];
  const fetch = guardedFetch(opts, seen);
  const headers = basicAuthHeaders(account);
  const base = { accountType: "caldav" as const, serverUrl: serverUrl.href, credentials: {} };
  // Discovery itself swallows network failures; the principal look-up after it reports them.
  const discovered = await serviceDiscovery({ account: base, headers, fetch }).catch(() => serverUrl.href);
  let rootUrl = discovered;
  let principalUrl: string | null = null;
  let lastError: unknown = null;
  for (const candidate of unique([discovered, serverUrl.href, new URL("/", serverUrl).href])) {
    try {
      principalUrl = await fetchPrincipalUrl({ account: { ...base, rootUrl: candidate }, headers, fetch });
      rootUrl = candidate;
      break;
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error) || !/principalUrl|Invalid credentials/i.test(err.message)) break;
    }
  }
  if (!principalUrl) throw stepErrorOf(lastError, seen);
  let homeUrl: string;
  try {
    homeUrl = await fetchHomeUrl({ account: { ...base, rootUrl, principalUrl }, headers, fetch });
  } catch (err) {
    if (seen.includes(401)) throw stepErrorOf(err, seen);
    throw new CaldavStepError("home", "The account has no calendar home (calendar-home-set).", undefined, {
      cause: err,
    });
  }
  return { rootUrl, principalUrl, homeUrl, headers, fetch };
}

/** Which step a failure of the principal look-up belongs to. */
function stepErrorOf(err: unknown, seen: number[]): CaldavStepError {
  if (err instanceof HostLookupError)
    return new CaldavStepError("lookup", err.message, undefined, { cause: err });
  if (seen.includes(401))
    return new CaldavStepError("login", "The server refused the username or password (401).", 401, {
      cause: err,
    });
  if (err instanceof Error && err.name === "InsecureUrlError")
    return new CaldavStepError("connection", err.message, undefined, { cause: err });
  if (!(err instanceof Error) || !/principalUrl/i.test(err.message))
    return new CaldavStepError("connection", `The server could not be reached: ${reasonOf(err)}`, undefined, {
      cause: err,
    });
  const status = seen.at(-1);
  return new CaldavStepError(
    "discovery",
    `No CalDAV service answers at this address (no current-user-principal${status ? `, HTTP ${status}` : ""}).`,
    status,
    { cause: err },
  );
}

/** A network failure's reason: fetch hides the socket error in `cause`. */
export function reasonOf(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

function unique(urls: string[]): string[] {
  return urls.filter((u, i) => urls.indexOf(u) === i);
}
