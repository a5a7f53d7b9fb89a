// Apps Script grants exactly the manifest's scopes; a call outside them fails as it does in Google.

export const SCOPES = {
  execute: "https://www.googleapis.com/auth/gmail.addons.execute",
  messageReadonly: "https://www.googleapis.com/auth/gmail.addons.current.message.readonly",
  messageMetadata: "https://www.googleapis.com/auth/gmail.addons.current.message.metadata",
  messageAction: "https://www.googleapis.com/auth/gmail.addons.current.message.action",
  externalRequest: "https://www.googleapis.com/auth/script.external_request",
  locale: "https://www.googleapis.com/auth/script.locale",
  email: "https://www.googleapis.com/auth/userinfo.email",
  openid: "openid",
} as const;

export class Exception extends Error {
  constructor(message: string) {
    super(`Exception: ${message}`);
  }
}

export function requireScope(granted: readonly string[], what: string, anyOf: string[]): void {
  if (anyOf.some((s) => granted.includes(s))) return;
  throw new Exception(
    `You do not have permission to call ${what}. Required permissions: ${anyOf.join(" or ")}`,
  );
}
