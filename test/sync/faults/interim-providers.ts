// Google and Microsoft mail adapters for the fault tests, registered ONLY while the server itself
// registers none for that provider (server/providers/index.ts). Once the providers are wired to the
// engine, `providerNamed` finds the real registration and this file does nothing: the tests then run
// against the real wiring unchanged.

import { freshAccessToken, ReconnectNeeded } from "../../../server/connections/oauth-refresh.js";
import type { AppContext } from "../../../server/context.js";
import { gmailSession } from "../../../server/providers/google/index.js";
import { graphSession } from "../../../server/providers/graph/index.js";
import type { MailSession } from "../../../server/providers/types.js";
import { SyncError } from "../../../server/sync/errors.js";
import { connectionOwner, mailWriter } from "../../../server/sync/mail-writer.js";
import { type ProviderContext, providerNamed, registerProvider } from "../../../server/sync/provider.js";
import "../../../server/sync/providers.js";

type Open = (
  pc: ProviderContext,
  accessToken: (o?: { forceRefresh?: boolean }) => Promise<string>,
) => MailSession;

const sessions: Record<string, Open> = {
  google: (pc, accessToken) =>
    gmailSession({ baseUrl: pc.config.GOOGLE_API_URL, accessToken, since: backfillStart(pc) }),
  microsoft: (pc, accessToken) =>
    graphSession({ baseUrl: pc.config.GRAPH_URL, accessToken, since: backfillStart(pc) }),
};

const backfillStart = (pc: ProviderContext) => new Date(Date.now() - pc.connection.backfillDays * 86_400_000);

/** Which providers the server did not register (and this file stands in for). */
export function registerInterimProviders(ctx: AppContext): string[] {
  const missing = Object.keys(sessions).filter((name) => !providerNamed(name));
  for (const name of missing)
    registerProvider({
      name,
      async open(pc) {
        let token: string | undefined;
        const accessToken = async (o?: { forceRefresh?: boolean }) => {
          if (token && !o?.forceRefresh) return token;
          try {
            token = (await freshAccessToken(pc, pc.connection)).accessToken;
          } catch (err) {
            if (err instanceof ReconnectNeeded) throw new SyncError("auth", err.message);
            throw err;
          }
          return token;
        };
        await accessToken();
        const owner = await connectionOwner(pc.db, pc.connection);
        return { ...sessions[name](pc, accessToken), write: mailWriter(ctx, owner) };
      },
    });
  return missing;
}
