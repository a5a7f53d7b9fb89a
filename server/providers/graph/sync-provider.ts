// Microsoft 365 as the sync engine's "microsoft" provider: the connection's refresh token gives
// access tokens; mail (its backfill window bounds the first round, each message goes through
// automatic logging) and the selected Outlook calendars (calendar-session.ts) share one Graph client.
// With the Exchange integration enabled, its contact folders are scopes too (sync/contacts/).
import { contactsPortFor } from "../../sync/contacts/port-factory.js";
import { withExchangeContacts } from "../../sync/contacts/session.js";
import { type ProviderContext, registerProvider } from "../../sync/provider.js";
import { stepRetry } from "../http.js";
import { backfillStart, mailProviderSession, syncsMail } from "../mail-session.js";
import { oauthAccessToken } from "../oauth-access.js";
import { withGraphCalendars } from "./calendar-session.js";
import "./contacts-factory.js";
import { graphSession } from "./index.js";
import { keepGraphSubscriptions } from "./subscription-upkeep.js";

async function open(ctx: ProviderContext) {
  const session = graphSession({
    baseUrl: ctx.config.GRAPH_URL,
    accessToken: oauthAccessToken(ctx),
    since: backfillStart(ctx.connection),
    retry: stepRetry(ctx.config, ctx.signal),
  });
  if (syncsMail(ctx.connection)) await keepGraphSubscriptions(ctx, session.client);
  const mail = await mailProviderSession(ctx, "graph", session);
  return withExchangeContacts(ctx, await withGraphCalendars(ctx, mail, session.client), contactsPortFor(ctx));
}

registerProvider({ name: "microsoft", open });
