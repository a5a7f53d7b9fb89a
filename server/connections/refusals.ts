// What a connection may not be, each refused with the reason a user can act on (422, with the field):
// IMAP with calendars (R-CON-4), POP3 (R-CON-5), an iCloud account that is not the user's (R-CON-7).
import type { ConnectionProvider, ConnectionSyncs } from "../../shared/api/connections.js";
import { unprocessable } from "../api/problem.js";

const POP3_PORTS = new Set([110, 995]);

/** R-CON-5: asked for by name or by its ports. */
export function refusePop3(input: { protocol?: string; port?: number }, where = "body"): void {
  const byName = input.protocol === "pop3";
  if (!byName && !(input.port !== undefined && POP3_PORTS.has(input.port))) return;
  const reason =
    "POP3 is not supported: it downloads messages and deletes them from the server, and shows neither the Sent folder nor any change, so there is nothing to keep in sync. Use the account's IMAP server (usually port 993).";
  throw unprocessable(reason, [
    {
      path: `${where}.${byName ? "protocol" : "port"}`,
      message: byName ? "POP3 cannot sync" : "is a POP3 port",
    },
  ]);
}

/** R-CON-4: IMAP carries mail only. */
export function refuseImapCalendars(
  provider: ConnectionProvider,
  syncs: ConnectionSyncs,
  where = "body",
): void {
  if (provider !== "imap" || syncs === "email") return;
  throw unprocessable(
    "An IMAP account syncs email only: IMAP has no calendars. Choose “email”, or connect the calendar through its provider (Google, Microsoft, iCloud or Yahoo).",
    [{ path: `${where}.syncs`, message: "IMAP syncs email only" }],
  );
}

/** R-CON-4: an Other CalDAV server carries calendars only. */
export function refuseCaldavMail(provider: ConnectionProvider, syncs: ConnectionSyncs, where = "body"): void {
  if (provider !== "caldav" || syncs === "calendar") return;
  throw unprocessable(
    "An Other CalDAV server account syncs calendars only: CalDAV has no mail. Choose “calendar”, or connect the mailbox as its own account (IMAP).",
    [{ path: `${where}.syncs`, message: "CalDAV syncs calendars only" }],
  );
}

/** R-CON-7: an iCloud account must be the CRM user's own (one of his addresses). */
export function refuseForeignIcloud(accountAddress: string, userAddresses: string[]): void {
  const address = accountAddress.trim().toLowerCase();
  if (userAddresses.includes(address)) return;
  throw unprocessable(
    `iCloud can only be connected for your own address: ${address} is not the address you use in Concilia (${userAddresses[0] ?? "none"}). iCloud gives access to a whole Apple account, so Concilia only syncs the one that belongs to you; ask an admin to add ${address} to your addresses if it is yours.`,
    [{ path: "body.accountAddress", message: "is not your address" }],
  );
}
