// Browser tests of the Outlook pane: a real server with the demo workspace, serving the built pane and
// the playground, and Debian's Chromium driven by playwright-core (never a downloaded browser).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type FrameLocator, type Page } from "playwright-core";
import { ADDIN_DIST } from "../../server/api/addin.js";
import { seedDemo } from "../../server/crm/demo.js";
import { startTestServer, type TestServer } from "../harness/app.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Builds the pane when the build is missing or older than its sources. */
export function ensurePaneBuilt(): void {
  const built = path.join(ADDIN_DIST, "index.html");
  const newest = (dir: string): number =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .reduce(
        (m, e) =>
          Math.max(
            m,
            e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs,
          ),
        0,
      );
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newest(path.join(root, "outlook-addin", "src")))
    return;
  // Vitest sets NODE_ENV=test, which would make Vite keep Preact's debug code: build what ships.
  const r = spawnSync("npx", ["vite", "build", "--config", "outlook-addin/vite.config.ts"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error(`Building the pane failed:\n${r.stdout}\n${r.stderr}`);
}

export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(p)) {
    spawnSync("apt-get", ["install", "-y", "chromium"], { stdio: "ignore" });
    if (!fs.existsSync(p)) throw new Error(`Chromium is missing at ${p}: apt-get install -y chromium`);
  }
  return p;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface PaneServer extends TestServer {
  token: string;
}

export async function startPaneServer(opts: Parameters<typeof startTestServer>[0] = {}): Promise<PaneServer> {
  ensurePaneBuilt();
  const s = await startTestServer(opts);
  await seedDemo(s.ctx);
  await s.listen();
  return Object.assign(s, { token: "" });
}

export interface Playground {
  page: Page;
  pane: FrameLocator;
  /** Requests the pane made to /api/ since the last `open`. */
  apiRequests: string[];
  open(messageId: string): Promise<void>;
}

/**
 * Opens the playground; `query` sets the fake Outlook (lang, theme, mailbox, signedIn, message).
 * `fakeClock`: the page's timers run on Playwright's clock (flowing as usual until a test moves it on
 * with `page.clock.fastForward`), installed before the page loads.
 */
export async function openPlayground(
  browser: Browser,
  url: string,
  query = "",
  o: { fakeClock?: boolean } = {},
): Promise<Playground> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  if (o.fakeClock) await page.clock.install();
  const pg: Playground = {
    page,
    pane: page.frameLocator("iframe.pane-frame"),
    apiRequests: [],
    async open(id) {
      pg.apiRequests.length = 0;
      await page.locator(`[data-message="${id}"]`).click();
    },
  };
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api/"))
      pg.apiRequests.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  await page.goto(`${url}/playground/?${query}`);
  return pg;
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations in the pane frame. */
export async function axe(pane: FrameLocator): Promise<string[]> {
  const frame = await (await pane.locator("html").elementHandle())!.ownerFrame();
  await frame!.addScriptTag({ content: axeSource });
  const result = await frame!.evaluate(async () =>
    (globalThis as any).axe.run(document, { resultTypes: ["violations"] }),
  );
  return result.violations
    .filter((v: any) => v.impact === "serious" || v.impact === "critical")
    .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`);
}

/** What a pane test works with: the server, Chromium, the playground on one demo message, Sara's token. */
export interface DemoPane {
  s: PaneServer;
  browser: Browser;
  pg: Playground;
  /** The dev token the playground holds for Sara; the tests use the same one to look at the server. */
  sara: string;
}

/** Starts the server and Chromium together and opens the playground with `query`. */
export async function openDemoPane(query: string): Promise<DemoPane> {
  const [s, browser] = await Promise.all([startPaneServer(), launchChromium()]);
  try {
    const pg = await openPlayground(browser, s.url, query);
    const sara = await pg.page.evaluate(() => window.conciliaDev?.token ?? "");
    return { s, browser, pg, sara };
  } catch (err) {
    await closeDemoPane({ s, browser });
    throw err;
  }
}

export async function closeDemoPane(p: Partial<Pick<DemoPane, "s" | "browser">>): Promise<void> {
  await p.browser?.close();
  await p.s?.close().catch(() => {});
}

/** A GET to the server as the holder of `token`; its JSON answer. */
export async function getJson(s: PaneServer, token: string, url: string) {
  const res = await s.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
  return res.json();
}
