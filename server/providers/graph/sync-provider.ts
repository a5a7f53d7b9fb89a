// Microsoft 365 mail as the sync engine's "microsoft" provider: the connection's refresh token gives
// access tokens, its backfill window bounds the first round, and each message goes through automatic
// logging. With the Exchange integration enabled, its contact folders are scopes too (sync/contacts/).
import { contactsPortFor } from "../../sync/contacts/port-factory.js";
import { withExchangeContacts } from "../../sync/contacts/session.js";
import { type ProviderContext, registerProvider } from "../../sync/provider.js";
import { backfillStart, mailProviderSession, syncsMail } from "../mail-session.js";
import { oauthAccessToken } from "../oauth-access.js";
import { graphSession } from "./index.js";
import { keepGraphSubscriptions } from "./subscription-upkeep.js";

async function open(ctx: ProviderContext) {
  const session = graphSession({
    baseUrl: ctx.config.GRAPH_URL,
    accessToken: oauthAccessToken(ctx),
    since: backfillStart(ctx.connection),
  });
  if (syncsMail(ctx.connection)) await keepGraphSubscriptions(ctx, session.client);
  return withExchangeContacts(ctx, await mailProviderSession(ctx, "graph", session), contactsPortFor(ctx));
}

registerProvider({ name: "microsoft", open });
