// R-X: the words of "Integrations → Exchange", one set for both sidebars. The Outlook pane loads them
// with its Exchange view only (not before the first card); the Gmail add-on's catalogs take them.
import type { Locale } from "./i18n.js";

const en = {
  integrations: "Integrations",
  exchangeTitle: "Exchange contacts",
  exchangeIntro:
    "Sync the contacts of your Microsoft 365 or Outlook.com mailbox with Concilia, both ways. Deleting a contact on one side never deletes it on the other.",
  exchangeAccount: "Microsoft account",
  exchangeNoAccount:
    "Connect your Microsoft 365 or Outlook.com account first: Concilia syncs that mailbox's contacts.",
  exchangeConnect: "Connect Microsoft",
  exchangeConsentNeeded:
    "Microsoft has not yet given Concilia access to this mailbox's contacts and categories.",
  exchangeGrant: "Grant access to contacts",
  exchangeLanguage: "Language of the Concilia categories in Outlook",
  exchangeLanguageHint: "Chosen once, at activation: the category names cannot be changed afterwards.",
  exchangeLanguageIs: "Concilia categories in Outlook: {language}. Fixed at activation.",
  exchangeActivate: "Activate",
  exchangeActivated: "Exchange contacts are syncing.",
  exchangeCategories: "Exchange categories to sync",
  exchangeCategoriesHint: "Contacts filed under these categories in Outlook are imported into Concilia.",
  exchangeNoCategories:
    "This mailbox has no categories of its own yet, so there is nothing to choose from. In Outlook, open a contact, choose Categorize → All categories → New, name a category (for example “Clientes”), file the contacts to sync under it, and come back here.",
  exchangeFolders: "Contact folders",
  exchangeSharedFolder: "{name} (shared by {owner}): not synced.",
  exchangeSharedReason:
    "Shared folders are not synced: their owner decides what changes in them and keeps their categories, and Microsoft does not notify other people's changes in them.",
  exchangeSharedScopeMissing:
    "Folders other people shared with you cannot be listed: this connection was not granted the Microsoft permission “Read contacts shared with you” (Contacts.Read.Shared). Sign in to this connection again and accept it to see them here; they are listed, never synced.",
  exchangeSignInAgain: "Sign in again",
  exchangeTarget: "New contacts from Concilia go to",
  exchangeSaved: "Exchange settings saved.",
  exchangeDeactivate: "Deactivate",
  exchangeDeactivated:
    "Exchange contacts are no longer synced. Nothing was deleted: contacts, links and settings stay, and activating again goes on where it stood.",
  exchangeInactive: "Deactivated: contacts are not synced. Nothing was deleted.",
  language_en: "English",
  language_es: "Español",
  language_it: "Italiano",
};

export type ExchangeWords = typeof en;

const es: ExchangeWords = {
  integrations: "Integraciones",
  exchangeTitle: "Contactos de Exchange",
  exchangeIntro:
    "Sincroniza los contactos de tu buzón de Microsoft 365 u Outlook.com con Concilia, en ambos sentidos. Borrar un contacto en un lado nunca lo borra en el otro.",
  exchangeAccount: "Cuenta de Microsoft",
  exchangeNoAccount:
    "Conecta primero tu cuenta de Microsoft 365 u Outlook.com: Concilia sincroniza los contactos de ese buzón.",
  exchangeConnect: "Conectar Microsoft",
  exchangeConsentNeeded:
    "Microsoft todavía no ha dado a Concilia acceso a los contactos y categorías de este buzón.",
  exchangeGrant: "Dar acceso a los contactos",
  exchangeLanguage: "Idioma de las categorías de Concilia en Outlook",
  exchangeLanguageHint:
    "Se elige una vez, al activar: los nombres de las categorías no se pueden cambiar después.",
  exchangeLanguageIs: "Categorías de Concilia en Outlook: {language}. Fijado al activar.",
  exchangeActivate: "Activar",
  exchangeActivated: "Los contactos de Exchange se están sincronizando.",
  exchangeCategories: "Categorías de Exchange que se sincronizan",
  exchangeCategoriesHint: "Los contactos con estas categorías en Outlook se importan en Concilia.",
  exchangeNoCategories:
    "Este buzón todavía no tiene categorías propias, así que no hay nada que elegir. En Outlook, abre un contacto, elige Categorizar → Todas las categorías → Nueva, ponle un nombre (por ejemplo «Clientes»), asigna esa categoría a los contactos que quieres sincronizar y vuelve aquí.",
  exchangeFolders: "Carpetas de contactos",
  exchangeSharedFolder: "{name} (compartida por {owner}): no se sincroniza.",
  exchangeSharedReason:
    "Las carpetas compartidas no se sincronizan: su propietario decide qué cambia en ellas y conserva sus categorías, y Microsoft no avisa de los cambios de otras personas en ellas.",
  exchangeSharedScopeMissing:
    "No se pueden mostrar las carpetas que otras personas han compartido contigo: esta conexión no tiene el permiso de Microsoft «Leer los contactos compartidos contigo» (Contacts.Read.Shared). Vuelve a iniciar sesión en esta conexión y acéptalo para verlas aquí; se muestran, nunca se sincronizan.",
  exchangeSignInAgain: "Volver a iniciar sesión",
  exchangeTarget: "Los contactos nuevos de Concilia van a",
  exchangeSaved: "Ajustes de Exchange guardados.",
  exchangeDeactivate: "Desactivar",
  exchangeDeactivated:
    "Los contactos de Exchange ya no se sincronizan. No se ha borrado nada: contactos, vínculos y ajustes se conservan, y al activar de nuevo se sigue donde se dejó.",
  exchangeInactive: "Desactivada: los contactos no se sincronizan. No se ha borrado nada.",
  language_en: "English",
  language_es: "Español",
  language_it: "Italiano",
};

