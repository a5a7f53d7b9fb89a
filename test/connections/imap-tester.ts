// An IMAP "world" for the connections tests: the servers that exist and the logins they accept. It
// answers like the IMAP provider's connectivity test (R-CON-6): the first step that fails, named.
import type { ImapAccount, ImapTester } from "../../server/connections/imap-test.js";

export interface FakeImapWorld {
  tester: ImapTester;
  /** Every account the tester was asked about (passwords included: the test checks what was sent). */
  calls: ImapAccount[];
}

export function fakeImapWorld(
  servers: Record<string, { port: number; logins: Record<string, string> }>,
): FakeImapWorld {
  const calls: ImapAccount[] = [];
  const tester: ImapTester = async (account) => {
    calls.push(account);
    const server = servers[account.host];
    if (!server) return { ok: false, step: "dns", message: `${account.host} does not resolve.` };
    if (server.port !== account.port)
      return {
        ok: false,
        step: "connect",
        message: `Connection refused on ${account.host}:${account.port}.`,
      };
    if (account.tls === "none") return { ok: false, step: "tls", message: "The server requires TLS." };
    if (server.logins[account.username] !== account.password)
      return { ok: false, step: "login", message: "AUTHENTICATIONFAILED Invalid credentials." };
    return { ok: true };
  };
  return { tester, calls };
}
