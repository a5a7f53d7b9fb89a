// The connectivity test run before a custom IMAP account is saved (R-CON-6): it answers ok, or the first
// step that failed with a message key the settings views show in the user's language.
import type { MailAccountMessageKey } from "../../../shared/mail-account-messages.js";
import { HostLookupError, resolveAllowedAddress } from "../private-hosts.js";
import { authFailureOf } from "./auth.js";
import { closeImap, connectImap, type ImapAccount, type ImapConnectOptions } from "./client.js";
import { findFolders, type MailFolders } from "./folders.js";

export type ConnectivityStep = "lookup" | "connect" | "tls" | "login" | "capability" | "folders";

export type ConnectivityResult =
  | {
      ok: true;
      messageKey: "imap.ok";
      capabilities: string[];
      folders: MailFolders;
      /** Without IDLE new mail is found by polling (slower, still complete). */
      idle: boolean;
    }
  | {
      ok: false;
      step: ConnectivityStep;
      messageKey: MailAccountMessageKey;
      /** The technical reason, for the logs and a "details" line; never contains the password. */
      detail: string;
    };

/** Without one of these, the UID commands the sync relies on are not there. */
const REQUIRED_ANY_OF = ["IMAP4REV1", "IMAP4REV2"];

export async function testImapConnectivity(
  account: ImapAccount,
  opts: ImapConnectOptions,
): Promise<ConnectivityResult> {
  try {
    await resolveAllowedAddress(account.host, opts.allowPrivate, opts.lookup);
  } catch (err) {
    return failedAt(err, account);
  }
  let client: Awaited<ReturnType<typeof connectImap>>;
  try {
    client = await connectImap(account, opts);
  } catch (err) {
    return failedAt(err, account);
  }
  try {
    const capabilities = [...client.capabilities.keys()].map((c) => c.toUpperCase());
    if (!REQUIRED_ANY_OF.some((c) => capabilities.includes(c)))
      return fail("capability", "imap.capability.missing", `The server lists ${capabilities.join(" ")}.`);
    let folders: MailFolders;
    try {
      folders = await findFolders(client);
      const lock = await client.getMailboxLock(folders.inbox.path, { readOnly: true });
      lock.release();
    } catch (err) {
      return fail("folders", "imap.folders.failed", messageOf(err));
    }
    return { ok: true, messageKey: "imap.ok", capabilities, folders, idle: capabilities.includes("IDLE") };
  } finally {
    await closeImap(client);
  }
}

const certificateCodes = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
]);

/** Which step an error from resolving or connecting belongs to. */
export function failedAt(
  err: unknown,
  account: Pick<ImapAccount, "tls">,
): ConnectivityResult & { ok: false } {
  const detail = messageOf(err);
  if (err instanceof HostLookupError)
    return fail(
      "lookup",
      err.reason === "not-found" ? "imap.lookup.notFound" : "imap.lookup.privateAddress",
      detail,
    );
  const e = (err ?? {}) as { code?: string; tlsFailed?: boolean; message?: string };
  const code = e.code ?? "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return fail("lookup", "imap.lookup.notFound", detail);
  const auth = authFailureOf(err);
  if (auth === "invalid-credentials") return fail("login", "imap.login.failed", detail);
  if (auth === "app-password-required") return fail("login", "imap.login.appPassword", detail);
  if (auth === "encryption-required") return fail("login", "imap.login.encryptionRequired", detail);
  if (auth === "unavailable") return fail("login", "imap.login.unavailable", detail);
  if (certificateCodes.has(code)) return fail("tls", "imap.tls.certificate", detail);
  if (e.tlsFailed && /STARTTLS/i.test(e.message ?? ""))
    return fail("tls", "imap.tls.starttlsMissing", detail);
  if (
    e.tlsFailed ||
    code.startsWith("ERR_SSL") ||
    code === "UPGRADE_TIMEOUT" ||
    /\bSSL\b|\bTLS\b/.test(detail)
  )
    return fail("tls", "imap.tls.handshake", detail);
  if (code === "ECONNREFUSED") return fail("connect", "imap.connect.refused", detail);
  // A plain connection to a TLS port waits for a greeting that never comes: the security setting is wrong.
  if (code === "GREETING_TIMEOUT" && account.tls !== "implicit")
    return fail("tls", "imap.tls.handshake", detail);
  // A TLS connection to a plain port is closed or reset during the handshake.
  if ((code === "ECONNRESET" || code === "ClosedAfterConnectTLS") && account.tls === "implicit")
    return fail("tls", "imap.tls.handshake", detail);
  if (code === "CONNECT_TIMEOUT" || code === "ETIMEDOUT" || code === "GREETING_TIMEOUT")
    return fail("connect", "imap.connect.timeout", detail);
  return fail("connect", "imap.connect.failed", detail);
}

function fail(
  step: ConnectivityStep,
  messageKey: MailAccountMessageKey,
  detail: string,
): ConnectivityResult & { ok: false } {
  return { ok: false, step, messageKey, detail };
}

function messageOf(err: unknown): string {
  const e = err as { message?: string; responseText?: string; code?: string };
  return [e?.code, e?.responseText ?? e?.message ?? String(err)].filter(Boolean).join(": ");
}
