// The Gmail add-on as Gmail runs it: the BUILT Code.js in the Apps Script emulation, every request
// going to a real Concilia server with the demo workspace, authenticated with Google ID tokens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CardJson, cardText, clickables, type WidgetJson } from "../../dev/gmail-emulator/card-json.js";
import { type DemoMessage, demoMessages } from "../../dev/gmail-emulator/demo-messages.js";
import { builtAddon } from "../../dev/gmail-emulator/load.js";
import { proposedMeetingStart } from "../../shared/meeting-start.js";
import { wallClock, wallStrings } from "../../shared/zoned-time.js";
import { type GmailWorld, SARA, startGmailWorld } from "./setup.js";

const demo = demoMessages();
const byId = (n: number) => demo[n - 1].id;
const extra = (n: number, m: Partial<DemoMessage>): DemoMessage => ({
  id: `18f0c0de0001${String(n).padStart(4, "0")}`,
  threadId: `18f0c0de0001${String(n).padStart(4, "0")}`,
  messageId: `<test-${n}@mail.example>`,
  label: "",
  from: "",
  to: ["Sara Ventas <sara@concilia.demo>"],
  cc: [],
  subject: "Test",
  date: new Date(),
  text: "Hello",
  ...m,
});
const LEAD_MSG = extra(1, { from: "Kai Jensen <kai.jensen@fjordtech.example>", subject: "Partnership" });
const BAD_MSG = extra(2, { from: "Ana Typo <ana@typo.example>", subject: "Hola" });
const CROWD_MSG = extra(3, {
  from: "Giulia Rossi <giulia.rossi@borealis.example>",
  to: [
    "Sara Ventas <sara@concilia.demo>",
    ...Array.from(
      { length: 80 },
      (_, i) => `Recipient Number ${i} <recipient.number.${i}@bulk-mailing.example>`,
    ),
  ],
  subject: "Newsletter",
});
const PRIVATE_MSG = extra(5, {
  from: "Compras Acme <compras@acme-grupo.example>",
  subject: "Pedido de licencias",
});
const MARKUP_MSG = extra(4, {
  from: "Giulia Rossi <giulia.rossi@borealis.example>",
  cc: ["Eve Markup <eve@markup.example>"],
  subject: "Hi",
});

let w: GmailWorld;
beforeAll(async () => {
  w = await startGmailWorld({ messages: [...demo, LEAD_MSG, BAD_MSG, CROWD_MSG, MARKUP_MSG, PRIVATE_MSG] });
});
afterAll(async () => {
  await w?.close();
});

const invoked = new Set<string>();
function track(sb: { history: { fn: string }[] }) {
  for (const h of sb.history) invoked.add(h.fn);
}
const sidebars: { history: { fn: string }[] }[] = [];
function sidebar(...args: Parameters<GmailWorld["sidebar"]>) {
  const sb = w.sidebar(...args);
  sidebars.push(sb);
  return sb;
}

function widgets(card: CardJson): WidgetJson[] {
  return card.sections.flatMap((s) => s.widgets);
}
function section(card: CardJson, header: string) {
  const s = card.sections.find((x) => cardText({ sections: [{ ...x, widgets: [] }] }) === header);
  if (!s) throw new Error(`No section "${header}" in:\n${cardText(card)}`);
  return cardText({ sections: [s] });
}
function input(card: CardJson, name: string): WidgetJson | undefined {
  return widgets(card).find((x) => Object.values(x)[0]?.name === name);
}
function choice(card: CardJson, name: string) {
  const w = input(card, name);
  if (!w || !("selectionInput" in w)) throw new Error(`No selection input "${name}" in:\n${cardText(card)}`);
  return w.selectionInput;
}
function paths(fetches: { url: string; method: string }[]) {
  return fetches.map((f) => `${f.method} ${new URL(f.url).pathname}`);
}