const it: ExchangeWords = {
  integrations: "Integrazioni",
  exchangeTitle: "Contatti di Exchange",
  exchangeIntro:
    "Sincronizza i contatti della tua casella Microsoft 365 o Outlook.com con Concilia, in entrambe le direzioni. Eliminare un contatto da una parte non lo elimina mai dall'altra.",
  exchangeAccount: "Account Microsoft",
  exchangeNoAccount:
    "Collega prima il tuo account Microsoft 365 o Outlook.com: Concilia sincronizza i contatti di quella casella.",
  exchangeConnect: "Collega Microsoft",
  exchangeConsentNeeded:
    "Microsoft non ha ancora dato a Concilia l'accesso ai contatti e alle categorie di questa casella.",
  exchangeGrant: "Concedi l'accesso ai contatti",
  exchangeLanguage: "Lingua delle categorie di Concilia in Outlook",
  exchangeLanguageHint:
    "Si sceglie una volta, all'attivazione: i nomi delle categorie non si possono cambiare dopo.",
  exchangeLanguageIs: "Categorie di Concilia in Outlook: {language}. Fissata all'attivazione.",
  exchangeActivate: "Attiva",
  exchangeActivated: "I contatti di Exchange sono in sincronizzazione.",
  exchangeCategories: "Categorie di Exchange da sincronizzare",
  exchangeCategoriesHint: "I contatti con queste categorie in Outlook vengono importati in Concilia.",
  exchangeNoCategories:
    "Questa casella non ha ancora categorie proprie, quindi non c'è niente da scegliere. In Outlook, apri un contatto, scegli Categorizza → Tutte le categorie → Nuova, dai un nome alla categoria (ad esempio «Clienti»), assegnala ai contatti da sincronizzare e torna qui.",
  exchangeFolders: "Cartelle dei contatti",
  exchangeSharedFolder: "{name} (condivisa da {owner}): non sincronizzata.",
  exchangeSharedReason:
    "Le cartelle condivise non vengono sincronizzate: il proprietario decide cosa cambia e ne conserva le categorie, e Microsoft non notifica le modifiche di altre persone.",
  exchangeSharedScopeMissing:
    "Non è possibile elencare le cartelle che altre persone hanno condiviso con te: questa connessione non ha il permesso Microsoft «Leggere i contatti condivisi con te» (Contacts.Read.Shared). Accedi di nuovo a questa connessione e accettalo per vederle qui; vengono elencate, mai sincronizzate.",
  exchangeSignInAgain: "Accedi di nuovo",
  exchangeTarget: "I nuovi contatti di Concilia vanno in",
  exchangeSaved: "Impostazioni di Exchange salvate.",
  exchangeDeactivate: "Disattiva",
  exchangeDeactivated:
    "I contatti di Exchange non sono più sincronizzati. Non è stato eliminato nulla: contatti, collegamenti e impostazioni restano, e riattivando si riprende da dove si era.",
  exchangeInactive: "Disattivata: i contatti non vengono sincronizzati. Non è stato eliminato nulla.",
  language_en: "English",
  language_es: "Español",
  language_it: "Italiano",
};

export const exchangeWords: Record<Locale, ExchangeWords> = { en, es, it };
