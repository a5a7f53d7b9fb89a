// R-CON-6: the connectivity test of an IMAP account (name lookup, connection, TLS, login,
// capabilities). The test itself belongs to the IMAP provider (server/providers/imap/); the server
// is given it in its context as an ImapTester, so that the routes can be tested with a tester of
// the test's own.
import type { ImapTestResult, ImapTls } from "../../shared/api/connections.js";
import { HttpProblem } from "../api/problem.js";

export interface ImapAccount {
  host: string;
  port: number;
  tls: ImapTls;
  username: string;
  password: string;
}

export type ImapTester = (account: ImapAccount) => Promise<ImapTestResult>;

/** The tester of a server built without the IMAP provider: it says so instead of answering green or red. */
export const unavailableImapTester: ImapTester = async () => {
  throw new HttpProblem(
    503,
    "Service unavailable",
    "This server cannot test IMAP accounts: it was built without the IMAP provider.",
  );
};

/**
 * Runs the tester, bounded in time: a server that accepts the connection and then says nothing must
 * not hold the user's request (and the settings view) forever.
 */
export async function testImapAccount(
  tester: ImapTester,
  account: ImapAccount,
  timeoutMs = 30_000,
): Promise<ImapTestResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ImapTestResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          step: "connect",
          message: `${account.host}:${account.port} did not answer within ${Math.round(timeoutMs / 1000)} s.`,
        }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([tester(account), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
