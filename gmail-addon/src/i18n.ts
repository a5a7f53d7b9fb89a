// R-SB-6: the add-on speaks the user's Gmail language (English, Spanish, Italian).

import { cardWords } from "../../shared/card-words.js";
import { codeWords } from "../../shared/code-words.js";
import { exchangeWords } from "../../shared/exchange-words.js";
import { type Locale, pickLocale } from "../../shared/i18n.js";
import { logWords } from "../../shared/log-words.js";
import { meetingWords } from "../../shared/meeting-words.js";
import { overwrittenWords } from "../../shared/overwritten-words.js";
import { searchWords } from "../../shared/search-words.js";
import { syncWords } from "../../shared/sync-words.js";

const en = {
  ...syncWords.en,
  ...exchangeWords.en,
  ...overwrittenWords.en,
  ...cardWords.en,
  ...logWords.en,
  ...meetingWords.en,
  ...searchWords.en,
  ...codeWords.en,
  appName: "Concilia",
  loggedOn: "Logged on {date}",
  emailLogged: "Email logged in Concilia.",
  alreadyLogged: "This email was already logged; nothing changed.",
  you: "You",
  category: "Category",
  otherParticipants: "Other participants",
  moreParticipants: "{count} more addresses were left out (too many for one request).",
  noCompany: "No company",
  newContact: "New contact",
  newLead: "New lead",
  contactCreated: "Contact {name} created.",
  leadCreated: "Lead {name} created.",
  nameRequired: "Give a first or last name.",
  meetingNotes: "Notes",
  searchEmpty: "Type a name, an email address or a phone number.",
  searchResults: 'Results for "{q}"',
  recentContacts: "Contacts",
  noContacts: "No contacts yet.",
  homeTitle: "Concilia CRM",
  signedInAs: "Signed in as {email}",
  unreachableTitle: "Concilia is unreachable",
  unreachableAt: "The Concilia server at {origin} did not answer. Check your connection and try again.",
  noIdentityTitle: "Cannot sign in",
  noIdentity:
    'Google gave the add-on no identity token, so Concilia cannot tell who you are. The add-on\'s manifest must include the "openid" scope; ask your administrator to redeploy it.',
  signInFailed: "Concilia refused the sign-in: {detail}",
  serverError: "Concilia answered with an error: {detail}",
  errorTitle: "Something went wrong",
  badAnswer: "Concilia sent an answer the add-on does not understand (HTTP {status}).",
  noPlanned: "Nothing planned.",
  signInToConcilia: "Sign in to Concilia",
  codeEmpty: "Enter the code from Concilia's sign-in page.",
  addAddressTo: "Add {address} to a record",
  linkTitle: "Link your Google account",
  linkIntro:
    "Concilia does not know this Google account yet. Open the sign-in page, sign in with your Concilia email and password, and enter the one-time code it shows here. You do this once.",
  linkOpenPage: "Open the sign-in page",
  linkCode: "One-time code",
  linkAccount: "Link account",
  linkCodeRequired: "Enter the one-time code from the sign-in page.",
  linked: "Your Google account is now linked to {email} in Concilia.",
};

export type Messages = typeof en;

const es: Messages = {
  ...syncWords.es,
  ...exchangeWords.es,
  ...overwrittenWords.es,
  ...cardWords.es,
  ...logWords.es,
  ...meetingWords.es,
  ...searchWords.es,
  ...codeWords.es,
  appName: "Concilia",
  loggedOn: "Registrado el {date}",
  emailLogged: "Correo registrado en Concilia.",
  alreadyLogged: "Este correo ya estaba registrado; no ha cambiado nada.",
  you: "Tú",
  category: "Categoría",
  otherParticipants: "Otros participantes",
  moreParticipants: "Se han omitido {count} direcciones más (demasiadas para una sola petición).",
  noCompany: "Sin compañía",
  newContact: "Nuevo contacto",
  newLead: "Nuevo lead",
  contactCreated: "Contacto {name} creado.",
  leadCreated: "Lead {name} creado.",
  nameRequired: "Indica un nombre o unos apellidos.",
  meetingNotes: "Notas",
  searchEmpty: "Escribe un nombre, una dirección de correo o un teléfono.",
  searchResults: 'Resultados de "{q}"',
  recentContacts: "Contactos",
  noContacts: "Todavía no hay contactos.",
  homeTitle: "Concilia CRM",
  signedInAs: "Sesión iniciada como {email}",
  unreachableTitle: "No se puede conectar con Concilia",
  unreachableAt:
    "El servidor de Concilia en {origin} no ha respondido. Comprueba la conexión y vuelve a intentarlo.",
  noIdentityTitle: "No se puede iniciar sesión",
  noIdentity:
    'Google no ha dado al complemento ningún token de identidad, así que Concilia no sabe quién eres. El manifiesto del complemento debe incluir el ámbito "openid"; pide a tu administrador que lo vuelva a desplegar.',
  signInFailed: "Concilia ha rechazado el inicio de sesión: {detail}",
  serverError: "Concilia ha respondido con un error: {detail}",
  errorTitle: "Algo ha fallado",
  badAnswer: "Concilia ha enviado una respuesta que el complemento no entiende (HTTP {status}).",
  noPlanned: "Nada planificado.",
  signInToConcilia: "Iniciar sesión en Concilia",
  codeEmpty: "Escribe el código de la página de inicio de sesión de Concilia.",
  addAddressTo: "Añadir {address} a un registro",
  linkTitle: "Vincula tu cuenta de Google",
  linkIntro:
    "Concilia todavía no conoce esta cuenta de Google. Abre la página de inicio de sesión, entra con tu correo y contraseña de Concilia y escribe aquí el código de un solo uso que te muestra. Solo hay que hacerlo una vez.",
  linkOpenPage: "Abrir la página de inicio de sesión",
  linkCode: "Código de un solo uso",
  linkAccount: "Vincular cuenta",
  linkCodeRequired: "Escribe el código de un solo uso de la página de inicio de sesión.",
  linked: "Tu cuenta de Google ya está vinculada a {email} en Concilia.",
};

