// R-CON-3, R-CON-6: an "Other CalDAV server" account (Nextcloud, Fastmail, Radicale and the like):
// calendars only, from the server URL, username and app password the user gives. The connectivity test
// runs first and names the step that failed (lookup, connection, discovery, login, calendar home); a
// red light saves nothing. The calendars the test found are stored with the primary one selected, and
// the first sync is queued with the connection.
import type { CaldavAccountInput, CaldavTestResult, ConnectionInput } from "../../shared/api/connections.js";
import { calendarAccountMessages } from "../../shared/calendar-account-messages.js";
import { conflict, unprocessable } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import { testCaldavConnectivity } from "../providers/caldav/connectivity.js";
import { serverUrlFor } from "../providers/caldav/profiles.js";
import { parseAllowance } from "../providers/private-hosts.js";
import { putSecret } from "../secrets/store.js";
import { queueSync } from "../sync/trigger.js";
import { mergeCalendars } from "./calendars.js";
import { type Connection, insertConnection, SECRET } from "./connections.js";

/** Each request of the test may take this long: a server that does not answer is red within a minute. */
const TEST_TIMEOUT_MS = 15_000;

/** The URL discovery starts from: what the user typed, https:// added to a bare host name. */
export const caldavUrlOf = (input: Pick<CaldavAccountInput, "serverUrl">) =>
  serverUrlFor("other", input.serverUrl);

async function runTest(ctx: AppContext, input: CaldavAccountInput) {
  return testCaldavConnectivity(
    { serverUrl: caldavUrlOf(input), username: input.username, password: input.password },
    { allowPrivate: parseAllowance(ctx.config.CONCILIA_ALLOW_PRIVATE_HOSTS), timeoutMs: TEST_TIMEOUT_MS },
  );
}

/** The test as the API answers it: the calendars found, or the failed step with its message key. */
export async function testCaldavAccount(
  ctx: AppContext,
  input: CaldavAccountInput,
): Promise<CaldavTestResult> {
  const r = await runTest(ctx, input);
  if (r.ok)
    return {
      ok: true,
      calendars: r.calendars
        .filter((c) => c.supportsEvents)
        .map((c) => ({ name: c.name, primary: c.primary })),
    };
  return { ok: false, step: r.step, messageKey: r.messageKey, message: r.detail };
}

/** How the account is named: the given address, else the username, with the host when it has no @. */
function accountAddressOf(input: Extract<ConnectionInput, { provider: "caldav" }>, url: string): string {
  if (input.accountAddress) return input.accountAddress;
  const username = input.username.trim();
  return username.includes("@") ? username : `${username}@${new URL(url).hostname}`;
}

export async function addCaldavConnection(
  ctx: AppContext,
  user: AuthUser,
  input: Extract<ConnectionInput, { provider: "caldav" }>,
): Promise<Connection> {
  const url = caldavUrlOf(input);
  const result = await runTest(ctx, input);
  if (!result.ok)
    throw unprocessable(
      `The connectivity test failed at the ${result.step} step: ${calendarAccountMessages.en[result.messageKey]} (${result.detail})`,
      [
        {
          path: `body.${result.step === "login" ? "password" : "serverUrl"}`,
          message: `${result.step} failed`,
        },
      ],
    );
  const calendars = mergeCalendars(
    [],
    result.calendars
      .filter((c) => c.supportsEvents)
      .map((c) => ({ id: c.url, name: c.name, primary: c.primary })),
  );
  const accountAddress = accountAddressOf(input, url);
  const created = await ctx.db.transaction(async (tx) => {
    const row = await insertConnection(tx, user.id, {
      provider: "caldav",
      accountAddress,
      displayName: input.displayName,
      syncs: "calendar",
      caldavServer: { url, username: input.username.trim() },
      calendars,
    });
    if (!row) return row;
    await putSecret({ db: tx, secrets: ctx.secrets }, row.id, SECRET.appPassword, input.password, null);
    await queueSync(ctx, tx, row.id);
    return row;
  });
  if (!created)
    throw conflict(
      `${accountAddress.toLowerCase()} is already connected (caldav): edit that connection, or stop it first.`,
    );
  return created;
}
