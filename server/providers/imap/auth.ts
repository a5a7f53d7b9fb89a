// IMAP accounts sign in with the mail account's username and an app password (never the CRM's password).
// The failure a server answers tells the user what to do: a wrong password, an app password the provider
// insists on, or a login the server only takes over TLS.
import type { AuthOptions } from "imapflow";

export interface ImapCredentials {
  username: string;
  /** An app password where the provider issues them (iCloud, Yahoo, Gmail); never logged. */
  password: string;
}

export type AuthFailure =
  /** The server said the username or password is wrong. */
  | "invalid-credentials"
  /** The provider wants an app-specific password instead of the account password. */
  | "app-password-required"
  /** The server refuses to take a password over an unencrypted connection. */
  | "encryption-required"
  /** The server cannot sign anyone in right now ([UNAVAILABLE]): try again later. */
  | "unavailable";

export function imapAuth(credentials: ImapCredentials): AuthOptions {
  return { user: credentials.username, pass: credentials.password };
}

interface MaybeImapError {
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  responseText?: string;
  code?: string;
  message?: string;
}

/** What kind of sign-in failure an error is, or null when it is not one. */
export function authFailureOf(err: unknown): AuthFailure | null {
  const e = (err ?? {}) as MaybeImapError;
  const code = e.serverResponseCode?.toUpperCase();
  const text = `${e.responseText ?? ""} ${e.message ?? ""}`;
  if (code === "UNAVAILABLE") return "unavailable";
  if (code === "PRIVACYREQUIRED" || /LOGINDISABLED|plaintext authentication disallowed/i.test(text))
    return "encryption-required";
  if (
    !e.authenticationFailed &&
    !["AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED"].includes(code ?? "")
  )
    return null;
  if (/application[- ]specific password|app password/i.test(text)) return "app-password-required";
  return "invalid-credentials";
}
