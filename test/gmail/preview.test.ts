// The playground's Gmail preview: the built add-on in the Apps Script emulation, rendered as HTML
// whose buttons run the add-on's actions against this same server.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiToken } from "../../server/auth/tokens.js";
import { seedDemo } from "../../server/crm/demo.js";
import { startTestServer, type TestServer } from "../harness/app.js";

let s: TestServer;
let saraToken: string;
beforeAll(async () => {
  s = await startTestServer();
  const { users } = await seedDemo(s.ctx);
  saraToken = (await createApiToken(s.ctx.db, users.sales.id, { name: "test" })).token;
  await s.listen();
});
afterAll(async () => {
  await s?.close();
});

async function get(path: string): Promise<{ status: number; html: string; location: string | null }> {
  const res = await fetch(s.url + path, { redirect: "manual" });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

async function post(path: string, form: Record<string, string>) {
  const res = await fetch(s.url + path, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, location: res.headers.get("location") };
}

/** The form fields of the rendered card, as a browser would post them. */
function formOf(html: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const m of html.matchAll(
    /<input type="(text|checkbox|datetime-local)" name="([^"]+)" value="([^"]*)"([^>]*)>/g,
  ))
    if (m[1] !== "checkbox" || m[4].includes("checked")) form[m[2]] = m[3].replace(/&amp;/g, "&");
  for (const m of html.matchAll(/<select name="([^"]+)">(.*?)<\/select>/g))
    form[m[1]] = /<option value="([^"]*)" selected>/.exec(m[2])?.[1] ?? "";
  return form;
}

const buttonIndex = (html: string, label: string) =>
  new RegExp(`name="__click" value="(\\d+)"[^>]*>${label}<`).exec(html)?.[1];

it("R-SB-5: the preview lists demo messages and shows the Gmail card of the picked one, with working buttons", async () => {
  const list = await get("/playground/gmail");
  expect(list.status).toBe(200);
  expect(list.html).toContain("José García (Acme Iberia, current customer)");

  const open = await get("/playground/gmail/open?m=18f0c0de00000006&lang=en");
  expect(open.status).toBe(303);
  const card = await get(open.location!);
  expect(card.html).toContain("<h2>Marco Ricci</h2><p>Lost prospect · Delta Foods</p>");
  expect(card.html).toContain("onGmailMessageOpen: 1 UrlFetch call · GET /api/v1/context 200");

  const sessionPath = open.location!;
  const logged = await post(`${sessionPath}/click`, {
    ...formOf(card.html),
    __click: buttonIndex(card.html, "Log email")!,
  });
  expect(logged.status).toBe(303);
  const after = await get(sessionPath);
  expect(after.html).toContain('<div class="toast" role="status">Email logged in Concilia.</div>');
  expect(after.html).toContain("<b>Logged in Concilia</b>");

  // Create meeting: the form posts the picker, dropdown and checkboxes back to the add-on.
  await post(`${sessionPath}/click`, { __click: buttonIndex(after.html, "Create meeting")! });
  const meeting = await get(sessionPath);
  const form = formOf(meeting.html);
  expect(form.participants__0).toBe("marco.ricci@delta-foods.example");
  form.title = "Catálogo: nueva propuesta";
  form.start = "2031-05-06T10:00";
  form.minutes = "60";
  await post(`${sessionPath}/click`, { ...form, __click: buttonIndex(meeting.html, "Create meeting")! });
  const done = await get(sessionPath);
  // 10:00 in Madrid in May (summer time) whatever the season today.
  expect(done.html).toContain("Meeting created: Catálogo: nueva propuesta, May 6, 2031, 10:00 AM.");
  const events = await s.app.inject({
    url: "/api/v1/events?from=2031-05-06T00:00:00Z&to=2031-05-07T00:00:00Z",
    headers: { authorization: `Bearer ${saraToken}` },
  });
  expect(events.json().items).toMatchObject([
    {
      title: "Catálogo: nueva propuesta",
      startAt: "2031-05-06T08:00:00.000Z",
      endAt: "2031-05-06T09:00:00.000Z",
      timeZone: "Europe/Madrid",
      origin: "crm",
    },
  ]);
});

it("R-SB-6: the preview speaks the chosen language and shows the homepage when no message is open", async () => {
  const open = await get("/playground/gmail/open?lang=it");
  const home = await get(open.location!);
  expect(home.html).toContain("<h2>Concilia CRM</h2>");
  expect(home.html).toContain("Cerca in Concilia");
  expect(home.html).toContain("onHomepage: 1 UrlFetch call · GET /api/v1/persons 200");
});
