// Gmail as the sync engine's "google" provider: the connection's refresh token gives access tokens,
// its backfill window bounds the first sync, and each message goes through automatic logging.
import { type ProviderContext, registerProvider } from "../../sync/provider.js";
import { backfillStart, mailProviderSession, syncsMail } from "../mail-session.js";
import { oauthAccessToken } from "../oauth-access.js";
import { gmailSession } from "./index.js";
import { keepGmailWatch } from "./watch-upkeep.js";

async function open(ctx: ProviderContext) {
  const session = gmailSession({
    baseUrl: ctx.config.GOOGLE_API_URL,
    accessToken: oauthAccessToken(ctx),
    since: backfillStart(ctx.connection),
  });
  if (syncsMail(ctx.connection)) await keepGmailWatch(ctx, session.client);
  return mailProviderSession(ctx, "gmail", session);
}

registerProvider({ name: "google", open });
