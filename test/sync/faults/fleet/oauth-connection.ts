// A fleet connection to an OAuth provider in the emulators (Gmail, Graph mail, Google and Graph
// calendars, Exchange contacts): a new owner, their account at the emulator, the connection and a
// refresh token for it, as the OAuth callback would leave them.
import { createConnection, type NewConnection, SECRET } from "../../../../server/connections/connections.js";
import { putSecret } from "../../../../server/secrets/store.js";
import type { FleetConnection, FleetWorld } from "./kinds.js";
import { newOwner, type Owner } from "./owner.js";

export interface OauthGrant {
  /** The fleet kind, also the owner's name tag. */
  kind: string;
  provider: "google" | "microsoft";
  /** The granted scope; the emulator's default (mail read) when absent. */
  scope?: string;
  syncs?: NewConnection["syncs"];
}

/** The connection without what its kind seeds (`seeded`, `truth`), and its owner. */
export async function connectOauth(
  w: FleetWorld,
  g: OauthGrant,
): Promise<{ owner: Owner; connection: Omit<FleetConnection, "seeded" | "truth"> }> {
  const owner = await newOwner(w, g.kind);
  const emulator = g.provider === "google" ? w.emulators.google : w.emulators.microsoft;
  emulator.addAccount(owner.email, `Owner of ${owner.email}`);
  const c = await createConnection(w.db, owner.userId, {
    provider: g.provider,
    accountAddress: owner.email,
    syncs: g.syncs,
    grantedScopes: g.scope?.split(" "),
  });
  const { refreshToken } = emulator.issueTokens(owner.email, g.scope);
  await putSecret(w, c.id, SECRET.refreshToken, refreshToken, null);
  const connection = {
    kind: g.kind,
    connectionId: c.id,
    userId: owner.userId,
    token: owner.token,
    account: owner.email,
    scope: g.scope,
  };
  return { owner, connection };
}
