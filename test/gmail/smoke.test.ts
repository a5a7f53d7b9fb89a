import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "../../server/crm/demo.js";
import { startTestServer, type TestServer } from "../harness/app.js";
import { type Jwks, startJwks } from "../harness/jwks.js";
import type { AddonHost } from "./fakes/addon-host.js";
import { cardText } from "./fakes/card-json.js";
import { startGmailAddon } from "./fakes/load.js";
import { GmailSidebar } from "./fakes/sidebar.js";

let jwks: Jwks;
let s: TestServer;
let host: AddonHost;
beforeAll(async () => {
  jwks = await startJwks();
  s = await startTestServer({ env: { GOOGLE_JWKS_URL: jwks.url, GOOGLE_CLIENT_IDS: "test-client" } });
  await seedDemo(s.ctx);
  await s.listen();
  host = await startGmailAddon({ target: () => s.url });
});
afterAll(async () => {
  await host?.close();
  await s?.close();
  await jwks?.close();
});

it("smoke", async () => {
  const sb = new GmailSidebar({
    host,
    user: "sara",
    identityToken: () =>
      jwks.signIdToken({ iss: "https://accounts.google.com", aud: "test-client", email: "sara@concilia.demo", email_verified: true, sub: "1" }),
  });
  const inv = await sb.openMessage("18f0c0de00000001");
  console.log(JSON.stringify(inv, null, 1).slice(0, 3000));
  console.log(cardText(sb.card));
  await sb.click("Log email");
  console.log(sb.notifications, cardText(sb.card), sb.last.fetches);
  await sb.click("Create meeting");
  console.log(cardText(sb.card));
  await sb.click("Create meeting");
  console.log(sb.notifications, sb.last.fetches, sb.last.result.kind === "error" ? sb.last.result : "");
  const h = new GmailSidebar({ host, user: "sara", identityToken: sb["o"].identityToken });
  await h.openHomepage();
  console.log(cardText(h.card));
  h.fill({ q: "acme" });
  await h.click("Search");
  console.log(cardText(h.card));
  expect(1).toBe(1);
});
