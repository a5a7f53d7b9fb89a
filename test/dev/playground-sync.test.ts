// The playground's "Try sync" panel in Chromium, on a dev server with the emulators: connect the demo
// Google account (OAuth start → emulator consent → callback, in a popup), see its first sync reach
// "up to date" with the logged emails and their records, and send a demo message that gets logged.
import { createServer } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.js";
import { seedDemo } from "../../server/crm/demo.js";
import { type RunningEmulators, startEmulatorsForDev } from "../../server/dev/emulators.js";
import { createLogger } from "../../server/log.js";
import { startTestServer, type TestServer } from "../harness/app.js";
import { ensurePaneBuilt, launchChromium } from "../outlook/pane-harness.js";

/** A free loopback port: the OAuth redirect URI must name the port the server listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe("the playground's Try sync panel", () => {
  let emulators: RunningEmulators;
  let s: TestServer;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    ensurePaneBuilt();
    const started = await startEmulatorsForDev(loadConfig({ CONCILIA_DEV: "1" }), createLogger("silent"));
    emulators = started.emulators!;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    s = await startTestServer({ env: { ...emulators.env, CONCILIA_PUBLIC_URL: url } });
    await seedDemo(s.ctx);
    await s.app.listen({ host: "127.0.0.1", port });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await emulators?.close();
  });

  it("R-CON-3, R-CON-10: connecting the demo Google account syncs it up to date and lists the logged emails", {
    timeout: 120_000,
  }, async () => {
    await page.goto(`${url}/playground/`);
    const panel = page.getByRole("complementary", { name: "Try sync" });
    await panel.getByText("None yet.").waitFor();
    const popup = page.waitForEvent("popup");
    await panel.locator("[data-connect=google]").click();
    // The emulator consents at once; the callback page tells the playground and closes.
    await (await popup).waitForEvent("close", { timeout: 30_000 });
    await panel.getByRole("status").filter({ hasText: "Connected sara@concilia.demo" }).waitFor();
    const google = panel.locator("[data-connection=google]");
    await google.locator(".sync-status[data-status=up_to_date]").waitFor({ timeout: 90_000 });
    await panel.locator(".logged li").filter({ hasText: "Renovación de licencias 2027" }).first().waitFor();
    const status = await google.textContent();
    expect(status).toContain("up to date");
    expect(status).toMatch(/skipped: .*internal/);
    const logged = await panel.locator(".logged li").allTextContents();
    expect(logged.length).toBeGreaterThanOrEqual(10);
    expect(logged.join("\n")).not.toContain("Previsión del trimestre");

    // A record opens in the panel with its logged emails.
    const jose = panel.locator("a.record", { hasText: "José García" }).first();
    await jose.waitFor({ timeout: 10_000 });
    await jose.click();
    const card = panel.getByRole("region", { name: "José García" });
    await card.waitFor();
    await card.getByText("Renovación de licencias 2027", { exact: false }).first().waitFor();
    expect(await card.textContent()).toContain("jose.garcia@acme-iberia.example");

    await panel.locator("[data-send-demo-mail]").click();
    await panel.getByRole("status").filter({ hasText: "Sent “" }).waitFor();
    const subject = /Sent “(.+)”/.exec((await panel.getByRole("status").textContent()) ?? "")![1];
    await panel.locator(".logged li").filter({ hasText: subject }).first().waitFor({ timeout: 60_000 });
  });
});
