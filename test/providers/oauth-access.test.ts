// The access-token getter of a Google or Microsoft connection given a connection it cannot refresh.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { oauthAccessToken } from "../../server/providers/oauth-access.js";
import { SyncError } from "../../server/sync/errors.js";
import { OAUTH_ENV } from "../connections/fake-oauth.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("the OAuth access-token getter on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      engine,
      work: false,
      env: OAUTH_ENV,
    });
  });
  afterAll(async () => s?.close());

  it("R-P-4: a connection with no refresh token stored asks to sign in again (an auth SyncError), not an unclassified error the Exchange routes answered 500", async () => {
    const ana = await s.user("ana@acme.test");
    const connection = await createConnection(s.ctx.db, ana.id, {
      provider: "microsoft",
      accountAddress: "ana@acme.test",
    });
    const token = oauthAccessToken({
      connection,
      db: s.ctx.db,
      secrets: s.ctx.secrets,
      config: s.ctx.config,
    });
    const err = await token().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).kind).toBe("auth");
    expect((err as SyncError).message).toMatch(/sign in again/);
  });
});
