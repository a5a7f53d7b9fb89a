// Opens an imapflow connection to a user's mail server. The host is resolved and checked against the
// private-address policy first and the connection goes to that checked address, with the typed host name
// kept for TLS (SNI and certificate check). Logging is off: imapflow's logs would carry mail contents,
// and the password must never reach a log.

import net from "node:net";
import { ImapFlow } from "imapflow";
import { type PrivateHostAllowance, resolveAllowedAddress } from "../private-hosts.js";
import { type ImapCredentials, imapAuth } from "./auth.js";

/** implicit: TLS from the first byte (993); starttls: plain connection upgraded, required (143); none: no TLS. */
export type ImapTlsMode = "implicit" | "starttls" | "none";

export interface ImapServer {
  host: string;
  port: number;
  tls: ImapTlsMode;
}

export interface ImapAccount extends ImapServer, ImapCredentials {}

export interface ImapConnectOptions {
  /** Which private hosts may be reached (CONCILIA_ALLOW_PRIVATE_HOSTS); none by default. */
  allowPrivate: PrivateHostAllowance;
  /** Extra certificate authorities to trust (PEM), e.g. a company CA or a test server's certificate. */
  ca?: string | Buffer;
  /** Accept any certificate. Only for tests and explicit configuration: it removes TLS's protection. */
  tlsInsecure?: boolean;
  /** TCP + TLS handshake budget, then the greeting's; default 15 s each. */
  connectTimeoutMs?: number;
  /** Inactivity before the connection is dropped; default 2 minutes. */
  socketTimeoutMs?: number;
  /** Largest single literal (message source) accepted; bounds memory against a hostile server. */
  maxLiteralBytes?: number;
  /** Each IDLE is ended and re-issued after this long (see idle.ts). */
  maxIdleMs?: number;
  /** Resolver, for tests that need a name pointing somewhere particular. */
  lookup?: (host: string) => Promise<{ address: string }[]>;
}

/** Connects and signs in; throws HostLookupError, a socket/TLS error or an imapflow error (see errors.ts). */
export async function connectImap(account: ImapAccount, opts: ImapConnectOptions): Promise<ImapFlow> {
  const address = await resolveAllowedAddress(account.host, opts.allowPrivate, opts.lookup);
  const typed = account.host.trim().replace(/^\[(.*)\]$/, "$1");
  const timeout = opts.connectTimeoutMs ?? 15_000;
  const client = new ImapFlow({
    host: address,
    port: account.port,
    // SNI and the certificate check use the name the user typed, not the address connected to.
    servername: net.isIP(typed) ? undefined : typed,
    secure: account.tls === "implicit",
    doSTARTTLS: account.tls === "starttls" ? true : account.tls === "none" ? false : undefined,
    tls: {
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.tlsInsecure ? { rejectUnauthorized: false } : {}),
      minVersion: "TLSv1.2",
    },
    auth: imapAuth(account),
    logger: false,
    emitLogs: false,
    disableAutoIdle: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: opts.socketTimeoutMs ?? 120_000,
    ...(opts.maxIdleMs ? { maxIdleTime: opts.maxIdleMs } : {}),
    ...(opts.maxLiteralBytes ? { maxLiteralSize: opts.maxLiteralBytes } : {}),
  });
  // An 'error' event without a listener would crash the process; failures reach the caller through
  // the rejected command or connect() instead.
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** Logs out politely, and closes the socket whatever happens. */
export async function closeImap(client: ImapFlow): Promise<void> {
  try {
    if (client.usable) await client.logout();
  } catch {
    // the connection is gone already
  } finally {
    client.close();
  }
}
