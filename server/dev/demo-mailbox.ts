// The demo user's mailbox in the emulators (dev mode): a few dozen messages in Spanish, Italian and
// English. Most have a person or company of the demo CRM (server/crm/demo-data.ts) so that a sync logs
// them; the others show why a message is left out: internal, automated, or nobody the CRM knows.
import { randomUUID } from "node:crypto";
import { DEMO_DOMAIN, demoUsers } from "../crm/demo-data.js";

export const DEMO_MAILBOX = { email: demoUsers[1].email, name: demoUsers[1].name };

type Who = { name: string; address: string };
/**
 * `crm`: a person or company Sara sees in the CRM (logged); `colleague`: a contact Alba (the admin) owns
 * and has not shared, so Sara's sync finds no CRM participant; the rest are skipped for what they say.
 */
export type DemoMailKind = "crm" | "colleague" | "internal" | "automated" | "unknown";

export interface DemoMail {
  kind: DemoMailKind;
  /** Received (from someone to Sara) or sent (by Sara). */
  sent: boolean;
  other: Who;
  cc?: Who[];
  subject: string;
  text: string;
  /** Extra headers, e.g. List-Unsubscribe on a newsletter. */
  headers?: Record<string, string>;
}

const p = (name: string, address: string): Who => ({ name, address });
const JOSE = p("José García", "jose.garcia@acme-iberia.example");
const MARTA = p("Marta Núñez", "marta.nunez@acme-iberia.example");
const PABLO = p("Pablo Ortega", "pablo.ortega@acme-iberia.example");
const CARMEN = p("Carmen Vidal", "carmen.vidal@acme-iberia.example");
const GIULIA = p("Giulia Rossi", "giulia.rossi@borealis.example");
const LUCA = p("Luca Bianchi", "luca.bianchi@borealis.example");
const CHIARA = p("Chiara Esposito", "chiara.esposito@borealis.example");
const TOMMASO = p("Tommaso Galli", "tommaso.galli@borealis.example");
const LUCIA = p("Lucía Fernández", "lucia.fernandez@cumbre.example");
const ANDRES = p("Andrés Martín", "andres.martin@cumbre.example");
const MARCO = p("Marco Ricci", "marco.ricci@delta-foods.example");
const SOFIA = p("Sofía López", "sofia.lopez@delta-foods.example");
const ELENA = p("Elena Sanz", "elena.sanz@estrella.example");
const FRANCESCA = p("Francesca Conti", "francesca.conti@libero.example");
const NINA = p("Nina Weber", "nina.weber@nordlicht.example");
const EMMA = p("Emma Dubois", "emma.dubois@maison-dubois.example");
const DELTA_OFFICE = p("Delta Foods", "office@delta-foods.example");
const ALBA = p("Alba Admin", `admin@${DEMO_DOMAIN}`);

const crm = (other: Who, subject: string, text: string, sent = false, cc?: Who[]): DemoMail => ({
  kind: "crm",
  sent,
  other,
  cc,
  subject,
  text,
});

const colleague = (other: Who, subject: string, text: string): DemoMail => ({
  ...crm(other, subject, text),
  kind: "colleague",
});