describe("message open (contextual trigger)", () => {
  it("R-SB-8: opening a message costs one UrlFetch call, carrying every address and the Message-ID", async () => {
    const sb = sidebar();
    const inv = await sb.openMessage(byId(1));
    expect(inv.fetches).toHaveLength(1);
    const url = new URL(inv.fetches[0].url);
    expect(url.origin).toBe("https://crm.example.com");
    expect(url.pathname).toBe("/api/v1/context");
    expect(url.searchParams.get("messageId")).toBe("demo-1.gmail@mail.concilia.demo");
    expect(url.searchParams.getAll("address")).toEqual([
      "José García <jose.garcia@acme-iberia.example>",
      "Sara Ventas <sara@concilia.demo>",
      "Núñez, Marta <marta.nunez@acme-iberia.example>",
      "Pablo Ortega <pablo.ortega@acme-iberia.example>",
    ]);
    expect(inv.fetches[0].status).toBe(200);
  });

  it("R-SB-1: the card shows the sender's record with badge, company, owner, open deals, next events, last activities and the other participants", async () => {
    const sb = sidebar();
    await sb.openMessage(byId(2));
    const card = sb.card;
    expect(card.header).toEqual({ title: "Giulia Rossi", subtitle: "Current prospect · Borealis Srl" });
    const text = cardText(card);
    // R-CAT-2: the badge's short form only, not the long category name under it.
    expect(text.split("\n")).toContain("Category | Current prospect");
    expect(text).not.toContain("Concilia Current prospect");
    expect(text).toContain("Company | Borealis Srl");
    expect(text).toContain("Job title | Responsabile acquisti");
    expect(text).toContain("Owner | Sara Ventas");
    expect(text).toContain("Phone | +39 333 000 201");
    expect(section(card, "Open deals")).toContain("Borealis: pilota Nord Italia | €25,000");
    expect(section(card, "Upcoming events")).not.toBe("Upcoming events\nNo upcoming events");
    expect(section(card, "Last activities").split("\n").length).toBeGreaterThan(1);
    const others = section(card, "Other participants");
    expect(others).toContain("Luca Bianchi | Current prospect · Borealis Srl");
    expect(others).toContain("Tommaso Galli | Person · Borealis Srl");
    // The user herself is never listed as a participant.
    expect(others).not.toContain("sara@concilia.demo");
    expect(clickables(card).map((c) => c.label)).toEqual(["Log email", "Create meeting", "Open", "Open"]);
  });

  it("R-SB-1: a participant opens on its own card from the cached context, without another request", async () => {
    const sb = sidebar();
    await sb.openMessage(byId(1));
    await sb.click("Open");
    expect(sb.last.fetches).toHaveLength(0);
    expect(sb.stack).toHaveLength(2);
    expect(sb.card.header).toEqual({ title: "Marta Núñez", subtitle: "Current prospect · Acme Iberia" });
    expect(section(sb.card, "Open deals")).toContain("Acme: ampliación a 200 puestos | €90,000");
  });

  it("R-SB-8: a message with too many addresses for one URL still costs one request, within Apps Script's 2 KB URL limit", async () => {
    const sb = sidebar();
    const inv = await sb.openMessage(CROWD_MSG.id);
    expect(inv.fetches).toHaveLength(1);
    expect(inv.fetches[0].url.length).toBeLessThanOrEqual(2048);
    const sent = new URL(inv.fetches[0].url).searchParams.getAll("address");
    expect(sent[0]).toBe("Giulia Rossi <giulia.rossi@borealis.example>");
    expect(cardText(sb.card)).toContain(`${82 - sent.length} more addresses were left out`);
    expect(sb.card.header?.title).toBe("Giulia Rossi");
  });

  it("R-SB-6: CRM data is shown as text, never read as card markup", async () => {
    const created = await w.api("POST", "/api/v1/persons", {
      firstName: "Eve <b>Bold</b>",
      lastName: "& Co",
      emails: ["eve@markup.example"],
    });
    expect(created.status).toBe(201);
    const sb = sidebar();
    await sb.openMessage(MARKUP_MSG.id);
    const eve = widgets(sb.card).find(
      (x) => "decoratedText" in x && x.decoratedText.topLabel === "eve@markup.example",
    );
    expect(eve && "decoratedText" in eve ? eve.decoratedText.text : null).toBe(
      "Eve &lt;b&gt;Bold&lt;/b&gt; &amp; Co",
    );
    expect(section(sb.card, "Other participants")).toContain("Eve <b>Bold</b> & Co | Person");
    // Plain-text fields (the header of the participant's own card) are not escaped.
    await sb.click("Open");
    expect(sb.card.header?.title).toBe("Eve <b>Bold</b> & Co");
  });
});

