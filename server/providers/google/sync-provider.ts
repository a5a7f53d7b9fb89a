// Google as the sync engine's "google" provider: the connection's refresh token gives access tokens,
// its backfill window bounds the first sync; Gmail messages go through automatic logging and, for a
// connection that syncs its calendar, the selected calendars sync both ways (calendar-session.ts).
import { type ProviderContext, registerProvider } from "../../sync/provider.js";
import { stepRetry } from "../http.js";
import { backfillStart, mailProviderSession, syncsMail } from "../mail-session.js";
import { oauthAccessToken } from "../oauth-access.js";
import { GoogleCalendarClient } from "./calendar-client.js";
import { withGoogleCalendars } from "./calendar-session.js";
import { gmailSession } from "./index.js";
import { keepGmailWatch } from "./watch-upkeep.js";

async function open(ctx: ProviderContext) {
  const accessToken = oauthAccessToken(ctx);
  const retry = stepRetry(ctx.config, ctx.signal);
  const session = gmailSession({
    baseUrl: ctx.config.GOOGLE_API_URL,
    accessToken,
    since: backfillStart(ctx.connection),
    retry,
  });
  if (syncsMail(ctx.connection)) await keepGmailWatch(ctx, session.client);
  const calendar = new GoogleCalendarClient({ baseUrl: ctx.config.GOOGLE_API_URL, accessToken, retry });
  return withGoogleCalendars(ctx, await mailProviderSession(ctx, "gmail", session), calendar);
}

registerProvider({ name: "google", open });
