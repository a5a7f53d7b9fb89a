// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// The pane's meeting form in Chromium against a real server: zones from a list, the proposed start,
// times on the clock they were entered on, location and link, and problems told in the pane's language.
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetingMessages } from "../../shared/meeting-form.js";
import { proposedMeetingStart } from "../../shared/meeting-start.js";
import { launchChromium, type PaneServer, startPaneServer } from "./pane-harness.js";

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
let s: PaneServer;
let browser: Browser;
let sara: string;

beforeAll(async () => {
  [s, browser] = await Promise.all([startPaneServer(), launchChromium()]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await s?.close().catch(() => {});
});

interface Pane {
  page: Page;
  pane: FrameLocator;
  posts: number[];
}

/**
 * The playground with the fake Outlook's mailbox in Paris (its demo user) and the machine's own clock
 * in `machineZone`: the pane must read the mailbox's zone, never the machine's.
 */
async function openPane(query: string, machineZone = "America/Los_Angeles"): Promise<Pane> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: machineZone });
  const p: Pane = { page, pane: page.frameLocator("iframe.pane-frame"), posts: [] };
  page.on("response", (r) => {
    if (r.request().method() === "POST" && new URL(r.url()).pathname === "/api/v1/events")
      p.posts.push(r.status());
  });
  await page.goto(`${s.url}/playground/?${query}`);
  sara ||= await page.evaluate(() => window.conciliaDev?.token ?? "");
  await p.pane.locator("h2#record-name").waitFor();
  return p;
}