describe("log email", () => {
  it("R-SB-3: one click posts the raw message once; the card shows it logged and the server has the activity", async () => {
    const sb = sidebar();
    await sb.openMessage(byId(1));
    const logAction = clickables(sb.card).find((c) => c.label === "Log email")!.onClick.action!;
    const inv = await sb.click("Log email");
    // The card is read again after the log, so the email shows among the last activities at once.
    expect(paths(inv.fetches)).toEqual(["POST /api/v1/emails", "GET /api/v1/context"]);
    expect(inv.fetches[0].status).toBe(201);
    expect(section(sb.card, "Last activities")).toMatch(
      /Email · [A-Z][a-z]{2} \d{1,2}, \d{4} \| Re: Ampliación a 200 puestos/,
    );
    expect(sb.notifications).toEqual(["Email logged in Concilia."]);
    expect(cardText(sb.card)).toMatch(
      /Logged in Concilia \| Logged on [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M/,
    );
    expect(clickables(sb.card).map((c) => c.label)).not.toContain("Log email");

    const logged = await w.api("GET", "/api/v1/activities?type=email&limit=200");
    const mine = logged.body.items.filter(
      (a: any) => a.email?.messageId === "demo-1.gmail@mail.concilia.demo",
    );
    expect(mine).toHaveLength(1);
    expect(mine[0].subject).toBe("Re: Ampliación a 200 puestos");
    expect(mine[0].email.text).toContain("¿Podemos vernos la semana que viene");

    // A repeat (a stale card's button) changes nothing on the server and says so.
    const again = await sb.runAction(logAction);
    expect(again.fetches.map((f) => f.status)).toEqual([200, 200]);
    expect(sb.notifications.at(-1)).toBe("This email was already logged; nothing changed.");
    const after = await w.api("GET", "/api/v1/activities?type=email&limit=200");
    expect(
      after.body.items.filter((a: any) => a.email?.messageId === "demo-1.gmail@mail.concilia.demo"),
    ).toHaveLength(1);

    // Reopening the message shows the logged state straight from the one context request.
    const reopen = sidebar();
    const open = await reopen.openMessage(byId(1));
    expect(open.fetches).toHaveLength(1);
    expect(cardText(reopen.card)).toContain("Logged in Concilia");
  });
});

describe("unknown sender", () => {
  it("R-SB-2: an unknown sender gets Create contact / Create lead; the contact form is prefilled and creates the person", async () => {
    const sb = sidebar();
    await sb.openMessage(byId(3));
    expect(sb.card.header).toEqual({ title: "Laura Pérez", subtitle: "Not in Concilia" });
    expect(cardText(sb.card)).toContain("Laura Pérez is not in Concilia yet.");
    expect(clickables(sb.card).map((c) => c.label)).toEqual([
      "Log email",
      "Create meeting",
      "Create contact",
      "Create lead",
      "Add to existing",
    ]);

    const form = await sb.click("Create contact");
    expect(form.fetches).toHaveLength(0);
    const inputs = Object.fromEntries(
      widgets(sb.card).flatMap((x) =>
        "textInput" in x ? [[x.textInput.name, x.textInput.value ?? ""]] : [],
      ),
    );
    expect(inputs).toEqual({
      firstName: "Laura",
      lastName: "Pérez",
      email: "laura.perez@nuevocliente.example",
      title: "",
      companyName: "Nuevocliente",
    });

    sb.fill({ title: "Directora de compras" });
    const save = await sb.click("Save");
    expect(paths(save.fetches)).toEqual(["POST /api/v1/persons", "GET /api/v1/context"]);
    expect(sb.notifications).toEqual(["Contact Laura Pérez created."]);
    expect(sb.stack).toHaveLength(1);
    // The company field was prefilled from the address's domain: a new company of that name.
    expect(sb.card.header).toEqual({ title: "Laura Pérez", subtitle: "Person · Nuevocliente" });
    expect(cardText(sb.card)).toContain("Job title | Directora de compras");

    const found = await w.api("GET", "/api/v1/search?q=laura.perez@nuevocliente.example");
    expect(found.body.items.map((r: any) => [r.type, r.name])).toEqual([["person", "Laura Pérez"]]);
  });

  it("R-SB-2: Create lead makes a lead with the company name, and a person form suggests the companies seen in the message", async () => {
    const sb = sidebar();
    await sb.openMessage(LEAD_MSG.id);
    await sb.click("Create lead");
    sb.fill({ companyName: "Fjord Tech AS" });
    await sb.click("Save");
    expect(sb.notifications).toEqual(["Lead Kai Jensen created."]);
    expect(sb.card.header).toEqual({ title: "Kai Jensen", subtitle: "Lead · Fjord Tech AS" });
    const lead = await w.api("GET", "/api/v1/search?q=kai.jensen");
    expect(lead.body.items).toMatchObject([
      { type: "lead", name: "Kai Jensen", companyName: "Fjord Tech AS" },
    ]);

    // Sara's outgoing message: an unknown Cc beside known Cumbre people.
    const out = sidebar();
    await out.openMessage(byId(5));
    expect(out.card.header?.title).toBe("Lucía Fernández");
    await out.click("Add");
    const company = widgets(out.card).find((x) => "textInput" in x && x.textInput.name === "companyName");
    expect(company && "textInput" in company ? company.textInput : null).toMatchObject({
      label: "Company",
      value: "Cumbre Logística",
      initialSuggestions: { items: [{ text: "Cumbre Logística" }] },
    });
    out.fill({ firstName: "Nuevo", lastName: "Comprador" });
    await out.click("Save");
    expect(out.notifications).toEqual(["Contact Nuevo Comprador created."]);
    expect(section(out.card, "Other participants")).toContain("Nuevo Comprador | Person · Cumbre Logística");
    // The suggested name linked the existing company; no second Cumbre was created.
    const cumbre = await w.api("GET", "/api/v1/companies?q=cumbre");
    expect(cumbre.body.items).toHaveLength(1);
    const buyer = await w.api("GET", "/api/v1/persons?q=new.buyer@cumbre.example");
    expect(buyer.body.items[0].company.id).toBe(cumbre.body.items[0].id);
  });
});

describe("create CRM meeting", () => {
  it("R-SB-4 / R-ACT-5: participants are prefilled as checkboxes, the zone is picked from a list with the user's preselected, and a CRM-owned event is created with location and link", async () => {
    const sb = sidebar({ timeZone: { id: "Europe/Rome", offsetMs: 3_600_000 } });
    await sb.openMessage(byId(2));
    const open = await sb.click("Create meeting");
    expect(open.fetches).toHaveLength(0);
    const picker = input(sb.card, "start");
    // No fixed offset: the picker shows the user's zone, so daylight saving time is Gmail's business.
    expect(
      picker && "dateTimePicker" in picker ? picker.dateTimePicker.timezoneOffsetDate : null,
    ).toBeUndefined();
    expect(choice(sb.card, "participants")).toMatchObject({
      type: "CHECK_BOX",
      label: "Attendees",
      items: [
        { text: "Giulia Rossi · Current prospect", value: "giulia.rossi@borealis.example", selected: true },
        { text: "Luca Bianchi · Current prospect", value: "luca.bianchi@borealis.example", selected: true },
        { text: "Tommaso Galli · Person", value: "tommaso.galli@borealis.example", selected: true },
      ],
    });
    expect(cardText(sb.card)).toContain("Title: Pilota Nord Italia: prossimi passi");
    const zones = choice(sb.card, "timeZone");
    expect(zones.type).toBe("DROPDOWN");
    expect(zones.items.filter((i) => i.selected).map((i) => i.value)).toEqual(["Europe/Rome"]);
    expect(zones.items.find((i) => i.value === "America/New_York")?.text).toMatch(
      /^New York · America \(UTC−0[45]:00\)$/,
    );
    expect(zones.items.length).toBeGreaterThan(300);
    expect(cardText(sb.card)).toContain("Location: ");
    expect(cardText(sb.card)).toContain("Online meeting link: ");

    sb.fill({
      title: "Kick-off pilota",
      start: Date.parse("2031-03-04T09:30:00Z"),
      minutes: "45",
      location: "Sala Verdi, Milano",
      onlineMeetingUrl: "https://meet.example.com/kick-off",
      participants: ["giulia.rossi@borealis.example", "luca.bianchi@borealis.example"],
    });
    const inv = await sb.click("Create meeting");
    expect(paths(inv.fetches)).toEqual(["POST /api/v1/events", "GET /api/v1/context"]);
    // The user's own zone is not named: it is the clock they read everything on.
    expect(sb.notifications).toEqual(["Meeting created: Kick-off pilota, Mar 4, 2031, 10:30 AM."]);
    expect(sb.stack).toHaveLength(1);
    expect(section(sb.card, "Upcoming events")).toContain("Kick-off pilota | Mar 4, 2031, 10:30 AM");

    const list = await w.api("GET", "/api/v1/events?from=2031-03-04T00:00:00Z&to=2031-03-05T00:00:00Z");
    expect(list.body.items).toHaveLength(1);
    const ev = list.body.items[0];
    expect(ev).toMatchObject({
      title: "Kick-off pilota",
      origin: "crm",
      timeZone: "Europe/Rome",
      startAt: "2031-03-04T09:30:00.000Z",
      endAt: "2031-03-04T10:15:00.000Z",
      location: "Sala Verdi, Milano",
      onlineMeetingUrl: "https://meet.example.com/kick-off",
    });
    expect(ev.attendees.map((a: any) => [a.email, a.name])).toEqual(
      expect.arrayContaining([
        ["giulia.rossi@borealis.example", "Giulia Rossi"],
        ["luca.bianchi@borealis.example", "Luca Bianchi"],
      ]),
    );
    expect(ev.attendees.map((a: any) => a.email)).not.toContain("tommaso.galli@borealis.example");

    // The chosen duration is remembered in the user's properties.
    await sb.click("Create meeting");
    expect(choice(sb.card, "minutes").items.find((i) => i.selected)?.value).toBe("45");
  });

  it("R-SB-4, R-CAL-6: a meeting set to repeat every month is a monthly series on its day of the month; the card offers none, daily, weekly and monthly, none chosen", async () => {
    const sb = sidebar({ timeZone: { id: "Europe/Rome", offsetMs: 3_600_000 } });
    await sb.openMessage(byId(2));
    await sb.click("Create meeting");
    expect(choice(sb.card, "repeat").items).toEqual([
      { text: "Does not repeat", value: "none", selected: true },
      { text: "Every day", value: "daily", selected: false },
      { text: "Every week", value: "weekly", selected: false },
      { text: "Every month", value: "monthly", selected: false },
    ]);
    sb.fill({ title: "Monthly review", start: Date.parse("2031-05-13T08:00:00Z"), repeat: "monthly" });
    await sb.click("Create meeting");
    expect(sb.notifications.at(-1)).toBe("Meeting created: Monthly review, May 13, 2031, 10:00 AM.");
    const list = await w.api("GET", "/api/v1/events?from=2031-05-01T00:00:00Z&to=2031-08-01T00:00:00Z");
    const occurrences = list.body.items.filter((e: { title: string }) => e.title === "Monthly review");
    expect(occurrences.map((e: { startAt: string }) => e.startAt)).toEqual([
      "2031-05-13T08:00:00.000Z",
      "2031-06-13T08:00:00.000Z",
      "2031-07-13T08:00:00.000Z",
    ]);
    const series = await w.api("GET", `/api/v1/events/${occurrences[0].id}`);
    expect(series.body.recurrence.rule).toBe("FREQ=MONTHLY;BYMONTHDAY=13");
  });

  it("R-ACT-5: a time picked for another zone means that zone's clock, and the confirmation names the zone", async () => {
    const sb = sidebar({ timeZone: { id: "Europe/Rome", offsetMs: 3_600_000 } });
    await sb.openMessage(byId(2));
    await sb.click("Create meeting");
    // The picker shows Rome's clock: 10:00 there on 5 March 2031 is 09:00 UTC.
    sb.fill({
      title: "Call with New York",
      start: Date.parse("2031-03-05T09:00:00Z"),
      timeZone: "America/New_York",
    });
    await sb.click("Create meeting");
    expect(sb.notifications).toEqual([
      "Meeting created: Call with New York, Mar 5, 2031, 10:00 AM (New York).",
    ]);
    expect(section(sb.card, "Upcoming events")).toContain(
      "Call with New York | Mar 5, 2031, 10:00 AM (New York)",
    );
    const list = await w.api("GET", "/api/v1/events?from=2031-03-05T00:00:00Z&to=2031-03-06T00:00:00Z");
    expect(list.body.items).toMatchObject([
      { title: "Call with New York", timeZone: "America/New_York", startAt: "2031-03-05T15:00:00.000Z" },
    ]);
  });

  it("R-SB-4: the proposed start is the next round half hour in working hours on the user's clock, else the next working day at 09:00", async () => {
    // A zone where it is night now: the old proposal (the next full hour) fell outside working hours there.
    const now = Date.now();
    const night = [
      "Pacific/Kiritimati",
      "Pacific/Auckland",
      "Asia/Tokyo",
      "Asia/Kolkata",
      "Europe/Rome",
      "America/Sao_Paulo",
      "America/New_York",
      "America/Los_Angeles",
      "Pacific/Honolulu",
    ].find((z) => {
      const h = wallClock(now, z).hour;
      return h >= 19 || h < 7;
    })!;
    const sb = sidebar({ timeZone: { id: night, offsetMs: 0 } });
    await sb.openMessage(byId(2));
    const before = proposedMeetingStart(Date.now(), night);
    await sb.click("Create meeting");
    const after = proposedMeetingStart(Date.now(), night);
    const picker = input(sb.card, "start");
    const shown = picker && "dateTimePicker" in picker ? picker.dateTimePicker.valueMsEpoch : null;
    expect([before.instant, after.instant]).toContain(shown);
    expect(wallStrings(shown!, night).time).toBe("09:00");
    expect([1, 2, 3, 4, 5]).toContain(wallClock(shown!, night).weekday);
    expect(shown! > now).toBe(true);
  });

  it("R-SB-6: meeting form problems are told in the user's language, a refusal of the server mapped by its field path", async () => {
    const sb = sidebar({ locale: "es" });
    await sb.openMessage(byId(2));
    await sb.click("Crear reunión");
    sb.fill({ title: "", onlineMeetingUrl: "http://meet.example.com/x" });
    const local = await sb.click("Crear reunión");
    expect(local.fetches).toHaveLength(0);
    expect(sb.notifications.at(-1)).toBe(
      "Ponle un título a la reunión (500 caracteres como máximo). El enlace de la reunión en línea debe ser una dirección https:// completa, como https://meet.example.com/abc.",
    );
    // The server judges the limits; its English problem+json comes back as the form's own message.
    sb.fill({ title: "x".repeat(501), onlineMeetingUrl: "" });
    const refused = await sb.click("Crear reunión");
    expect(refused.fetches.map((f) => f.status)).toEqual([400]);
    expect(sb.notifications.at(-1)).toBe("Ponle un título a la reunión (500 caracteres como máximo).");
    expect(sb.stack).toHaveLength(2);
  });

  it("R-SB-4: unknown addresses are offered but not ticked, and a meeting without a title is refused before any request", async () => {
    const sb = sidebar();
    await sb.openMessage(BAD_MSG.id);
    await sb.click("Create meeting");
    const checks = widgets(sb.card).find(
      (x) => "selectionInput" in x && x.selectionInput.name === "participants",
    );
    expect(checks && "selectionInput" in checks ? checks.selectionInput.items : null).toEqual([
      { text: "Ana Typo <ana@typo.example>", value: "ana@typo.example", selected: false },
    ]);
    sb.fill({ title: "" });
    const inv = await sb.click("Create meeting");
    expect(inv.fetches).toHaveLength(0);
    expect(sb.notifications).toEqual(["Give the meeting a title (at most 500 characters)."]);
    expect(sb.stack).toHaveLength(2);
  });
});

describe("homepage (no message open)", () => {
  it("R-SB-5: the homepage lists the user's contacts in one request and searches the CRM", async () => {
    const sb = sidebar();
    const home = await sb.openHomepage();
    expect(paths(home.fetches)).toEqual(["GET /api/v1/persons"]);
    expect(sb.card.header?.title).toBe("Concilia CRM");
    const contacts = section(sb.card, "Contacts").split("\n").slice(1);
    expect(contacts).toHaveLength(5);
    // Badges computed from the categories use the same labels as the server (R-CAT-2).
    for (const line of contacts)
      expect(line).toMatch(/^(Person|Current customer|Former customer|Current prospect|Lost prospect) \| /);

    const empty = await sb.click("Search");
    expect(empty.fetches).toHaveLength(0);
    expect(sb.notifications).toEqual(["Type a name, an email address or a phone number."]);

    sb.fill({ q: "borealis" });
    const found = await sb.click("Search");
    expect(paths(found.fetches)).toEqual(["GET /api/v1/search"]);
    expect(sb.stack).toHaveLength(2);
    const results = section(sb.card, 'Results for "borealis"');
    expect(results).toContain("Current prospect | Giulia Rossi | Borealis Srl | Open");
    expect(results).toContain("Current prospect | Borealis Srl | info@borealis.example | Open");

    sb.fill({ q: "zzz-nothing" });
    await sb.click("Search");
    expect(sb.stack).toHaveLength(2);
    expect(cardText(sb.card)).toContain("Nothing in Concilia matches “zzz-nothing”.");

    sb.fill({ q: "Giulia" });
    await sb.click("Search");
    const open = await sb.click("Open");
    expect(paths(open.fetches)).toEqual(["GET /api/v1/context"]);
    expect(sb.card.header).toEqual({ title: "Giulia Rossi", subtitle: "Current prospect · Borealis Srl" });
  });
});

describe("languages (R-SB-6)", () => {
  it("R-SB-6: a Spanish Gmail gets Spanish labels, Spanish badges (R-CAT-2) and Spanish dates", async () => {
    const sb = sidebar({ locale: "es-419" });
    const inv = await sb.openMessage(byId(2));
    expect(inv.fetches).toHaveLength(1);
    expect(sb.card.header?.subtitle).toBe("Cliente potencial actual · Borealis Srl");
    const text = cardText(sb.card);
    expect(text).toContain("[Registrar correo] [Crear reunión]");
    expect(text.split("\n")).toContain("Categoría | Cliente potencial actual");
    expect(text).toContain("Oportunidades abiertas");
    // Latin-American Spanish (es-419) writes amounts and dates its own way: Intl for the user's locale.
    const es419 = (n: number) =>
      new Intl.NumberFormat("es-419", {
        style: "currency",
        currency: "EUR",
        maximumFractionDigits: 0,
      }).format(n);
    expect(text).toContain(`Borealis: pilota Nord Italia | ${es419(25000)}`);
    expect(section(sb.card, "Próximos eventos")).toMatch(/\d{1,2} [a-z]{3} \d{4}, \d{1,2}:\d\d/);
    expect(section(sb.card, "Planificadas")).toMatch(/Llamada · \d{1,2} [a-z]{3} \d{4}/);
  });

  it("R-SB-6: an Italian Gmail gets Italian labels and badges", async () => {
    const sb = sidebar({ locale: "it-IT" });
    await sb.openMessage(byId(6));
    expect(sb.card.header?.subtitle).toBe("Cliente potenziale perso · Delta Foods");
    const text = cardText(sb.card);
    expect(text).toContain("[Registra email] [Crea riunione]");
    expect(text).toContain("Trattative aperte");
    expect(text).toContain("Proprietario | Sara Ventas");
    expect(section(sb.card, "Ultime attività")).toMatch(/Chiamata · /);
  });
});

describe("errors", () => {
  it("R-SB-6: an unreachable server gives a card with a retry that works once the server is back", async () => {
    const sb = sidebar();
    w.online = false;
    try {
      const inv = await sb.openMessage(byId(4));
      expect(inv.fetches.map((f) => f.error)).toEqual(["Address unavailable"]);
      expect(sb.card.header?.title).toBe("Concilia is unreachable");
      expect(cardText(sb.card)).toContain("The Concilia server at https://crm.example.com did not answer.");
      await sb.click("Try again");
      expect(sb.card.header?.title).toBe("Concilia is unreachable");
      expect(sb.notifications.at(-1)).toContain("did not answer");
    } finally {
      w.online = true;
    }
    const retry = await sb.click("Try again");
    expect(retry.fetches).toHaveLength(1);
    expect(sb.stack).toHaveLength(1);
    expect(sb.card.header).toEqual({ title: "Nina Weber", subtitle: "Lead · Nordlicht GmbH" });
  });

  it("R-SB-6: the homepage offers the same retry, and an action during an outage is a notification that leaves the card alone", async () => {
    const sb = sidebar({ locale: "es" });
    w.online = false;
    try {
      await sb.openHomepage();
      expect(sb.card.header?.title).toBe("No se puede conectar con Concilia");
    } finally {
      w.online = true;
    }
    await sb.click("Reintentar");
    expect(sb.card.header?.title).toBe("Concilia CRM");

    const msg = sidebar();
    await msg.openMessage(byId(6));
    const before = msg.card;
    w.online = false;
    try {
      await msg.click("Log email");
    } finally {
      w.online = true;
    }
    expect(msg.notifications).toEqual([
      "The Concilia server at https://crm.example.com did not answer. Check your connection and try again.",
    ]);
    expect(msg.card).toEqual(before);
  });

  it("R-SB-7: without the openid scope there is no identity token, and the card says exactly that without calling the server", async () => {
    const host = await w.otherHost((m) => ({
      ...m,
      oauthScopes: m.oauthScopes.filter((s) => s !== "openid"),
    }));
    const sb = sidebar({ host });
    const inv = await sb.openMessage(byId(1));
    expect(inv.fetches).toHaveLength(0);
    expect(sb.card.header?.title).toBe("Cannot sign in");
    expect(cardText(sb.card)).toContain(
      'Google gave the add-on no identity token, so Concilia cannot tell who you are. The add-on\'s manifest must include the "openid" scope',
    );
    // What is left is signing in on Concilia's own page and typing its code.
    expect(clickables(sb.card).map((c) => c.label)).toEqual(["Sign in to Concilia", "Use code"]);
  });

  it("R-SB-7: the server verifies the Google ID token: a token for another client is refused and the card says why", async () => {
    const sb = sidebar({ identityToken: () => w.idToken(SARA, { aud: "someone-elses-client" }) });
    const inv = await sb.openMessage(byId(1));
    expect(inv.fetches.map((f) => f.status)).toEqual([401]);
    expect(sb.card.header?.title).toBe("Cannot sign in");
    expect(cardText(sb.card)).toMatch(/^Concilia refused the sign-in: .+/m);
  });

  it("R-SB-7: a Google account linked to no user gets the link card; the sign-in page's code links it once", async () => {
    // Sara on a second Google account: its address is hers, but an address never signs anyone in.
    const second = () => w.idToken(SARA, { sub: "google-sara-second-account" });
    const sb = sidebar({ identityToken: second });
    const inv = await sb.openMessage(byId(1));
    expect(inv.fetches.map((f) => f.status)).toEqual([401]);
    expect(sb.card.header?.title).toBe("Link your Google account");
    expect(cardText(sb.card)).toContain("Concilia does not know this Google account yet.");
    const page = clickables(sb.card).find((c) => c.label === "Open the sign-in page");
    // The bundle is built for the example origin, which the emulation routes to the test server.
    expect(page?.onClick.openLink?.url).toBe("https://crm.example.com/auth/login?lang=en");

    await sb.click("Link account");
    expect(sb.notifications.at(-1)).toBe("Enter the one-time code from the sign-in page.");
    sb.fill({ linkCode: "AAAAA-BBBBB-CCCCC" });
    await sb.click("Link account");
    expect(sb.notifications.at(-1)).toMatch(/This sign-in code is unknown/);

    // What the user does on the sign-in page: the demo password, then the code it shows.
    const signIn = await fetch(`${w.server.url}/auth/login?lang=en`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: SARA, password: "demo" }),
    });
    const code = /id="code"[^>]*value="([0-9A-Z-]+)"/.exec(await signIn.text())![1];
    sb.fill({ linkCode: code });
    const linked = await sb.click("Link account");
    expect(paths(linked.fetches)).toEqual(["POST /auth/link", "GET /api/v1/context"]);
    expect(sb.notifications.at(-1)).toBe(
      "Your Google account is now linked to sara@concilia.demo in Concilia.",
    );
    expect(sb.card.header?.title).not.toBe("Link your Google account");

    const later = sidebar({ identityToken: second });
    expect((await later.openMessage(byId(1))).fetches.map((f) => f.status)).toEqual([200]);
  });

  it("R-P-4: a value the server rejects comes back as a notification naming the field", async () => {
    const sb = sidebar();
    await sb.openMessage(BAD_MSG.id);
    await sb.click("Create contact");
    sb.fill({ email: "not-an-email" });
    const inv = await sb.click("Save");
    expect(inv.fetches.map((f) => f.status)).toEqual([400]);
    expect(sb.notifications).toHaveLength(1);
    expect(sb.notifications[0]).toMatch(/^Concilia answered with an error: .*emails/);
    expect(sb.stack).toHaveLength(2);
  });
});

