// What the connection settings tell the user about a CalDAV calendar account (iCloud, Yahoo, another
// server), in Concilia's three languages: the steps of the connectivity test. The server answers a key;
// each sidebar shows the message in its language.
import type { Locale } from "./i18n.js";

export type CalendarAccountMessageKey =
  | "caldav.ok"
  | "caldav.lookup.notFound"
  | "caldav.lookup.privateAddress"
  | "caldav.connection.failed"
  | "caldav.connection.insecure"
  | "caldav.discovery.failed"
  | "caldav.login.failed"
  | "caldav.login.appPassword"
  | "caldav.home.failed"
  | "caldav.home.noCalendars";

export const calendarAccountMessages: Record<Locale, Record<CalendarAccountMessageKey, string>> = {
  en: {
    "caldav.ok": "Connected: Concilia can see your calendars.",
    "caldav.lookup.notFound": "The server name could not be found. Check the spelling of the address.",
    "caldav.lookup.privateAddress":
      "This server is on a private network that Concilia is not allowed to reach. Ask your administrator.",
    "caldav.connection.failed":
      "Concilia could not connect to the server. Check the address and the port, and that the server is running.",
    "caldav.connection.insecure":
      "This address uses plain http, which would send your password unprotected. Use an https address.",
    "caldav.discovery.failed":
      "No calendar service answers at this address. Check the CalDAV address your provider gives.",
    "caldav.login.failed": "The username or password was not accepted.",
    "caldav.login.appPassword":
      "The username or password was not accepted. This provider needs an app-specific password: create one in your account's security settings and use it here.",
    "caldav.home.failed": "Concilia signed in but could not find your calendars on this server.",
    "caldav.home.noCalendars": "Concilia signed in, but this account has no calendar that holds events.",
  },
  es: {
    "caldav.ok": "Conectado: Concilia puede ver tus calendarios.",
    "caldav.lookup.notFound":
      "No se encuentra el nombre del servidor. Revisa cómo está escrita la dirección.",
    "caldav.lookup.privateAddress":
      "Este servidor está en una red privada a la que Concilia no puede acceder. Consulta a tu administrador.",
    "caldav.connection.failed":
      "Concilia no ha podido conectarse al servidor. Revisa la dirección y el puerto, y que el servidor esté en marcha.",
    "caldav.connection.insecure":
      "Esta dirección usa http sin cifrar, que enviaría tu contraseña sin protección. Usa una dirección https.",
    "caldav.discovery.failed":
      "Ningún servicio de calendario responde en esta dirección. Revisa la dirección CalDAV que indica tu proveedor.",
    "caldav.login.failed": "No se ha aceptado el usuario o la contraseña.",
    "caldav.login.appPassword":
      "No se ha aceptado el usuario o la contraseña. Este proveedor exige una contraseña de aplicación: créala en la configuración de seguridad de tu cuenta y úsala aquí.",
    "caldav.home.failed": "Concilia ha iniciado sesión, pero no encuentra tus calendarios en este servidor.",
    "caldav.home.noCalendars":
      "Concilia ha iniciado sesión, pero esta cuenta no tiene ningún calendario con eventos.",
  },
  it: {
    "caldav.ok": "Connesso: Concilia può vedere i tuoi calendari.",
    "caldav.lookup.notFound": "Il nome del server non è stato trovato. Controlla come è scritto l'indirizzo.",
    "caldav.lookup.privateAddress":
      "Questo server è in una rete privata che Concilia non può raggiungere. Chiedi al tuo amministratore.",
    "caldav.connection.failed":
      "Concilia non è riuscito a connettersi al server. Controlla l'indirizzo e la porta, e che il server sia attivo.",
    "caldav.connection.insecure":
      "Questo indirizzo usa http non cifrato, che invierebbe la tua password senza protezione. Usa un indirizzo https.",
    "caldav.discovery.failed":
      "Nessun servizio di calendario risponde a questo indirizzo. Controlla l'indirizzo CalDAV indicato dal tuo provider.",
    "caldav.login.failed": "Nome utente o password non accettati.",
    "caldav.login.appPassword":
      "Nome utente o password non accettati. Questo provider richiede una password per le app: creala nelle impostazioni di sicurezza dell'account e usala qui.",
    "caldav.home.failed": "Concilia ha effettuato l'accesso ma non trova i tuoi calendari su questo server.",
    "caldav.home.noCalendars":
      "Concilia ha effettuato l'accesso, ma questo account non ha calendari che contengono eventi.",
  },
};
