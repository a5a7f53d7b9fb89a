// R-CON: the words of "Email & calendar sync", one set for both sidebars (the Outlook pane's and the
// Gmail add-on's catalogs both take these), so the same screen reads the same in each (R-SB-6).
// Placeholders in braces are filled by each catalog's t().
import type { Locale } from "./i18n.js";

const en = {
  myProfile: "My profile",
  syncTitle: "Email & calendar sync",
  syncIntro:
    "Connect the account where you read your mail and keep your calendar: Concilia keeps both in sync, both ways.",
  chooseProvider: "Choose your provider",
  providerGoogle: "Google",
  providerMicrosoft: "Microsoft",
  providerIcloud: "iCloud",
  providerYahoo: "Yahoo",
  providerImap: "Other mail server (IMAP)",
  providerCaldav: "Other calendar server (CalDAV)",
  viewAllProviders: "View all providers",
  whatToSync: "What to sync",
  syncsEmail: "Email only",
  syncsCalendar: "Calendar only",
  syncsBoth: "Email and calendar",
  protocol: "Protocol",
  imapMailOnly:
    "IMAP syncs email only: IMAP has no calendars. Choose “Email only”, or connect the calendar through its provider (Google, Microsoft, iCloud or Yahoo).",
  pop3Refused:
    "POP3 is not supported: it downloads messages and deletes them from the server, so there is nothing to keep in sync. Use your account's IMAP server (usually port 993).",
  accountAddress: "Account email address",
  appPassword: "App-specific password",
  appPasswordHint:
    "{provider} needs an app-specific password made for Concilia in your account's security settings, not your usual password.",
  appPasswordLink: "How to make an app-specific password",
  icloudOwnAddress: "iCloud can only be connected for your own address in Concilia.",
  icloudMismatch:
    "This iCloud account can't be connected: {address} is not the address you use in Concilia. iCloud gives access to a whole Apple account, so Concilia only syncs your own; ask an admin to add {address} to your addresses if it is yours.",
  imapHost: "IMAP server",
  imapPort: "Port",
  imapTls: "Security",
  tlsImplicit: "SSL/TLS",
  tlsStarttls: "STARTTLS",
  tlsNone: "None",
  imapUsername: "Mail account username",
  imapPassword: "Mail account password",
  imapCredentialsHint:
    "The username and password of your mail account, not the ones you use for Concilia. Your mail provider gives you the server's name and port.",
  testConnection: "Test connection",
  testOk: "It works: Concilia can read this mailbox.",
  testFailed: "It does not work: the {step} failed. {message}",
  step_dns: "name lookup",
  step_connect: "connection",
  step_tls: "secure connection (TLS)",
  step_login: "login",
  step_capability: "capability check",
  caldavServerUrl: "Server URL",
  caldavUsername: "Username",
  caldavPassword: "App password",
  caldavHint:
    "The CalDAV address, username and app password your calendar server gives you (Nextcloud, Fastmail, Radicale…), not the ones you use for Concilia.",
  caldavCalendarOnly:
    "A CalDAV server syncs calendars only: it has no mail. Choose “Calendar only”, or connect your mail as its own account (IMAP).",
  caldavTestOk: "It works: Concilia can see these calendars: {calendars}.",
  caldavStep_lookup: "name lookup",
  caldavStep_connection: "connection",
  caldavStep_discovery: "discovery",
  caldavStep_login: "login",
  caldavStep_home: "calendar home",
  testFirst: "Test the connection first: it must work before the account is saved.",
  fieldsRequired: "Fill in every field.",
  startSync: "Sync",
  stopSync: "Stop sync",
  editSync: "Edit",
  oauthHint: "You sign in at {provider} in a new window; Concilia never sees your password.",
  popupBlockedTitle: "The sign-in window was blocked",
  popupBlocked:
    "Your browser blocked the window where you sign in. Allow pop-ups for this site, then choose Sync again.",
  popupChrome:
    "Chrome: menu ⋮ › Settings › Privacy and security › Site settings › Pop-ups and redirects › add this site to “Allowed to send pop-ups and use redirects”.",
  popupEdge:
    "Edge: menu … › Settings › Cookies and site permissions › Pop-ups and redirects › turn on Block and add this site under Allow.",
  popupSafari:
    "Safari: Safari menu › Settings (Preferences) › Websites › Pop-up Windows › choose Allow for this site.",
  oauthClosed: "The sign-in window was closed before the account was connected. Choose Sync to try again.",
  oauthNotConnected:
    "The account was not connected. If no sign-in window opened, your browser blocked it: allow pop-ups for this site, then choose Sync again.",
  oauthFailed: "The account was not connected ({error}). Choose Sync to try again.",
  connectedAs: "{address} is connected. The first sync starts shortly.",
  noConnections: "No account is connected yet.",
  status_syncing: "Syncing",
  status_up_to_date: "Up to date",
  status_reconnect_needed: "Reconnect needed: {provider} no longer accepts Concilia's access.",
  status_paused: "Paused",
  status_failed: "Sync failed: {reason}",
  syncProgress: "{done} of {found} items synced",
  lastSynced: "Last synced {when}",
  failedItems: "{count} items could not be synced.",
  retryFailed: "Retry failed items",
  reconnect: "Reconnect",
  pauseSync: "Pause",
  resumeSync: "Resume",
  refreshStatus: "Refresh",
  stopConfirm:
    "Stop syncing {address}? Concilia removes this connection and its stored sign-in. Everything already synced stays in Concilia.",
  keepSyncing: "Keep syncing",
  syncStopped: "Sync stopped for {address}. Everything already synced stays in Concilia.",
  calendarsToSync: "Calendars to sync",
  primaryCalendar: "{name} (primary)",
  noCalendarsYet: "The calendars appear here after the first sync.",
  syncSaved: "Sync settings saved.",
  reconnectForChoice:
    "{provider} has not given Concilia the permission this choice needs yet: reconnect the account to give it.",
  // R-ACT-3, R-ACT-4, R-ACT-5: the calendar sync's actions and the zone warning.
  syncPreviousActivities: "Sync previous activities",
  previousActivitiesQueued:
    "{count} planned activities are on their way to your calendar. Those already there are not added again.",
  removeCalendarSync: "Remove sync",
  removeSyncConfirm:
    "Remove the calendar sync of {address}? Nothing is lost: your events and activities stay in Concilia, and what is in your calendar stays there.",
  calendarSyncRemoved: "The calendar sync of {address} is removed. Nothing was lost.",
  zoneMismatch:
    "Your calendar shows times in {calendarZone} and Concilia in {crmZone}. Times stay right in both: they are only shown on different clocks.",
  back: "Back",
};

