// `concilia token --user EMAIL`: a token without a password, for local development only (R-SB-7: the
// dev signer exists only when dev mode is switched on).
import type { AppContext } from "../context.js";
import { findUserByEmail } from "../crm/users.js";
import { createApiToken, SIDEBAR_SCOPES } from "./tokens.js";

export async function issueDevToken(ctx: AppContext, email: string) {
  if (!ctx.config.CONCILIA_DEV)
    throw new Error("Dev tokens are switched off: set CONCILIA_DEV=1 (never in production) to issue one.");
  const user = await findUserByEmail(ctx.db, email);
  if (!user)
    throw new Error(`No Concilia user has the address ${email}: create the user first (or seed the demo).`);
  const scopes = user.role === "admin" ? [...SIDEBAR_SCOPES, "admin"] : SIDEBAR_SCOPES;
  const { id, token } = await createApiToken(ctx.db, user.id, { name: "Dev token", scopes });
  return { token, tokenId: id, scopes, user: { id: user.id, email: user.email, name: user.name } };
}
