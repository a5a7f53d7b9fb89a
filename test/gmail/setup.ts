// A Concilia server with the demo workspace, a local Google key set, and the built Gmail add-on
// loaded in the Apps Script emulation with its origin routed to the server.

import type { AddonHost } from "../../dev/gmail-emulator/addon-host.js";
import type { Manifest } from "../../dev/gmail-emulator/apps-script.js";
import type { DemoMessage } from "../../dev/gmail-emulator/demo-messages.js";
import { startGmailAddon } from "../../dev/gmail-emulator/load.js";
import { GmailSidebar, type SidebarOptions } from "../../dev/gmail-emulator/sidebar.js";
import { linkIdentity } from "../../server/auth/identities.js";
import { createApiToken } from "../../server/auth/tokens.js";
import { seedDemo } from "../../server/crm/demo.js";
import { startTestServer, type TestServer } from "../harness/app.js";
import { type Jwks, startJwks } from "../harness/jwks.js";

export const GOOGLE_CLIENT_ID = "test-client";
export const SARA = "sara@concilia.demo";

export interface GmailWorld {
  server: TestServer;
  jwks: Jwks;
  host: AddonHost;
  /** Sara's Concilia token, to check on the server what the add-on did. */
  saraToken: string;
  /** Whether the add-on's origin currently reaches the server. */
  online: boolean;
  idToken(email?: string, claims?: Record<string, unknown>): Promise<string>;
  sidebar(o?: Partial<SidebarOptions>): GmailSidebar;
  /** A second host over the same server, e.g. with a changed manifest. */
  otherHost(manifest: (m: Manifest) => Manifest): Promise<AddonHost>;
  api<T = any>(
    method: "GET" | "POST" | "DELETE",
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startGmailWorld(
  opts: { messages?: DemoMessage[]; server?: Parameters<typeof startTestServer>[0] } = {},
): Promise<GmailWorld> {
  const jwks = await startJwks();
  const server = await startTestServer({
    ...opts.server,
    env: { GOOGLE_JWKS_URL: jwks.url, GOOGLE_CLIENT_IDS: GOOGLE_CLIENT_ID, ...opts.server?.env },
  });
  const { users } = await seedDemo(server.ctx);
  // Sara's Google account signs in by its link (made once through the sign-in page in real life).
  await linkIdentity(server.ctx.db, users.sales.id, {
    provider: "google",
    tenantId: "",
    subject: `google-${SARA}`,
  });
  await server.listen();
  const { token: saraToken } = await createApiToken(server.ctx.db, users.sales.id, {
    name: "test",
    scopes: ["crm"],
  });
  const extraHosts: AddonHost[] = [];
  const world: GmailWorld = {
    server,
    jwks,
    saraToken,
    online: true,
    host: await startGmailAddon({
      target: () => (world.online ? server.url : null),
      messages: opts.messages,
    }),
    idToken: (email = SARA, claims = {}) =>
      jwks.signIdToken({
        iss: "https://accounts.google.com",
        aud: GOOGLE_CLIENT_ID,
        sub: `google-${email}`,
        email,
        email_verified: true,
        ...claims,
      }),
    sidebar: (o = {}) =>
      new GmailSidebar({
        host: world.host,
        user: SARA,
        locale: "en",
        timeZone: { id: "Europe/Madrid", offsetMs: 3_600_000 },
        identityToken: () => world.idToken(),
        ...o,
      }),
    async otherHost(manifest) {
      const h = await startGmailAddon({
        target: () => (world.online ? server.url : null),
        messages: opts.messages,
        manifest,
      });
      extraHosts.push(h);
      return h;
    },
    async api(method, url, body) {
      const res = await server.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${saraToken}` },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      return { status: res.statusCode, body: res.json() };
    },
    async close() {
      for (const h of extraHosts) await h.close();
      await world.host.close();
      await server.close();
      await jwks.close();
    },
  };
  return world;
}
