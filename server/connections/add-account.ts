// R-CON-3..7: connecting an account that signs in with a password: iCloud and Yahoo (app-specific
// password, known servers) and custom IMAP (mail only). The rules are checked first, then the
// connectivity test runs (R-CON-6: a red light saves nothing), then the connection and its sealed
// password are stored together.
import type { ConnectionInput, ImapServer } from "../../shared/api/connections.js";
import { conflict, unprocessable } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import { putSecret } from "../secrets/store.js";
import { queueSync } from "../sync/trigger.js";
import { addCaldavConnection } from "./add-caldav.js";
import { type Connection, insertConnection, SECRET } from "./connections.js";
import { testImapAccount } from "./imap-test.js";
import { appPasswordProfiles } from "./profiles.js";
import { refuseForeignIcloud, refuseImapCalendars, refusePop3 } from "./refusals.js";

export async function addPasswordConnection(
  ctx: AppContext,
  user: AuthUser,
  input: ConnectionInput,
): Promise<Connection> {
  if (input.provider === "caldav") return addCaldavConnection(ctx, user, input);
  let server: ImapServer;
  if (input.provider === "imap") {
    refusePop3(input);
    refuseImapCalendars(input.provider, input.syncs);
    server = { host: input.host.toLowerCase(), port: input.port, tls: input.tls, username: input.username };
  } else {
    if (input.provider === "icloud") refuseForeignIcloud(input.accountAddress, user.addresses);
    server = { ...appPasswordProfiles[input.provider].imap, username: input.accountAddress.toLowerCase() };
  }
  const result = await testImapAccount(ctx.imapTester, { ...server, password: input.password });
  if (!result.ok) {
    const hint =
      input.provider === "imap" || result.step !== "login"
        ? ""
        : ` Use an app-specific password (${appPasswordProfiles[input.provider].passwordHelp}), not the account's own password.`;
    throw unprocessable(`The connectivity test failed at the ${result.step} step: ${result.message}${hint}`, [
      { path: `body.${result.step === "login" ? "password" : "host"}`, message: `${result.step} failed` },
    ]);
  }
  const secretName = input.provider === "imap" ? SECRET.imapPassword : SECRET.appPassword;
  const created = await ctx.db.transaction(async (tx) => {
    const row = await insertConnection(tx, user.id, {
      provider: input.provider,
      accountAddress: input.accountAddress,
      displayName: input.displayName,
      syncs: input.syncs,
      backfillDays: input.backfillDays,
      imapServer: server,
    });
    if (!row) return row;
    await putSecret({ db: tx, secrets: ctx.secrets }, row.id, secretName, input.password, null);
    // The first sync starts now, not at the next tick (and only if the account is saved).
    await queueSync(ctx, tx, row.id);
    return row;
  });
  if (!created)
    throw conflict(
      `${input.accountAddress.toLowerCase()} is already connected (${input.provider}): edit that connection, or stop it first.`,
    );
  return created;
}
