// Demo Gmail messages over the demo workspace (server/crm/demo-data.ts): one for each case the card
// must handle. Used by the tests, the benchmark and the playground preview.

export interface DemoMessage {
  /** Gmail message id (hex, as GmailApp uses). */
  id: string;
  threadId: string;
  /** What the playground lists. */
  label: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  date: Date;
  /** RFC 5322 Message-ID, with angle brackets. */
  messageId: string;
  text: string;
}

const SARA = "Sara Ventas <sara@concilia.demo>";

export function demoMessages(now = new Date()): DemoMessage[] {
  const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);
  const m = (n: number, rest: Omit<DemoMessage, "id" | "threadId" | "messageId">): DemoMessage => ({
    id: `18f0c0de0000${String(n).padStart(4, "0")}`,
    threadId: `18f0c0de0000${String(n).padStart(4, "0")}`,
    messageId: `<demo-${n}.gmail@mail.concilia.demo>`,
    ...rest,
  });
  return [
    m(1, {
      label: "José García (Acme Iberia, current customer) asks about more seats",
      from: "José García <jose.garcia@acme-iberia.example>",
      to: [SARA],
      cc: [
        '"Núñez, Marta" <marta.nunez@acme-iberia.example>',
        "Pablo Ortega <pablo.ortega@acme-iberia.example>",
      ],
      subject: "Re: Ampliación a 200 puestos",
      date: ago(2),
      text: "Hola Sara,\n\n¿Podemos vernos la semana que viene para cerrar la ampliación?\n\nUn saludo,\nJosé",
    }),
    m(2, {
      label: "Giulia Rossi (Borealis, current prospect) about the pilot",
      from: "Giulia Rossi <giulia.rossi@borealis.example>",
      to: [SARA, "Luca Bianchi <luca.bianchi@borealis.example>"],
      cc: ["Tommaso Galli <tommaso.galli@borealis.example>"],
      subject: "Pilota Nord Italia: prossimi passi",
      date: ago(5),
      text: "Ciao Sara,\n\nti mando i prossimi passi del pilota.\n\nGiulia",
    }),
    m(3, {
      label: "Laura Pérez (unknown sender) wants a quote",
      from: "Laura Pérez <laura.perez@nuevocliente.example>",
      to: [SARA],
      cc: [],
      subject: "Solicitud de presupuesto",
      date: ago(8),
      text: "Buenos días,\n\nnos gustaría recibir un presupuesto para 50 usuarios.\n\nLaura Pérez\nNuevo Cliente S.L.",
    }),
    m(4, {
      label: "Nina Weber (lead) introduces Nordlicht",
      from: "Nina Weber <nina.weber@nordlicht.example>",
      to: [SARA],
      cc: ["Omar Haddad <omar@atlas-trading.example>"],
      subject: "Intro: Nordlicht GmbH",
      date: ago(26),
      text: "Hi Sara,\n\nnice to meet you. Could we have a call next week?\n\nNina",
    }),
    m(5, {
      label: "Sara writes to Lucía Fernández (Cumbre Logística)",
      from: SARA,
      to: ["Lucía Fernández <lucia.fernandez@cumbre.example>"],
      cc: ["Andrés Martín <andres.martin@cumbre.example>", "new.buyer@cumbre.example"],
      subject: "Propuesta de renovación",
      date: ago(30),
      text: "Hola Lucía,\n\nte adjunto la propuesta de renovación.\n\nSara",
    }),
    m(6, {
      label: "Marco Ricci (Delta Foods, lost prospect) comes back",
      from: "Marco Ricci <marco.ricci@delta-foods.example>",
      to: [SARA],
      cc: [],
      subject: "Catalogo digitale: riapriamo?",
      date: ago(50),
      text: "Buongiorno Sara,\n\nvorremmo riaprire il discorso del catalogo digitale.\n\nMarco",
    }),
  ];
}

function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

function encodeAddress(mailbox: string): string {
  const m = /^(.*?)\s*<([^>]+)>$/.exec(mailbox);
  if (!m) return mailbox;
  const name = m[1].replace(/^"(.*)"$/, "$1");
  const encoded = encodeWord(name);
  return encoded === name && /[,;"]/.test(name) ? `"${name}" <${m[2]}>` : `${encoded} <${m[2]}>`;
}

/** The message as RFC 5322 text, as GmailMessage.getRawContent() returns it. */
export function rawContent(msg: DemoMessage): string {
  const lines = [
    `From: ${encodeAddress(msg.from)}`,
    `To: ${msg.to.map(encodeAddress).join(", ")}`,
    ...(msg.cc.length ? [`Cc: ${msg.cc.map(encodeAddress).join(", ")}`] : []),
    `Subject: ${encodeWord(msg.subject)}`,
    `Date: ${msg.date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${msg.messageId}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=UTF-8",
    "Content-Transfer-Encoding: base64",
    "",
    ...(Buffer.from(msg.text, "utf8")
      .toString("base64")
      .match(/.{1,76}/g) ?? []),
    "",
  ];
  return lines.join("\r\n");
}
