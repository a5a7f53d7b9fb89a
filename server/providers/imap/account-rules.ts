// Account choices refused before anything is stored or synced, as pure checks the connections API calls:
// POP3 (R-CON-5), IMAP for calendars (R-CON-4), an iCloud account that is not the user's (R-CON-7).
// Each refusal names its rule and a message key the settings views show (shared/mail-account-messages.ts).
import type { MailAccountMessageKey } from "../../../shared/mail-account-messages.js";
import { normalizeEmail } from "../../../shared/text.js";

export type SyncScope = "email" | "calendar" | "both";

export interface AccountRefusal {
  rule: "R-CON-4" | "R-CON-5" | "R-CON-7";
  /** The request field the refusal is about, as a problem+json path would name it. */
  field: "protocol" | "scope" | "address";
  messageKey: MailAccountMessageKey;
  /** English text for the API's problem detail. */
  detail: string;
}

/** POP3 cannot be synced: there is no Sent folder and the server copy is downloaded and deleted (R-CON-5). */
export function refuseMailProtocol(protocol: string): AccountRefusal | null {
  const p = protocol.trim().toLowerCase();
  if (p === "pop3" || p === "pop" || p === "pop3s")
    return {
      rule: "R-CON-5",
      field: "protocol",
      messageKey: "account.pop3Unsupported",
      detail:
        "POP3 is not supported: it downloads and deletes messages from the server and has no Sent folder, so there is nothing to keep in sync. Use IMAP.",
    };
  return null;
}

/** IMAP carries mail only: calendar or both with an IMAP account is refused (R-CON-4). */
export function refuseImapScope(scope: SyncScope): AccountRefusal | null {
  if (scope === "email") return null;
  return {
    rule: "R-CON-4",
    field: "scope",
    messageKey: "account.imapCalendar",
    detail:
      "IMAP syncs mail only, never calendars: choose email, or connect the calendar with another provider.",
  };
}

/** iCloud: the account's address must be one of the CRM user's own addresses (R-CON-7). */
export function refuseICloudAddress(
  accountAddress: string,
  userAddresses: readonly string[],
): AccountRefusal | null {
  const mine = new Set(userAddresses.map(normalizeEmail));
  if (mine.has(normalizeEmail(accountAddress))) return null;
  return {
    rule: "R-CON-7",
    field: "address",
    messageKey: "account.icloudAddressMismatch",
    detail: "The iCloud account address must be the same as your Concilia address.",
  };
}