/** The mailbox as seeded when the emulators start, oldest first. */
export const demoMailbox: DemoMail[] = [
  crm(
    JOSE,
    "Renovación de licencias 2027",
    "Hola Sara,\n\n¿podemos revisar la renovación antes del viernes? Necesitamos el desglose por puestos.\n\nUn saludo,\nJosé",
  ),
  crm(
    JOSE,
    "Re: Renovación de licencias 2027",
    "Hola José,\n\nte adjunto el desglose: 150 puestos a 83 € al año. Lo vemos el jueves a las 10:00.\n\nSara",
    true,
  ),
  crm(
    MARTA,
    "Orden de compra 2027-118",
    "Buenos días Sara,\n\nos enviamos la orden de compra firmada. Confirmad la fecha de entrega, por favor.\n\nMarta Núñez\nCompras, Acme Iberia",
  ),
  crm(
    PABLO,
    "Ampliación a 200 puestos: dudas técnicas",
    "Sara, ¿el SSO con Entra ID está incluido en la ampliación o es un módulo aparte?\n\nPablo",
  ),
  crm(
    CARMEN,
    "Presupuesto formación",
    "Hola Sara, ¿nos envías el presupuesto de la formación para el equipo de Valencia? Gracias, Carmen",
  ),
  crm(
    CARMEN,
    "Re: Presupuesto formación",
    "Hola Carmen, son dos jornadas por 3.200 € más IVA. ¿Te encaja en marzo?\n\nSara",
    true,
  ),
  crm(
    GIULIA,
    "Progetto pilota Nord Italia",
    "Ciao Sara,\n\nabbiamo approvato il pilota per le sedi di Milano e Torino. Possiamo fissare una call la prossima settimana?\n\nGiulia",
  ),
  crm(
    GIULIA,
    "Re: Progetto pilota Nord Italia",
    "Ciao Giulia,\n\nottima notizia! Ti propongo martedì alle 15:00.\n\nSara",
    true,
    [LUCA],
  ),
  crm(
    LUCA,
    "Contratto pilota: bozza",
    "Sara, in allegato la bozza del contratto con le nostre note. Manca solo la clausola sui dati.\n\nLuca Bianchi",
  ),
  colleague(
    CHIARA,
    "Formazione utenti Borealis",
    "Buongiorno Sara, vorremmo organizzare la formazione a gennaio. Quali date avete libere?\n\nChiara",
  ),
  crm(
    TOMMASO,
    "Fattura n. 2026/341",
    "Ciao Sara, la fattura di novembre risulta ancora aperta nel nostro sistema. Mi confermi l'IBAN?\n\nTommaso",
  ),
  crm(
    LUCIA,
    "Flota 2025: seguimiento",
    "Hola Sara,\n\nlos conductores ya usan la aplicación. Queremos añadir diez vehículos más.\n\nLucía",
  ),
  crm(
    ANDRES,
    "Incidencia en la sincronización",
    "Sara, desde ayer dos usuarios no ven el calendario compartido. ¿Lo podéis revisar?\n\nAndrés",
  ),
  crm(
    LUCIA,
    "Re: Flota 2025: seguimiento",
    "Hola Lucía, te preparo la oferta para los diez vehículos hoy mismo.\n\nSara",
    true,
  ),
  crm(
    MARCO,
    "Catalogo digitale: feedback",
    "Ciao Sara, il catalogo digitale piace molto al team commerciale. Due richieste di modifica in allegato.\n\nMarco",
  ),
  colleague(
    SOFIA,
    "Segunda propuesta Delta",
    "Hola Sara, ¿podéis mejorar el precio de la segunda propuesta un 5 %?\n\nSofía López",
  ),
  colleague(
    DELTA_OFFICE,
    "Cambio de dirección de facturación",
    "Estimados: a partir del 1 de enero nuestra dirección de facturación cambia. Adjuntamos los nuevos datos.\n\nDelta Foods",
  ),
  colleague(
    ELENA,
    "Campaña de primavera",
    "Hola Sara, la agencia necesita el calendario de la campaña de primavera antes del 15.\n\nElena",
  ),
  crm(
    FRANCESCA,
    "Consulenza freelance",
    "Ciao Sara, sono disponibile per il progetto Borealis da febbraio. Ti mando il mio preventivo?\n\nFrancesca",
  ),
  crm(
    NINA,
    "Partnership in Germany",
    "Hi Sara,\n\nwe would like to resell Concilia in the DACH region. Do you have a partner programme?\n\nBest regards,\nNina Weber",
  ),
  crm(
    NINA,
    "Re: Partnership in Germany",
    "Hi Nina,\n\nwe do: I'm attaching the partner terms. Shall we talk on Thursday?\n\nSara",
    true,
  ),
  crm(
    EMMA,
    "Quote for 40 seats",
    "Hello Sara, could you send us a quote for 40 seats, billed yearly? Thanks, Emma",
  ),
  {
    kind: "internal",
    sent: false,
    other: ALBA,
    subject: "Previsión del trimestre",
    text: "Sara, actualiza la previsión del trimestre antes del lunes, por favor.\n\nAlba",
  },
  {
    kind: "internal",
    sent: true,
    other: ALBA,
    subject: "Re: Previsión del trimestre",
    text: "Hecho, Alba. He movido Delta a la columna de cierre probable.\n\nSara",
  },
  {
    kind: "internal",
    sent: false,
    other: p("Concilia Demo Team", `team@${DEMO_DOMAIN}`),
    subject: "Cena de Navidad",
    text: "Hola a todos: la cena de Navidad será el 18 de diciembre. Confirmad asistencia.",
  },
  {
    kind: "automated",
    sent: false,
    other: p("SaaS Weekly", "newsletter@saasweekly.example"),
    subject: "This week in SaaS: pricing pages that convert",
    text: "Five pricing pages we loved this week. Unsubscribe at any time.",
    headers: { "List-Unsubscribe": "<mailto:unsubscribe@saasweekly.example>", Precedence: "bulk" },
  },
  {
    kind: "automated",
    sent: false,
    other: p("Calendario", "no-reply@calendar.example"),
    subject: "Promemoria: call con Borealis alle 15:00",
    text: "Questo è un promemoria automatico.",
    headers: { "Auto-Submitted": "auto-generated" },
  },
  {
    kind: "automated",
    sent: false,
    other: p("Facturación", "noreply@billing.example"),
    subject: "Su factura de noviembre está disponible",
    text: "Este mensaje se ha generado automáticamente. No responda a este correo.",
    headers: { "Auto-Submitted": "auto-generated" },
  },
  {
    kind: "unknown",
    sent: false,
    other: p("Laura Pérez", "laura.perez@gmail.example"),
    subject: "Cena del sábado",
    text: "¡Hola Sara! ¿Sigue en pie la cena del sábado? Besos, Laura",
  },
  {
    kind: "unknown",
    sent: false,
    other: p("Recruiter", "talent@headhunters.example"),
    subject: "An opportunity you might like",
    text: "Hi Sara, I came across your profile and would love to chat about a role.",
  },
  {
    kind: "unknown",
    sent: true,
    other: p("Comunità del condominio", "amministratore@condominio.example"),
    subject: "Riunione di condominio",
    text: "Buongiorno, confermo la mia presenza alla riunione di giovedì.\n\nSara Ventas",
  },
];

