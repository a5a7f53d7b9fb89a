// A Microsoft 365 mailbox in the Microsoft emulator (in-process, on Graph's real host) and a Graph
// session pointed at it, with a sleep that records the waits instead of taking them.
import { setupServer } from "msw/node";
import { MicrosoftEmulator } from "../../../emulators/microsoft/emulator.js";
import { graphSession } from "../../../server/providers/graph/index.js";
import { NOW } from "../sync-helpers.js";

export const BO = "bo@contoso.test";
export const GRAPH = "https://graph.microsoft.com/v1.0";

export function graphWorld(o: { fetch?: typeof fetch } = {}) {
  const clock = { now: NOW };
  const microsoft = new MicrosoftEmulator({ clock: () => clock.now, fetch: o.fetch });
  const box = microsoft.addAccount(BO, "Bo Lindqvist");
  const waits: number[] = [];
  const session = graphSession({
    baseUrl: GRAPH,
    // A fresh token per call, as the connection's token getter gives.
    accessToken: async () => microsoft.issueTokens(BO).accessToken,
    since: new Date(NOW - 60 * 86_400_000),
    retry: { sleep: async (ms) => void waits.push(ms) },
  });
  const server = setupServer(...microsoft.handlers());
  return { clock, microsoft, box, session, waits, server };
}
