// A Gmail mailbox in the Google emulator (in-process, on Google's real hosts) and a Gmail session
// pointed at it, with a sleep that records the waits instead of taking them.
import { setupServer } from "msw/node";
import { GoogleEmulator } from "../../../emulators/google/emulator.js";
import { gmailSession } from "../../../server/providers/google/index.js";
import { NOW } from "../sync-helpers.js";

export const ANA = "ana@acme.test";
/** The connection's backfill window: 60 days. */
export const SINCE = new Date(NOW - 60 * 86_400_000);

export function gmailWorld(o: { pushMinIntervalMs?: number; fetch?: typeof fetch } = {}) {
  const clock = { now: NOW };
  const google = new GoogleEmulator({
    clock: () => clock.now,
    pushMinIntervalMs: o.pushMinIntervalMs,
    fetch: o.fetch,
  });
  const box = google.addAccount(ANA, "Ana Ruiz");
  // The connection's token: kept until a call asks for a new one on purpose (after a 401).
  const token = { current: google.issueTokens(ANA).accessToken, refreshes: 0, canRefresh: true };
  const waits: number[] = [];
  const session = gmailSession({
    baseUrl: "https://gmail.googleapis.com",
    accessToken: async (o) => {
      if (o?.forceRefresh) token.refreshes++;
      if (o?.forceRefresh && token.canRefresh) {
        token.current = google.issueTokens(ANA).accessToken;
      }
      return token.current;
    },
    since: SINCE,
    retry: { sleep: async (ms) => void waits.push(ms) },
  });
  const server = setupServer(...google.handlers());
  return { clock, google, box, session, waits, server, token };
}

export { mail, messageIdOf, NOW, syncAll, syncScope } from "../sync-helpers.js";