const it: Messages = {
  ...syncWords.it,
  ...exchangeWords.it,
  ...overwrittenWords.it,
  ...cardWords.it,
  ...logWords.it,
  ...meetingWords.it,
  ...searchWords.it,
  ...codeWords.it,
  appName: "Concilia",
  loggedOn: "Registrata il {date}",
  emailLogged: "Email registrata in Concilia.",
  alreadyLogged: "Questa email era già registrata; non è cambiato nulla.",
  you: "Tu",
  category: "Categoria",
  otherParticipants: "Altri partecipanti",
  moreParticipants: "Altri {count} indirizzi sono stati tralasciati (troppi per una sola richiesta).",
  noCompany: "Nessuna azienda",
  newContact: "Nuovo contatto",
  newLead: "Nuovo lead",
  contactCreated: "Contatto {name} creato.",
  leadCreated: "Lead {name} creato.",
  nameRequired: "Indica un nome o un cognome.",
  meetingNotes: "Note",
  searchEmpty: "Scrivi un nome, un indirizzo email o un numero di telefono.",
  searchResults: 'Risultati per "{q}"',
  recentContacts: "Contatti",
  noContacts: "Ancora nessun contatto.",
  homeTitle: "Concilia CRM",
  signedInAs: "Accesso eseguito come {email}",
  unreachableTitle: "Concilia non è raggiungibile",
  unreachableAt: "Il server di Concilia su {origin} non ha risposto. Controlla la connessione e riprova.",
  noIdentityTitle: "Accesso impossibile",
  noIdentity:
    "Google non ha fornito al componente aggiuntivo alcun token di identità, quindi Concilia non sa chi sei. Il manifesto del componente deve includere l'ambito \"openid\"; chiedi all'amministratore di ridistribuirlo.",
  signInFailed: "Concilia ha rifiutato l'accesso: {detail}",
  serverError: "Concilia ha risposto con un errore: {detail}",
  errorTitle: "Qualcosa è andato storto",
  badAnswer: "Concilia ha inviato una risposta che il componente non comprende (HTTP {status}).",
  noPlanned: "Niente in programma.",
  signInToConcilia: "Accedi a Concilia",
  codeEmpty: "Inserisci il codice della pagina di accesso di Concilia.",
  addAddressTo: "Aggiungi {address} a una scheda",
  linkTitle: "Collega il tuo account Google",
  linkIntro:
    "Concilia non conosce ancora questo account Google. Apri la pagina di accesso, accedi con email e password di Concilia e inserisci qui il codice monouso che ti mostra. Va fatto una sola volta.",
  linkOpenPage: "Apri la pagina di accesso",
  linkCode: "Codice monouso",
  linkAccount: "Collega account",
  linkCodeRequired: "Inserisci il codice monouso della pagina di accesso.",
  linked: "Il tuo account Google ora è collegato a {email} in Concilia.",
};

export const catalogs: Record<Locale, Messages> = { en, es, it };

export interface I18n {
  locale: Locale;
  t(key: keyof Messages, vars?: Record<string, string | number>): string;
  /** A built-in activity type in the user's language; a workspace's own type by its name. */
  activityType(key: string, name: string): string;
}

export function i18n(userLocale: string | undefined): I18n {
  const locale = pickLocale(userLocale);
  const messages = catalogs[locale];
  return {
    locale,
    t(key, vars = {}) {
      return messages[key].replace(/\{(\w+)\}/g, (m, name: string) =>
        name in vars ? String(vars[name]) : m,
      );
    },
    activityType(key, name) {
      const known = `activity_${key}` as keyof Messages;
      return known in messages ? messages[known] : name;
    },
  };
}
