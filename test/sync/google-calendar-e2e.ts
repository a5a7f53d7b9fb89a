// What the end-to-end Google Calendar tests share: a test server that never polls, the Google emulator
// answering its requests, and calendar connections as the OAuth callback leaves them.
import type { SetupServer } from "msw/node";
import { DEMO_GOOGLE_CLIENT, GoogleEmulator } from "../../emulators/google/emulator.js";
import { createConnection, SECRET } from "../../server/connections/connections.js";
import { putSecret } from "../../server/secrets/store.js";
import { type Engine, startTestServer, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";

export const CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar";

/** Google's demo OAuth client; syncs run only when a test runs them; `env` adds to the rest. */
export const startGoogleCalendarServer = (engine: Engine, env: Record<string, string> = {}) =>
  startTestServer({
    engine,
    env: {
      GOOGLE_OAUTH_CLIENT_ID: DEMO_GOOGLE_CLIENT.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: DEMO_GOOGLE_CLIENT.clientSecret!,
      CONCILIA_SYNC_TICK_SECONDS: "0",
      ...env,
    },
  });

/** The Google emulator with account `address`, answering `s`'s Google requests through `msw` from now on. */
export function googleEmulatorOn(s: TestServer, msw: SetupServer, address: string, name = "Ana Ruiz") {
  const google = new GoogleEmulator({ fetch: injectFetch(s.app), pushRetryDelaysMs: [] });
  google.addAccount(address, name);
  msw.use(...google.handlers());
  msw.listen({ onUnhandledRequest: "bypass" });
  return google;
}

/**
 * `userId`'s calendar-only connection of Google account `address`, as the OAuth callback leaves it but
 * with no sync queued (the test runs the steps); its id.
 */
export function connectGoogleCalendar(
  s: TestServer,
  google: GoogleEmulator,
  userId: string,
  address: string,
) {
  const { refreshToken } = google.issueTokens(address, `openid email ${CALENDAR_SCOPE}`);
  return s.ctx.db.transaction(async (tx) => {
    const c = await createConnection(tx, userId, {
      provider: "google",
      accountAddress: address,
      syncs: "calendar",
      grantedScopes: ["openid", "email", CALENDAR_SCOPE],
    });
    await putSecret({ db: tx, secrets: s.ctx.secrets }, c.id, SECRET.refreshToken, refreshToken, null);
    return c.id;
  });
}