/** What "send a demo message" delivers, in turn: new mail from CRM contacts, and now and then one that is skipped. */
export const demoArrivals: DemoMail[] = [
  crm(
    JOSE,
    "¿Firmamos el jueves?",
    "Hola Sara, tenemos la aprobación de dirección. ¿Firmamos el jueves?\n\nJosé",
  ),
  crm(
    GIULIA,
    "Nuove sedi per il pilota",
    "Ciao Sara, possiamo aggiungere anche Bologna al pilota?\n\nGiulia",
  ),
  crm(EMMA, "Re: Quote for 40 seats", "Hello Sara, the quote looks good. Can we start on the 1st?\n\nEmma"),
  {
    kind: "automated",
    sent: false,
    other: p("SaaS Weekly", "newsletter@saasweekly.example"),
    subject: "This week in SaaS: onboarding emails",
    text: "Seven onboarding emails worth copying.",
    headers: { "List-Unsubscribe": "<mailto:unsubscribe@saasweekly.example>", Precedence: "bulk" },
  },
  crm(MARCO, "Ordine di prova", "Ciao Sara, confermiamo l'ordine di prova per dicembre.\n\nMarco"),
  crm(LUCIA, "Diez vehículos más: aprobado", "Sara, aprobado. Envíanos el contrato.\n\nLucía"),
  crm(NINA, "Partner terms signed", "Hi Sara, the partner terms are signed and attached.\n\nNina"),
];

/** RFC 2047 for a header with non-ASCII text (UTF-8, base64). */
const word = (s: string) =>
  /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s).toString("base64")}?=`;
const encodedAddress = (w: Who) => `${word(`"${w.name}"`)} <${w.address}>`;

/**
 * The message as RFC 5322 text, dated `date`. `id` makes its Message-ID: the seeded mailbox uses fixed
 * ones, so that after a restart (new emulators, reseeded) a resync finds the messages already logged.
 */
export function rawDemoMail(m: DemoMail, date: Date, id: string = randomUUID()): string {
  const me = { name: DEMO_MAILBOX.name, address: DEMO_MAILBOX.email };
  const [from, to] = m.sent ? [me, m.other] : [m.other, me];
  const lines = [
    `From: ${encodedAddress(from)}`,
    `To: ${encodedAddress(to)}`,
    ...(m.cc?.length ? [`Cc: ${m.cc.map(encodedAddress).join(", ")}`] : []),
    `Subject: ${word(m.subject)}`,
    `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <demo-${id}@${DEMO_DOMAIN}>`,
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    m.text.replace(/\n/g, "\r\n"),
    "",
  ];
  return lines.join("\r\n");
}
