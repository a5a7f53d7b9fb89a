import type { GoogleEmulator } from "./google/emulator.js";
import type { MicrosoftEmulator } from "./microsoft/emulator.js";

/**
 * The demo account both emulators serve: the demo workspace's sales user, with a few messages
 * to and from CRM contacts of the demo workspace and a few hundred synthetic ones, and in each
 * calendar a meeting with a CRM contact and a weekly internal series; in Exchange, a few contacts
 * (one a CRM contact, one with a category of the user's own) and a master category of the user's.
 */
export const DEMO_ACCOUNT = { email: "sara@concilia.demo", name: "Sara Ventas" };

const CARMEN = { name: "Carmen Vidal", address: "carmen.vidal@acme-iberia.example" };

function letter(from: string, to: string, subject: string, id: string, date: string, text: string): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${date}`,
    `Message-ID: <${id}@concilia.demo>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    text,
    "",
  ].join("\r\n");
}

const RECEIVED = letter(
  `"Carmen Vidal" <${CARMEN.address}>`,
  `"Sara Ventas" <${DEMO_ACCOUNT.email}>`,
  "Presupuesto renovación 2027",
  "demo-quote",
  "Mon, 23 Nov 2026 09:15:00 +0100",
  "Hola Sara, ¿nos envías el presupuesto de la renovación? Gracias, Carmen",
);
const SENT = letter(
  `"Sara Ventas" <${DEMO_ACCOUNT.email}>`,
  `"Carmen Vidal" <${CARMEN.address}>`,
  "Re: Presupuesto renovación 2027",
  "demo-reply",
  "Mon, 23 Nov 2026 11:40:00 +0100",
  "Hola Carmen, adjunto el presupuesto: 12.500 € al año. Un saludo, Sara",
);

export async function seedDemo(
  google: GoogleEmulator,
  microsoft: MicrosoftEmulator,
  synthetic = 300,
): Promise<void> {
  google.addAccount(DEMO_ACCOUNT.email, DEMO_ACCOUNT.name);
  await google.mailbox(DEMO_ACCOUNT.email).addRaw(RECEIVED, ["INBOX", "UNREAD"]);
  await google.mailbox(DEMO_ACCOUNT.email).addRaw(SENT, ["SENT"]);
  google.generate(DEMO_ACCOUNT.email, { count: synthetic, participant: CARMEN, share: 0.1 });

  const attendee = { email: CARMEN.address, displayName: CARMEN.name };
  google.calendars(DEMO_ACCOUNT.email).seedEvent(DEMO_ACCOUNT.email, {
    id: "demorenewal2027",
    summary: "Renovación 2027 con Acme Iberia",
    start: { dateTime: "2026-12-03T10:00:00+01:00", timeZone: "Europe/Madrid" },
    end: { dateTime: "2026-12-03T11:00:00+01:00", timeZone: "Europe/Madrid" },
    attendees: [{ ...attendee, responseStatus: "accepted" }],
  });
  google.calendars(DEMO_ACCOUNT.email).seedEvent(DEMO_ACCOUNT.email, {
    id: "demoweeklysales",
    summary: "Reunión semanal de ventas",
    start: { dateTime: "2026-11-30T09:00:00", timeZone: "Europe/Madrid" },
    end: { dateTime: "2026-11-30T09:30:00", timeZone: "Europe/Madrid" },
    recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO"],
  });

  microsoft.addAccount(DEMO_ACCOUNT.email, DEMO_ACCOUNT.name);
  const madrid = (dateTime: string) => ({ dateTime, timeZone: "Romance Standard Time" });
  microsoft.calendars(DEMO_ACCOUNT.email).seedEvent({
    subject: "Renovación 2027 con Acme Iberia",
    start: madrid("2026-12-03T10:00:00"),
    end: madrid("2026-12-03T11:00:00"),
    attendees: [{ emailAddress: CARMEN, type: "required" }],
  });
  microsoft.calendars(DEMO_ACCOUNT.email).seedEvent({
    subject: "Reunión semanal de ventas",
    start: madrid("2026-11-30T09:00:00"),
    end: madrid("2026-11-30T09:30:00"),
    recurrence: {
      pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"], firstDayOfWeek: "monday" },
      range: { type: "noEnd", startDate: "2026-11-30" },
    },
  });
  await microsoft.mailbox(DEMO_ACCOUNT.email).addRaw(RECEIVED, "inbox");
  await microsoft.mailbox(DEMO_ACCOUNT.email).addRaw(SENT, "sentitems");
  microsoft.generate(DEMO_ACCOUNT.email, { count: synthetic, participant: CARMEN, share: 0.1 });

  const contacts = microsoft.contacts(DEMO_ACCOUNT.email);
  contacts.addCategory("Golf", "preset4");
  contacts.seed({
    givenName: "Carmen",
    surname: "Vidal",
    emailAddresses: [{ address: CARMEN.address, name: CARMEN.name }],
    companyName: "Acme Iberia",
    jobTitle: "Directora de compras",
    businessPhones: ["+34 910 000 001"],
  });
  contacts.seed(
    {
      givenName: "Luca",
      surname: "Bianchi",
      emailAddresses: [{ address: "luca.bianchi@example.it", name: "Luca Bianchi" }],
      mobilePhone: "+39 333 000 0001",
      categories: ["Golf"],
    },
    contacts.addFolder("Personal").id,
  );
}
