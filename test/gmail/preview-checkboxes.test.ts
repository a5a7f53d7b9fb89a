// The playground's Gmail preview in Chromium: the meeting card's checkboxes sit beside their labels, as
// Gmail draws a CHECK_BOX selection input (box and item text on one line).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "../../server/crm/demo.js";
import { startTestServer, type TestServer } from "../harness/app.js";
import { launchChromium } from "../outlook/pane-harness.js";

let s: TestServer;
let browser: Browser;
beforeAll(async () => {
  s = await startTestServer();
  await seedDemo(s.ctx);
  await s.listen();
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

it("R-SB-4 / R-SB-5: each attendee's checkbox sits beside its name on the Gmail meeting card", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${s.url}/playground/gmail/open?m=18f0c0de00000002&lang=en`);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Create meeting" }).click()]);
  const boxes = page.locator("label.check");
  expect(await boxes.count()).toBe(3);
  const layout = await boxes.evaluateAll((labels) =>
    labels.map((label) => {
      const box = label.querySelector("input")!.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(label.lastChild!);
      const text = range.getBoundingClientRect();
      return {
        name: label.textContent!.trim(),
        boxWidth: box.width,
        // Box before its text, on the same line: their vertical middles are within half a line.
        before: box.right <= text.left,
        sameLine: Math.abs(box.top + box.height / 2 - (text.top + text.height / 2)) < text.height / 2,
      };
    }),
  );
  expect(layout.map((l) => l.name)).toEqual([
    "Giulia Rossi · Current prospect",
    "Luca Bianchi · Current prospect",
    "Tommaso Galli · Person",
  ]);
  for (const l of layout) {
    expect(l.boxWidth, l.name).toBeLessThan(40);
    expect(l.before, l.name).toBe(true);
    expect(l.sameLine, l.name).toBe(true);
  }
  await page.close();
});