/** axe-core's serious and critical violations in the pane frame. */
async function axe(pane: FrameLocator): Promise<string[]> {
  const frame = await (await pane.locator("html").elementHandle())!.ownerFrame();
  await frame!.addScriptTag({ content: axeSource });
  const result = await frame!.evaluate(async () =>
    (globalThis as any).axe.run(document, { resultTypes: ["violations"] }),
  );
  return result.violations
    .filter((v: any) => v.impact === "serious" || v.impact === "critical")
    .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`);
}

async function events(from: string, to: string) {
  const res = await s.app.inject({
    url: `/api/v1/events?from=${from}&to=${to}`,
    headers: { authorization: `Bearer ${sara}` },
  });
  return res.json().items as any[];
}

describe("Outlook pane: meeting form", () => {
  it("R-SB-4 / R-ACT-5: the zone is chosen from a list, the mailbox's preselected, found by city", async () => {
    const { page, pane } = await openPane("message=customer");
    await pane.getByRole("button", { name: "Create meeting" }).click();
    const zone = pane.getByLabel("Time zone");
    expect(await zone.evaluate((e) => e.tagName)).toBe("SELECT");
    expect(await zone.inputValue()).toBe("Europe/Paris");
    expect(await zone.locator("option").count()).toBeGreaterThan(300);
    const search = pane.getByLabel("Search by city");
    await search.fill("new york");
    expect(await zone.inputValue()).toBe("America/New_York");
    expect(await zone.locator("option:checked").innerText()).toMatch(/^New York · America \(UTC−0[45]:00\)$/);
    await search.fill("sao paulo");
    expect(await zone.inputValue()).toBe("America/Sao_Paulo");
    await search.fill("São Paulo");
    expect(await zone.inputValue()).toBe("America/Sao_Paulo");
    // Nothing matches: the choice stays, and the pane says why the list is empty.
    await search.fill("Atlantis");
    expect(await zone.inputValue()).toBe("America/Sao_Paulo");
    await pane.getByText("No time zone matches “Atlantis”.").waitFor();
    await page.close();
  });

  it("R-SB-4: the proposed start is the next round half hour in working hours in the mailbox's zone, else the next working day at 09:00", async () => {
    const { page, pane } = await openPane("message=customer", "Asia/Tokyo");
    const before = proposedMeetingStart(Date.now(), "Europe/Paris");
    await pane.getByRole("button", { name: "Create meeting" }).click();
    const after = proposedMeetingStart(Date.now(), "Europe/Paris");
    const shown = {
      date: await pane.getByLabel("Date").inputValue(),
      time: await pane.getByLabel("Start").inputValue(),
    };
    expect([`${before.date} ${before.time}`, `${after.date} ${after.time}`]).toContain(
      `${shown.date} ${shown.time}`,
    );
    await page.close();
  });

  it("R-ACT-5 / R-SB-4: a meeting at 10:00 in Paris is confirmed as 10:00 whatever the machine's clock; one in New York names its zone; location and link are saved", async () => {
    const { page, pane } = await openPane("message=customer");
    await pane.getByRole("button", { name: "Create meeting" }).click();
    await pane.getByLabel("Title").fill("Revisión en París");
    await pane.getByLabel("Date").fill("2031-03-04");
    await pane.getByLabel("Start").fill("10:00");
    await pane.getByLabel("Location").fill("Calle Mayor 1, Madrid");
    await pane.getByLabel("Online meeting link").fill("https://meet.example.com/renovacion");
    await pane.getByRole("button", { name: "Save" }).click();
    const paris = pane.getByRole("status").filter({ hasText: "Meeting created" });
    expect(await paris.innerText()).toBe("Meeting created: Revisión en París, Mar 4, 2031, 10:00 AM.");

    await pane.getByRole("button", { name: "Create meeting" }).click();
    await pane.getByLabel("Title").fill("Call with New York");
    await pane.getByLabel("Date").fill("2031-03-05");
    await pane.getByLabel("Start").fill("10:00");
    await pane.getByLabel("Search by city").fill("New York");
    await pane.getByRole("button", { name: "Save" }).click();
    await pane.getByRole("status").filter({ hasText: "Call with New York" }).waitFor();
    expect(await pane.getByRole("status").innerText()).toBe(
      "Meeting created: Call with New York, Mar 5, 2031, 10:00 AM (New York).",
    );
    const upcoming = pane.getByRole("region", { name: "Upcoming events" });
    expect(await upcoming.locator("li", { hasText: "Call with New York" }).innerText()).toBe(
      "Call with New York · Mar 5, 2031, 10:00 AM (New York)",
    );
    expect(await upcoming.locator("li", { hasText: "Revisión en París" }).innerText()).toBe(
      "Revisión en París · Mar 4, 2031, 10:00 AM",
    );

    const saved = await events("2031-03-04T00:00:00Z", "2031-03-06T00:00:00Z");
    expect(saved).toMatchObject([
      {
        title: "Revisión en París",
        timeZone: "Europe/Paris",
        startAt: "2031-03-04T09:00:00.000Z",
        location: "Calle Mayor 1, Madrid",
        onlineMeetingUrl: "https://meet.example.com/renovacion",
      },
      {
        title: "Call with New York",
        timeZone: "America/New_York",
        startAt: "2031-03-05T15:00:00.000Z",
        location: null,
        onlineMeetingUrl: null,
      },
    ]);
    await page.close();
  });

  it("R-SB-4, R-CAL-6: a meeting set to repeat every week is a weekly series on its weekday at 10:00 Paris time; the form offers none, daily, weekly and monthly, none chosen", async () => {
    const { page, pane } = await openPane("message=customer");
    await pane.getByRole("button", { name: "Create meeting" }).click();
    const repeat = pane.getByLabel("Repeat");
    expect(await repeat.locator("option").allInnerTexts()).toEqual([
      "Does not repeat",
      "Every day",
      "Every week",
      "Every month",
    ]);
    expect(await repeat.inputValue()).toBe("none");
    await pane.getByLabel("Title").fill("Weekly pipeline");
    await pane.getByLabel("Date").fill("2031-04-08");
    await pane.getByLabel("Start").fill("10:00");
    await repeat.selectOption({ label: "Every week" });
    await pane.getByRole("button", { name: "Save" }).click();
    await pane.getByRole("status").filter({ hasText: "Weekly pipeline" }).waitFor();
    const saved = (await events("2031-04-01T00:00:00Z", "2031-04-30T00:00:00Z")).filter(
      (e) => e.title === "Weekly pipeline",
    );
    expect(saved.map((e) => [e.startAt, e.occurrence?.originalStart])).toEqual([
      ["2031-04-08T08:00:00.000Z", "2031-04-08T08:00:00.000Z"],
      ["2031-04-15T08:00:00.000Z", "2031-04-15T08:00:00.000Z"],
      ["2031-04-22T08:00:00.000Z", "2031-04-22T08:00:00.000Z"],
      ["2031-04-29T08:00:00.000Z", "2031-04-29T08:00:00.000Z"],
    ]);
    const series = await s.app.inject({
      url: `/api/v1/events/${saved[0].id}`,
      headers: { authorization: `Bearer ${sara}` },
    });
    expect(series.json().recurrence.rule).toBe("FREQ=WEEKLY;BYDAY=TU");
    await page.close();
  });

  it("R-ACT-5: the mailbox's zone named the Windows way is preselected as its IANA zone, rarely used names included", async () => {
    for (const [windows, iana] of [
      ["India Standard Time", "Asia/Calcutta"],
      ["Line Islands Standard Time", "Pacific/Kiritimati"],
    ]) {
      const { page, pane } = await openPane(`message=customer&zone=${encodeURIComponent(windows)}`);
      await pane.getByRole("button", { name: "Create meeting" }).click();
      expect(await pane.getByLabel("Time zone").inputValue(), windows).toBe(iana);
      await page.close();
    }
  });

  it("R-SB-6: problems are told in the pane's language beside their fields, a refusal of the server mapped by its field path", async () => {
    const { page, pane, posts } = await openPane("lang=es-ES&message=customer");
    await pane.getByRole("button", { name: "Crear reunión" }).click();
    const title = pane.getByLabel("Título");
    const link = pane.getByLabel("Enlace de la reunión en línea");
    const described = async (field: typeof title) =>
      pane.locator(`[id="${await field.getAttribute("aria-describedby")}"]`).innerText();
    await title.fill("");
    await link.fill("http://meet.example.com/x");
    await pane.getByRole("button", { name: "Guardar" }).click();
    await pane.locator(".field-error").first().waitFor();
    expect(await title.getAttribute("aria-invalid")).toBe("true");
    expect(await described(title)).toBe(meetingMessages.es.title);
    expect(await described(link)).toBe(meetingMessages.es.onlineMeetingUrl);
    expect(await title.evaluate((e) => e === document.activeElement)).toBe(true);
    expect(posts).toEqual([]);
    expect(await axe(pane)).toEqual([]);

    // The server judges the limits; its English problem+json comes back as the form's own words.
    await link.fill("");
    await title.fill("x".repeat(501));
    await pane.getByRole("button", { name: "Guardar" }).click();
    await expect.poll(() => posts).toEqual([400]);
    await pane.locator(".field-error").first().waitFor();
    expect(await described(title)).toBe("Ponle un título a la reunión (500 caracteres como máximo).");
    expect(await link.getAttribute("aria-invalid")).toBeNull();
    const form = await pane.getByRole("form", { name: "Crear reunión" }).innerText();
    expect(form).not.toMatch(/Bad request|Invalid request|body\.title|Too big/i);
    await page.close();
  });
});