export type SyncWords = typeof en;

const es: SyncWords = {
  myProfile: "Mi perfil",
  syncTitle: "Sincronización de correo y calendario",
  syncIntro:
    "Conecta la cuenta donde lees tu correo y llevas tu calendario: Concilia los mantiene sincronizados en ambos sentidos.",
  chooseProvider: "Elige tu proveedor",
  providerGoogle: "Google",
  providerMicrosoft: "Microsoft",
  providerIcloud: "iCloud",
  providerYahoo: "Yahoo",
  providerImap: "Otro servidor de correo (IMAP)",
  providerCaldav: "Otro servidor de calendario (CalDAV)",
  viewAllProviders: "Ver todos los proveedores",
  whatToSync: "Qué sincronizar",
  syncsEmail: "Solo correo",
  syncsCalendar: "Solo calendario",
  syncsBoth: "Correo y calendario",
  protocol: "Protocolo",
  imapMailOnly:
    "IMAP solo sincroniza el correo: IMAP no tiene calendarios. Elige «Solo correo», o conecta el calendario a través de su proveedor (Google, Microsoft, iCloud o Yahoo).",
  pop3Refused:
    "POP3 no es compatible: descarga los mensajes y los elimina del servidor, así que no hay nada que mantener sincronizado. Usa el servidor IMAP de tu cuenta (normalmente el puerto 993).",
  accountAddress: "Dirección de correo de la cuenta",
  appPassword: "Contraseña específica de app",
  appPasswordHint:
    "{provider} necesita una contraseña específica de app creada para Concilia en los ajustes de seguridad de tu cuenta, no tu contraseña habitual.",
  appPasswordLink: "Cómo crear una contraseña específica de app",
  icloudOwnAddress: "iCloud solo se puede conectar con tu propia dirección de Concilia.",
  icloudMismatch:
    "Esta cuenta de iCloud no se puede conectar: {address} no es la dirección que usas en Concilia. iCloud da acceso a toda una cuenta de Apple, así que Concilia solo sincroniza la tuya; pide a un administrador que añada {address} a tus direcciones si es tuya.",
  imapHost: "Servidor IMAP",
  imapPort: "Puerto",
  imapTls: "Seguridad",
  tlsImplicit: "SSL/TLS",
  tlsStarttls: "STARTTLS",
  tlsNone: "Ninguna",
  imapUsername: "Usuario de la cuenta de correo",
  imapPassword: "Contraseña de la cuenta de correo",
  imapCredentialsHint:
    "El usuario y la contraseña de tu cuenta de correo, no los que usas en Concilia. Tu proveedor de correo te da el nombre y el puerto del servidor.",
  testConnection: "Probar conexión",
  testOk: "Funciona: Concilia puede leer este buzón.",
  testFailed: "No funciona: ha fallado {step}. {message}",
  step_dns: "la resolución del nombre",
  step_connect: "la conexión",
  step_tls: "la conexión segura (TLS)",
  step_login: "el inicio de sesión",
  step_capability: "la comprobación de capacidades",
  caldavServerUrl: "URL del servidor",
  caldavUsername: "Usuario",
  caldavPassword: "Contraseña de aplicación",
  caldavHint:
    "La dirección CalDAV, el usuario y la contraseña de aplicación que te da tu servidor de calendario (Nextcloud, Fastmail, Radicale…), no los que usas en Concilia.",
  caldavCalendarOnly:
    "Un servidor CalDAV sincroniza solo calendarios: no tiene correo. Elige “Solo calendario”, o conecta tu correo como una cuenta aparte (IMAP).",
  caldavTestOk: "Funciona: Concilia puede ver estos calendarios: {calendars}.",
  caldavStep_lookup: "la resolución del nombre",
  caldavStep_connection: "la conexión",
  caldavStep_discovery: "el descubrimiento del servicio",
  caldavStep_login: "el inicio de sesión",
  caldavStep_home: "la búsqueda de tus calendarios",
  testFirst: "Prueba primero la conexión: debe funcionar antes de guardar la cuenta.",
  fieldsRequired: "Rellena todos los campos.",
  startSync: "Sincronizar",
  stopSync: "Parar sincronización",
  editSync: "Editar",
  oauthHint: "Inicias sesión en {provider} en una ventana nueva; Concilia nunca ve tu contraseña.",
  popupBlockedTitle: "Se ha bloqueado la ventana de inicio de sesión",
  popupBlocked:
    "Tu navegador ha bloqueado la ventana donde inicias sesión. Permite las ventanas emergentes para este sitio y vuelve a elegir Sincronizar.",
  popupChrome:
    "Chrome: menú ⋮ › Configuración › Privacidad y seguridad › Configuración de sitios › Ventanas emergentes y redirecciones › añade este sitio a «Pueden enviar ventanas emergentes y usar redirecciones».",
  popupEdge:
    "Edge: menú … › Configuración › Cookies y permisos del sitio › Ventanas emergentes y redirecciones › activa Bloquear y añade este sitio en Permitir.",
  popupSafari:
    "Safari: menú Safari › Ajustes (Preferencias) › Sitios web › Ventanas emergentes › elige Permitir para este sitio.",
  oauthClosed:
    "La ventana de inicio de sesión se cerró antes de conectar la cuenta. Elige Sincronizar para volver a intentarlo.",
  oauthFailed: "La cuenta no se ha conectado ({error}). Elige Sincronizar para volver a intentarlo.",
  oauthNotConnected:
    "La cuenta no se ha conectado. Si no se abrió ninguna ventana de inicio de sesión, tu navegador la bloqueó: permite las ventanas emergentes para este sitio y vuelve a elegir Sincronizar.",
  connectedAs: "{address} está conectada. La primera sincronización empezará en breve.",
  noConnections: "Todavía no hay ninguna cuenta conectada.",
  status_syncing: "Sincronizando",
  status_up_to_date: "Al día",
  status_reconnect_needed: "Hay que volver a conectar: {provider} ya no acepta el acceso de Concilia.",
  status_paused: "En pausa",
  status_failed: "La sincronización ha fallado: {reason}",
  syncProgress: "{done} de {found} elementos sincronizados",
  lastSynced: "Última sincronización: {when}",
  failedItems: "{count} elementos no se han podido sincronizar.",
  retryFailed: "Reintentar los elementos fallidos",
  reconnect: "Volver a conectar",
  pauseSync: "Pausar",
  resumeSync: "Reanudar",
  refreshStatus: "Actualizar",
  stopConfirm:
    "¿Dejar de sincronizar {address}? Concilia elimina esta conexión y su acceso guardado. Todo lo ya sincronizado se queda en Concilia.",
  keepSyncing: "Seguir sincronizando",
  syncStopped: "Sincronización parada para {address}. Todo lo ya sincronizado se queda en Concilia.",
  calendarsToSync: "Calendarios que sincronizar",
  primaryCalendar: "{name} (principal)",
  noCalendarsYet: "Los calendarios aparecen aquí tras la primera sincronización.",
  syncSaved: "Ajustes de sincronización guardados.",
  reconnectForChoice:
    "{provider} todavía no ha dado a Concilia el permiso que necesita esta opción: vuelve a conectar la cuenta para darlo.",
  syncPreviousActivities: "Sincronizar actividades anteriores",
  previousActivitiesQueued:
    "{count} actividades planificadas se están enviando a tu calendario. Las que ya están no se añaden de nuevo.",
  removeCalendarSync: "Quitar sincronización",
  removeSyncConfirm:
    "¿Quitar la sincronización del calendario de {address}? No se pierde nada: tus eventos y actividades se quedan en Concilia, y lo que está en tu calendario se queda allí.",
  calendarSyncRemoved: "Se ha quitado la sincronización del calendario de {address}. No se ha perdido nada.",
  zoneMismatch:
    "Tu calendario muestra las horas en {calendarZone} y Concilia en {crmZone}. Las horas son correctas en ambos: solo se muestran con relojes distintos.",
  back: "Volver",
};

