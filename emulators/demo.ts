import type { GoogleEmulator } from "./google/emulator.js";
import type { MicrosoftEmulator } from "./microsoft/emulator.js";

/**
 * The demo account both emulators serve: the demo workspace's sales user, with a few messages
 * to and from CRM contacts of the demo workspace and a few hundred synthetic ones.
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

  microsoft.addAccount(DEMO_ACCOUNT.email, DEMO_ACCOUNT.name);
  await microsoft.mailbox(DEMO_ACCOUNT.email).addRaw(RECEIVED, "inbox");
  await microsoft.mailbox(DEMO_ACCOUNT.email).addRaw(SENT, "sentitems");
  microsoft.generate(DEMO_ACCOUNT.email, { count: synthetic, participant: CARMEN, share: 0.1 });
}
