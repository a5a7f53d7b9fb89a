// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// R-CAL-6: an event Concilia reads otherwise than its calendar wrote it says so on the card, in the
// pane's language: a series stored with FREQ=MINUTELY (as a calendar sync may bring one) is listed as
// its first event only, and the card's upcoming events tell the user why.
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../server/auth/tokens.js";
import { events, users } from "../../server/db/schema.js";
import { eventWarningWords } from "../../shared/event-warnings.js";
import { axe, launchChromium, openPlayground, type PaneServer, startPaneServer } from "./pane-harness.js";

let s: PaneServer;
let browser: Browser;
let token: string;

beforeAll(async () => {
  [s, browser] = await Promise.all([startPaneServer(), launchChromium()]);
  const [sara] = await s.ctx.db.select().from(users).where(eq(users.email, "sara@concilia.demo"));
  ({ token } = await createApiToken(s.ctx.db, sara.id, { name: "test", scopes: ["crm"] }));
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await s?.close().catch(() => {});
});

/** A series with Giulia (the playground's known sender) starting in ten minutes, stored with `rule`. */
async function seriesWithGiulia(title: string, rule: string | null) {
  const start = Date.now() + 10 * 60_000;
  const res = await s.app.inject({
    method: "POST",
    url: "/api/v1/events",
    headers: { authorization: `Bearer ${token}` },
    payload: {
      title,
      startAt: new Date(start).toISOString(),
      endAt: new Date(start + 30 * 60_000).toISOString(),
      attendees: [{ email: "giulia.rossi@borealis.example" }],
      recurrence: { freq: "weekly" },
    },
  });
  expect(res.statusCode).toBe(201);
  // What a calendar sync stores for a series its calendar gave with that rule.
  if (rule) await s.ctx.db.update(events).set({ recurrence: rule }).where(eq(events.id, res.json().id));
}

describe("Outlook pane: warnings on events", () => {
  it("R-CAL-6: a series repeating every minute is listed once with the warning in Spanish; a weekly one carries none", async () => {
    await seriesWithGiulia("Latido", "FREQ=MINUTELY");
    await seriesWithGiulia("Seguimiento semanal", null);
    const pg = await openPlayground(browser, s.url, "lang=es&message=known");
    const upcoming = pg.pane.getByRole("region", { name: "Próximos eventos" });
    const minutely = upcoming.locator("li", { hasText: "Latido" });
    await minutely.waitFor();
    expect(await minutely.locator(".event-warning").innerText()).toBe(
      eventWarningWords.es["recurrence-read-as-first-event"],
    );
    expect(await minutely.locator(".event-warning").innerText()).toContain("solo se muestra su primera");
    expect(
      await upcoming.locator("li", { hasText: "Seguimiento semanal" }).locator(".event-warning").count(),
    ).toBe(0);
    expect(await axe(pg.pane)).toEqual([]);
    await pg.page.close();
  });
});
