// What the landing page and the Gmail set-up page say, in the three languages Concilia speaks.
import type { Locale } from "../../../shared/i18n.js";

export interface LandingText {
  tagline: string;
  about: string;
  version: (v: string) => string;
  signIn: string;
  signInHint: string;
  outlook: string;
  outlookHint: string;
  gmail: string;
  gmailHint: string;
  api: string;
  apiHint: string;
  health: string;
  ready: string;
  gmailTitle: string;
  gmailIntro: (origin: string) => string;
  gmailBuild: string;
  gmailDeploy: string;
  gmailInstall: string;
  gmailTry: string;
  back: string;
}

export const landingText: Record<Locale, LandingText> = {
  en: {
    tagline: "The CRM in your inbox.",
    about:
      "Concilia shows the CRM record behind the email you are reading, in an Outlook task pane and a Gmail add-on: the person, the company, open deals, next meetings and last activities. One click logs the email with its attachments as a CRM activity.",
    version: (v) => `Version ${v}`,
    signIn: "Sign in",
    signInHint: "the sign-in page the sidebars open",
    outlook: "Outlook add-in manifest",
    outlookHint: "add it in Outlook under Get add-ins → My add-ins → Add a custom add-in",
    gmail: "Gmail add-on set-up",
    gmailHint: "build and deploy the add-on for this server",
    api: "API document (OpenAPI)",
    apiHint: "every endpoint under /api/v1",
    health: "Health",
    ready: "Readiness",
    gmailTitle: "Set up the Gmail add-on",
    gmailIntro: (origin) =>
      `The Gmail add-on is an Apps Script project built for one server. Build it for this one, ${origin}, from a clone of the Concilia repository:`,
    gmailBuild:
      "This writes gmail-addon/dist/: Code.js and appsscript.json, with this server's origin as the only address the add-on may call.",
    gmailDeploy:
      "To deploy: copy gmail-addon/.clasp.json.example to gmail-addon/.clasp.json with your Apps Script project's id, sign in with clasp once, then push:",
    gmailInstall:
      "In the Apps Script editor: Deploy → Test deployments → Google Workspace add-on → Install. Open Gmail, open a message and pick Concilia in the side panel.",
    gmailTry: "More in gmail-addon/README.md.",
    back: "Back to the start page",
  },
  es: {
    tagline: "El CRM en tu bandeja de entrada.",
    about:
      "Concilia muestra la ficha del CRM detrás del correo que estás leyendo, en un panel de Outlook y un complemento de Gmail: la persona, la empresa, las oportunidades abiertas, las próximas reuniones y las últimas actividades. Con un clic registra el correo y sus adjuntos como actividad del CRM.",
    version: (v) => `Versión ${v}`,
    signIn: "Iniciar sesión",
    signInHint: "la página de acceso que abren los paneles",
    outlook: "Manifiesto del complemento de Outlook",
    outlookHint:
      "añádelo en Outlook en Obtener complementos → Mis complementos → Agregar un complemento personalizado",
    gmail: "Configurar el complemento de Gmail",
    gmailHint: "compilar y desplegar el complemento para este servidor",
    api: "Documento de la API (OpenAPI)",
    apiHint: "todos los endpoints bajo /api/v1",
    health: "Estado",
    ready: "Disponibilidad",
    gmailTitle: "Configurar el complemento de Gmail",
    gmailIntro: (origin) =>
      `El complemento de Gmail es un proyecto de Apps Script compilado para un servidor. Compílalo para este, ${origin}, desde una copia del repositorio de Concilia:`,
    gmailBuild:
      "Esto escribe gmail-addon/dist/: Code.js y appsscript.json, con el origen de este servidor como única dirección a la que el complemento puede llamar.",
    gmailDeploy:
      "Para desplegarlo: copia gmail-addon/.clasp.json.example a gmail-addon/.clasp.json con el id de tu proyecto de Apps Script, inicia sesión con clasp una vez y sube el código:",
    gmailInstall:
      "En el editor de Apps Script: Implementar → Probar implementaciones → Complemento de Google Workspace → Instalar. Abre Gmail, abre un mensaje y elige Concilia en el panel lateral.",
    gmailTry: "Más en gmail-addon/README.md.",
    back: "Volver a la página de inicio",
  },
  it: {
    tagline: "Il CRM nella tua casella di posta.",
    about:
      "Concilia mostra la scheda del CRM dietro l'email che stai leggendo, in un riquadro di Outlook e in un componente aggiuntivo di Gmail: la persona, l'azienda, le trattative aperte, le prossime riunioni e le ultime attività. Con un clic registra l'email e i suoi allegati come attività del CRM.",
    version: (v) => `Versione ${v}`,
    signIn: "Accedi",
    signInHint: "la pagina di accesso che aprono i pannelli",
    outlook: "Manifesto del componente aggiuntivo di Outlook",
    outlookHint:
      "aggiungilo in Outlook da Ottieni componenti aggiuntivi → I miei componenti aggiuntivi → Aggiungi componente personalizzato",
    gmail: "Configurare il componente aggiuntivo di Gmail",
    gmailHint: "compilare e pubblicare il componente per questo server",
    api: "Documento dell'API (OpenAPI)",
    apiHint: "tutti gli endpoint sotto /api/v1",
    health: "Stato",
    ready: "Prontezza",
    gmailTitle: "Configurare il componente aggiuntivo di Gmail",
    gmailIntro: (origin) =>
      `Il componente aggiuntivo di Gmail è un progetto Apps Script compilato per un server. Compilalo per questo, ${origin}, da una copia del repository di Concilia:`,
    gmailBuild:
      "Così si scrive gmail-addon/dist/: Code.js e appsscript.json, con l'origine di questo server come unico indirizzo che il componente può chiamare.",
    gmailDeploy:
      "Per pubblicarlo: copia gmail-addon/.clasp.json.example in gmail-addon/.clasp.json con l'id del tuo progetto Apps Script, accedi con clasp una volta e carica il codice:",
    gmailInstall:
      "Nell'editor di Apps Script: Esegui il deployment → Testa deployment → Componente aggiuntivo di Google Workspace → Installa. Apri Gmail, apri un messaggio e scegli Concilia nel pannello laterale.",
    gmailTry: "Altro in gmail-addon/README.md.",
    back: "Torna alla pagina iniziale",
  },
};
