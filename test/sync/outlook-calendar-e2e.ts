// What the end-to-end Outlook calendar tests share: a test server that never polls, the Microsoft
// emulator answering its requests, and calendar connections as the OAuth callback leaves them.
import type { SetupServer } from "msw/node";
import { DEMO_MICROSOFT_CLIENT, MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { createConnection, SECRET } from "../../server/connections/connections.js";
import { putSecret } from "../../server/secrets/store.js";
import { type Engine, startTestServer, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";

/** Microsoft's demo OAuth client; syncs run only when a test runs them; `env` adds to the rest. */
export const startOutlookCalendarServer = (engine: Engine, env: Record<string, string> = {}) =>
  startTestServer({
    engine,
    env: {
      MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
      MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret!,
      CONCILIA_SYNC_TICK_SECONDS: "0",
      ...env,
    },
  });

/** The Microsoft emulator with account `address`, answering `s`'s Graph requests through `msw` from now on. */
export function microsoftEmulatorOn(s: TestServer, msw: SetupServer, address: string, name = "Ana Ruiz") {
  const microsoft = new MicrosoftEmulator({ fetch: injectFetch(s.app) });
  microsoft.addAccount(address, name);
  msw.use(...microsoft.handlers());
  msw.listen({ onUnhandledRequest: "bypass" });
  return microsoft;
}

/**
 * `userId`'s calendar-only connection of Microsoft account `address`, as the OAuth callback leaves it
 * but with no sync queued (the test runs the steps); its id.
 */
export async function connectOutlookCalendar(
  s: TestServer,
  microsoft: MicrosoftEmulator,
  userId: string,
  address: string,
) {
  const scopes = ["openid", "offline_access", "Calendars.ReadWrite"];
  const { refreshToken } = microsoft.issueTokens(address, scopes.join(" "));
  const c = await createConnection(s.ctx.db, userId, {
    provider: "microsoft",
    accountAddress: address,
    syncs: "calendar",
    grantedScopes: scopes,
  });
  await putSecret(s.ctx, c.id, SECRET.refreshToken, refreshToken, null);
  return c.id;
}