describe("activities (R-SB-1)", () => {
  it("R-SB-1: planned activities are listed apart from done ones, each with its type and due date", async () => {
    const sb = sidebar();
    await sb.openMessage(byId(2));
    expect(section(sb.card, "Planned")).toMatch(
      /Call · [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M \| Chiamata con Giulia sul pilota/,
    );
    expect(section(sb.card, "Last activities")).not.toContain("Chiamata con Giulia sul pilota");
    const sections = sb.card.sections.map((x) => cardText({ sections: [{ ...x, widgets: [] }] }));
    expect(sections.indexOf("Planned")).toBe(sections.indexOf("Last activities") - 1);
  });
});

describe("sign-in by code (R-SB-7)", () => {
  async function codeFromLoginPage(): Promise<string> {
    const res = await fetch(`${w.server.url}/auth/login?lang=en`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: SARA, password: "demo" }),
    });
    return /id="code"[^>]*value="([^"]+)"/.exec(await res.text())![1];
  }

  it("R-SB-7: when Concilia refuses the Google identity, the card opens the sign-in page in the user's language and takes its one-time code", async () => {
    // A token Concilia cannot accept (issued for another client): a linked account would not help.
    const stranger = () => w.idToken(SARA, { aud: "someone-elses-client" });
    const es = sidebar({ user: "nobody-es@elsewhere.example", locale: "es", identityToken: stranger });
    await es.openMessage(byId(2));
    const link = clickables(es.card).find((c) => c.label === "Iniciar sesión en Concilia");
    expect(link?.onClick.openLink?.url).toBe("https://crm.example.com/auth/login?lang=es");

    const sb = sidebar({ user: "nobody@elsewhere.example", identityToken: stranger });
    await sb.openMessage(byId(2));
    expect(sb.card.header?.title).toBe("Cannot sign in");
    const empty = await sb.click("Use code");
    expect(empty.fetches).toHaveLength(0);
    expect(sb.notifications).toEqual(["Enter the code from Concilia's sign-in page."]);

    sb.fill({ code: "AAAAA-BBBBB-CCCCC" });
    const wrong = await sb.click("Use code");
    expect(wrong.fetches.map((f) => f.status)).toEqual([401]);
    expect(sb.notifications.at(-1)).toMatch(/^That code did not work/);

    sb.fill({ code: await codeFromLoginPage() });
    const used = await sb.click("Use code");
    expect(paths(used.fetches)).toEqual(["POST /auth/token", "GET /api/v1/context"]);
    expect(sb.notifications.at(-1)).toBe(`Signed in as ${SARA}`);
    expect(sb.card.header).toEqual({ title: "Giulia Rossi", subtitle: "Current prospect · Borealis Srl" });

    // The add-on keeps the Concilia token: the next message opens signed in.
    const next = await sb.openMessage(byId(1));
    expect(next.fetches.map((f) => f.status)).toEqual([200]);
    expect(sb.card.header?.title).toBe("José García");
  });
});

