// Demo messages for the playground, written around the demo workspace (server/crm/demo-data.ts), one per
// case the pane must handle.
import type { FakeMessage, FakeUser } from "../host/fake-office.js";

export const demoUser: FakeUser = {
  name: "Sara Ventas",
  email: "sara@concilia.demo",
  timeZone: "Romance Standard Time",
};
const sara = { name: "Sara Ventas", email: "sara@concilia.demo" };

// A 16×16 blue square, as Outlook embeds a signature logo.
const logoPng =
  "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mPgz9lLEmIY1TCqYfhqAAAxAzgQZ74R2AAAAABJRU5ErkJggg==";
const proposalPdf = btoa(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

const orderPdf = btoa(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% orden 2027-118\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);
const priceList = btoa("producto;puestos;precio\r\nConcilia Business;200;24000\r\n");

const p = (text: string) => `<p>${text}</p>`;

export const demoMessages: FakeMessage[] = [
  {
    id: "known",
    internetMessageId: "<demo-giulia-pilota@borealis.example>",
    subject: "Pilota Nord Italia: prossimi passi",
    from: { name: "Giulia Rossi", email: "giulia.rossi@borealis.example" },
    to: [sara],
    cc: [],
    date: "2026-11-20T09:12:00Z",
    html: p("Ciao Sara, possiamo fissare una call per il pilota la settimana prossima?") + p("Giulia"),
    attachments: [],
  },
  {
    id: "lead",
    internetMessageId: "<demo-nina-intro@nordlicht.example>",
    subject: "Intro: Nordlicht × Concilia",
    from: { name: "Nina Weber", email: "nina.weber@nordlicht.example" },
    to: [sara],
    cc: [],
    date: "2026-11-20T11:40:00Z",
    html: p("Hi Sara, we met at the fair in Milan. Could you send me your pricing?") + p("Nina"),
    attachments: [],
  },
  {
    id: "customer",
    internetMessageId: "<demo-jose-renovacion@acme-iberia.example>",
    subject: "Renovación de licencias 2027",
    from: { name: "José García", email: "jose.garcia@acme-iberia.example" },
    to: [sara],
    cc: [{ name: "Marta Núñez", email: "marta.nunez@acme-iberia.example" }],
    date: "2026-11-21T08:05:00Z",
    html:
      p("Hola Sara, te confirmo la renovación. Marta se encarga de la orden de compra.") +
      p("Un saludo, José"),
    attachments: [],
  },
  {
    id: "unknown",
    internetMessageId: "<demo-laura-consulta@hortensia.example>",
    subject: "Consulta sobre vuestro servicio",
    from: { name: "Laura Pérez Gil", email: "laura.perez@hortensia.example" },
    to: [sara],
    cc: [],
    date: "2026-11-21T10:30:00Z",
    html:
      p("Buenos días, me gustaría recibir información sobre vuestros planes para 20 usuarios.") + p("Laura"),
    attachments: [],
  },
  {
    id: "many",
    internetMessageId: "<demo-luca-kickoff@borealis.example>",
    subject: "Kick-off formazione: partecipanti",
    from: { name: "Luca Bianchi", email: "luca.bianchi@borealis.example" },
    to: [
      { name: "Sara Ventas", email: "sara.ventas@concilia.demo" },
      { name: "Giulia Rossi", email: "giulia.rossi@borealis.example" },
      { name: "Tommaso Galli", email: "tommaso.galli@borealis.example" },
    ],
    cc: [
      { name: "Marco Ricci", email: "marco.ricci@delta-foods.example" },
      { name: "Omar Haddad", email: "omar@atlas-trading.example" },
      { name: "Elena Sanz", email: "elena.sanz@estrella.example" },
      { name: "Pietro Longo", email: "pietro.longo@fornitori.example" },
      { name: "", email: "segreteria@borealis.example" },
    ],
    date: "2026-11-22T14:00:00Z",
    html: p("Ciao a tutti, ecco l'elenco dei partecipanti al kick-off.") + p("Luca"),
    attachments: [],
  },
  {
    id: "sent",
    internetMessageId: "<demo-sara-propuesta@concilia.demo>",
    subject: "Nueva propuesta para Delta Foods",
    from: sara,
    to: [{ name: "Marco Ricci", email: "marco.ricci@delta-foods.example" }],
    cc: [{ name: "Lucía Fernández", email: "lucia.fernandez@cumbre.example" }],
    date: "2026-11-23T09:00:00Z",
    html: p("Hola Marco, te envío una propuesta revisada, con la referencia de Lucía.") + p("Sara"),
    attachments: [],
  },
  {
    id: "attachments",
    internetMessageId: "<demo-francesca-offerta@libero.example>",
    subject: "Offerta firmata e logo",
    from: { name: "Francesca Conti", email: "francesca.conti@libero.example" },
    to: [sara],
    cc: [],
    date: "2026-11-23T16:20:00Z",
    html:
      p("Ciao Sara, in allegato l'offerta firmata.") +
      `<p><img src="cid:logo.png@01DB0000" alt="Studio Conti" width="16" height="16"></p>` +
      p("Francesca"),
    attachments: [
      {
        id: "att-pdf",
        name: "offerta-firmata.pdf",
        contentType: "application/pdf",
        isInline: false,
        base64: proposalPdf,
      },
      { id: "att-logo", name: "logo.png", contentType: "image/png", isInline: true, base64: logoPng },
    ],
  },
  {
    id: "order",
    internetMessageId: "<demo-marta-orden@acme-iberia.example>",
    subject: "Orden de compra 2027",
    from: { name: "Marta Núñez", email: "marta.nunez@acme-iberia.example" },
    to: [sara],
    cc: [],
    date: "2026-11-24T09:30:00Z",
    html:
      p("Hola Sara, te adjunto la orden de compra firmada y el anexo de precios.") +
      `<p><img src="cid:firma.png@01DB0001" alt="Acme Iberia" width="16" height="16"></p>` +
      p("Marta"),
    // As Outlook lists them: the files first, the inline signature image last.
    attachments: [
      {
        id: "att-order",
        name: "orden-de-compra.pdf",
        contentType: "application/pdf",
        isInline: false,
        base64: orderPdf,
      },
      {
        id: "att-prices",
        name: "anexo-precios.csv",
        contentType: "text/csv",
        isInline: false,
        base64: priceList,
      },
      { id: "att-signature", name: "firma.png", contentType: "image/png", isInline: true, base64: logoPng },
    ],
  },
];