const it: SyncWords = {
  myProfile: "Il mio profilo",
  syncTitle: "Sincronizzazione di email e calendario",
  syncIntro:
    "Collega l'account dove leggi la posta e tieni il calendario: Concilia li mantiene sincronizzati in entrambe le direzioni.",
  chooseProvider: "Scegli il tuo provider",
  providerGoogle: "Google",
  providerMicrosoft: "Microsoft",
  providerIcloud: "iCloud",
  providerYahoo: "Yahoo",
  providerImap: "Altro server di posta (IMAP)",
  providerCaldav: "Altro server di calendario (CalDAV)",
  viewAllProviders: "Vedi tutti i provider",
  whatToSync: "Cosa sincronizzare",
  syncsEmail: "Solo email",
  syncsCalendar: "Solo calendario",
  syncsBoth: "Email e calendario",
  protocol: "Protocollo",
  imapMailOnly:
    "IMAP sincronizza solo la posta: IMAP non ha calendari. Scegli «Solo email», oppure collega il calendario tramite il suo provider (Google, Microsoft, iCloud o Yahoo).",
  pop3Refused:
    "POP3 non è supportato: scarica i messaggi e li elimina dal server, quindi non c'è nulla da mantenere sincronizzato. Usa il server IMAP del tuo account (di solito la porta 993).",
  accountAddress: "Indirizzo email dell'account",
  appPassword: "Password specifica per l'app",
  appPasswordHint:
    "{provider} richiede una password specifica per l'app creata per Concilia nelle impostazioni di sicurezza del tuo account, non la tua password abituale.",
  appPasswordLink: "Come creare una password specifica per l'app",
  icloudOwnAddress: "iCloud si può collegare solo con il tuo indirizzo di Concilia.",
  icloudMismatch:
    "Questo account iCloud non si può collegare: {address} non è l'indirizzo che usi in Concilia. iCloud dà accesso a un intero account Apple, quindi Concilia sincronizza solo il tuo; chiedi a un amministratore di aggiungere {address} ai tuoi indirizzi se è tuo.",
  imapHost: "Server IMAP",
  imapPort: "Porta",
  imapTls: "Sicurezza",
  tlsImplicit: "SSL/TLS",
  tlsStarttls: "STARTTLS",
  tlsNone: "Nessuna",
  imapUsername: "Nome utente dell'account di posta",
  imapPassword: "Password dell'account di posta",
  imapCredentialsHint:
    "Il nome utente e la password del tuo account di posta, non quelli che usi per Concilia. Il tuo provider di posta ti indica il nome e la porta del server.",
  testConnection: "Prova connessione",
  testOk: "Funziona: Concilia può leggere questa casella di posta.",
  testFailed: "Non funziona: non è riuscito {step}. {message}",
  step_dns: "il nome del server",
  step_connect: "il collegamento",
  step_tls: "il collegamento sicuro (TLS)",
  step_login: "l'accesso",
  step_capability: "il controllo delle funzionalità",
  caldavServerUrl: "URL del server",
  caldavUsername: "Nome utente",
  caldavPassword: "Password per le app",
  caldavHint:
    "L'indirizzo CalDAV, il nome utente e la password per le app che ti dà il tuo server di calendario (Nextcloud, Fastmail, Radicale…), non quelli che usi per Concilia.",
  caldavCalendarOnly:
    "Un server CalDAV sincronizza solo i calendari: non ha posta. Scegli “Solo calendario”, o collega la posta come account a parte (IMAP).",
  caldavTestOk: "Funziona: Concilia vede questi calendari: {calendars}.",
  caldavStep_lookup: "la risoluzione del nome",
  caldavStep_connection: "la connessione",
  caldavStep_discovery: "la ricerca del servizio",
  caldavStep_login: "l'accesso",
  caldavStep_home: "la ricerca dei calendari",
  testFirst: "Prova prima la connessione: deve funzionare prima di salvare l'account.",
  fieldsRequired: "Compila tutti i campi.",
  startSync: "Sincronizza",
  stopSync: "Interrompi sincronizzazione",
  editSync: "Modifica",
  oauthHint: "Accedi a {provider} in una nuova finestra; Concilia non vede mai la tua password.",
  popupBlockedTitle: "La finestra di accesso è stata bloccata",
  popupBlocked:
    "Il browser ha bloccato la finestra in cui accedi. Consenti i popup per questo sito, poi scegli di nuovo Sincronizza.",
  popupChrome:
    "Chrome: menu ⋮ › Impostazioni › Privacy e sicurezza › Impostazioni sito › Popup e reindirizzamenti › aggiungi questo sito a «Possono inviare popup e utilizzare reindirizzamenti».",
  popupEdge:
    "Edge: menu … › Impostazioni › Cookie e autorizzazioni sito › Popup e reindirizzamenti › attiva Blocca e aggiungi questo sito in Consenti.",
  popupSafari:
    "Safari: menu Safari › Impostazioni (Preferenze) › Siti web › Finestre a comparsa › scegli Consenti per questo sito.",
  oauthClosed:
    "La finestra di accesso è stata chiusa prima di collegare l'account. Scegli Sincronizza per riprovare.",
  oauthFailed: "L'account non è stato collegato ({error}). Scegli Sincronizza per riprovare.",
  oauthNotConnected:
    "L'account non è stato collegato. Se non si è aperta nessuna finestra di accesso, il browser l'ha bloccata: consenti i popup per questo sito, poi scegli di nuovo Sincronizza.",
  connectedAs: "{address} è collegato. La prima sincronizzazione inizia a breve.",
  noConnections: "Nessun account è ancora collegato.",
  status_syncing: "Sincronizzazione in corso",
  status_up_to_date: "Aggiornato",
  status_reconnect_needed: "Serve un nuovo collegamento: {provider} non accetta più l'accesso di Concilia.",
  status_paused: "In pausa",
  status_failed: "Sincronizzazione non riuscita: {reason}",
  syncProgress: "{done} di {found} elementi sincronizzati",
  lastSynced: "Ultima sincronizzazione: {when}",
  failedItems: "{count} elementi non sono stati sincronizzati.",
  retryFailed: "Riprova gli elementi non riusciti",
  reconnect: "Ricollega",
  pauseSync: "Metti in pausa",
  resumeSync: "Riprendi",
  refreshStatus: "Aggiorna",
  stopConfirm:
    "Interrompere la sincronizzazione di {address}? Concilia elimina questo collegamento e l'accesso salvato. Tutto ciò che è già sincronizzato resta in Concilia.",
  keepSyncing: "Continua a sincronizzare",
  syncStopped:
    "Sincronizzazione interrotta per {address}. Tutto ciò che è già sincronizzato resta in Concilia.",
  calendarsToSync: "Calendari da sincronizzare",
  primaryCalendar: "{name} (principale)",
  noCalendarsYet: "I calendari compaiono qui dopo la prima sincronizzazione.",
  syncSaved: "Impostazioni di sincronizzazione salvate.",
  reconnectForChoice:
    "{provider} non ha ancora dato a Concilia l'autorizzazione che serve per questa scelta: ricollega l'account per darla.",
  syncPreviousActivities: "Sincronizza attività precedenti",
  previousActivitiesQueued:
    "{count} attività pianificate stanno arrivando nel tuo calendario. Quelle già presenti non vengono aggiunte di nuovo.",
  removeCalendarSync: "Rimuovi sincronizzazione",
  removeSyncConfirm:
    "Rimuovere la sincronizzazione del calendario di {address}? Non si perde nulla: eventi e attività restano in Concilia, e ciò che è nel tuo calendario resta lì.",
  calendarSyncRemoved:
    "La sincronizzazione del calendario di {address} è stata rimossa. Non si è perso nulla.",
  zoneMismatch:
    "Il tuo calendario mostra gli orari in {calendarZone} e Concilia in {crmZone}. Gli orari restano giusti in entrambi: sono solo mostrati con orologi diversi.",
  back: "Indietro",
};

export const syncWords: Record<Locale, SyncWords> = { en, es, it };

/** Each provider's name, as the word that says it. */
export const providerWord = {
  google: "providerGoogle",
  microsoft: "providerMicrosoft",
  icloud: "providerIcloud",
  yahoo: "providerYahoo",
  imap: "providerImap",
  caldav: "providerCaldav",
} as const satisfies Record<string, keyof SyncWords>;

/** Where each provider explains app-specific passwords (R-CON-3: iCloud and Yahoo need one). */
export const appPasswordHelp = {
  icloud: "https://support.apple.com/102654",
  yahoo: "https://help.yahoo.com/kb/SLN15241.html",
} as const;

/** The field paths of the connections API's refusals, as the words that explain them. */
export function refusalWord(paths: string[]): keyof SyncWords | null {
  if (paths.some((p) => p.endsWith(".protocol") || p.endsWith(".port"))) return "pop3Refused";
  if (paths.some((p) => p.endsWith(".syncs"))) return "imapMailOnly";
  if (paths.some((p) => p.endsWith(".accountAddress"))) return "icloudMismatch";
  return null;
}
