// The connectivity test the server runs for custom IMAP accounts (R-CON-6): the IMAP provider's own
// test, with its steps named as the connections API names them. Name lookup is where a host outside
// the allowed ranges is refused (SSRF), so a red "dns" also covers "that address is not allowed".
import { mailAccountMessages } from "../../shared/mail-account-messages.js";
import { type ConnectivityStep, testImapConnectivity } from "../providers/imap/connectivity.js";
import { parseAllowance } from "../providers/private-hosts.js";
import type { ImapTester } from "./imap-test.js";

const STEP: Record<ConnectivityStep, "dns" | "connect" | "tls" | "login" | "capability"> = {
  lookup: "dns",
  connect: "connect",
  tls: "tls",
  login: "login",
  capability: "capability",
  // A server that signs in but cannot show INBOX or list folders lacks what sync needs.
  folders: "capability",
};

export function imapProviderTester(allowPrivateHosts: readonly string[]): ImapTester {
  const allowPrivate = parseAllowance(allowPrivateHosts);
  return async (account) => {
    const result = await testImapConnectivity(account, { allowPrivate });
    if (result.ok) return { ok: true };
    const message = mailAccountMessages.en[result.messageKey];
    return { ok: false, step: STEP[result.step], message: `${message} ${result.detail}`.trim() };
  };
}