describe("add to an existing record (R-SB-2)", () => {
  it("R-SB-2: an unknown sender's address is added to an existing company found by search, and the card then shows that company", async () => {
    const sb = sidebar();
    await sb.openMessage(PRIVATE_MSG.id);
    await sb.click("Add to existing");
    expect(sb.card.header).toEqual({ title: "Add to existing", subtitle: "compras@acme-grupo.example" });
    sb.fill({ q: "" });
    const empty = await sb.click("Search");
    expect(empty.fetches).toHaveLength(0);
    sb.fill({ q: "acme" });
    const found = await sb.click("Search");
    expect(paths(found.fetches)).toEqual(["GET /api/v1/search"]);
    expect(section(sb.card, "Companies")).toContain("Current customer | Acme Iberia");
    expect(section(sb.card, "Persons")).toContain("José García");

    const companyAdd = clickables(sb.card).findIndex(
      (c) => c.label === "Add" && c.onClick.action?.parameters.some((p) => p.value === "company"),
    );
    const added = await sb.clickIndex(companyAdd);
    expect(paths(added.fetches)).toEqual([
      expect.stringMatching(/^POST \/api\/v1\/companies\/[0-9a-f-]{36}\/emails$/),
      "GET /api/v1/context",
    ]);
    expect(sb.notifications.at(-1)).toBe("compras@acme-grupo.example was added to Acme Iberia.");
    expect(sb.stack).toHaveLength(1);
    expect(sb.card.header?.title).toBe("Acme Iberia");
    const acme = await w.api("GET", "/api/v1/companies?q=acme%20iberia");
    expect(acme.body.items[0].emails).toContain("compras@acme-grupo.example");
  });
});

describe("the bundle", () => {
  it("R-SB-5: every trigger and action function of Code.js was exercised by the tests above", async () => {
    for (const sb of sidebars) track(sb);
    const { functions } = await builtAddon();
    expect(functions.length).toBeGreaterThanOrEqual(12);
    // The sync card's functions (sync…) are exercised in sync.test.ts, the Exchange card's (exchange…)
    // in exchange.test.ts, which check them the same way.
    expect(functions.filter((f) => !invoked.has(f) && !/^(sync|exchange)/.test(f))).toEqual([]);
  });
});
