// What the connection settings tell the user about a mail account, in Concilia's three languages: the
// steps of the custom IMAP connectivity test (R-CON-6) and the account choices that are refused
// (R-CON-4, R-CON-5, R-CON-7). The server answers a key; each sidebar shows the message in its language.
import type { Locale } from "./i18n.js";

export type MailAccountMessageKey =
  | "imap.ok"
  | "imap.lookup.notFound"
  | "imap.lookup.privateAddress"
  | "imap.connect.refused"
  | "imap.connect.timeout"
  | "imap.connect.failed"
  | "imap.tls.handshake"
  | "imap.tls.certificate"
  | "imap.tls.starttlsMissing"
  | "imap.login.failed"
  | "imap.login.appPassword"
  | "imap.login.encryptionRequired"
  | "imap.login.unavailable"
  | "imap.capability.missing"
  | "imap.folders.failed"
  | "account.pop3Unsupported"
  | "account.imapCalendar"
  | "account.icloudAddressMismatch";

export const mailAccountMessages: Record<Locale, Record<MailAccountMessageKey, string>> = {
  en: {
    "imap.ok": "Connected: Concilia can read your Inbox and Sent folder.",
    "imap.lookup.notFound": "The server name could not be found. Check the spelling of the IMAP server.",
    "imap.lookup.privateAddress":
      "This server is on a private network that Concilia is not allowed to reach. Ask your administrator.",
    "imap.connect.refused":
      "The server refused the connection. Check the port number and the security setting.",
    "imap.connect.timeout":
      "The server did not answer in time. Check the server name, the port and your firewall.",
    "imap.connect.failed": "Concilia could not connect to the server. Check the server name and the port.",
    "imap.tls.handshake":
      "A secure connection could not be set up. Check the security setting (SSL/TLS or STARTTLS).",
    "imap.tls.certificate":
      "The server's security certificate is not valid for this name. Check the server name with your mail provider.",
    "imap.tls.starttlsMissing": "The server does not offer STARTTLS on this port. Try SSL/TLS on port 993.",
    "imap.login.failed":
      "The username or password was not accepted. Use your mail account's username and password.",
    "imap.login.appPassword":
      "Your mail provider requires an app password. Create one in your account's security settings and use it here.",
    "imap.login.encryptionRequired":
      "The server accepts passwords only over a secure connection. Turn on SSL/TLS or STARTTLS.",
    "imap.login.unavailable": "The server cannot sign you in right now. Try again in a few minutes.",
    "imap.capability.missing":
      "This server does not support what Concilia needs to follow your mail (IMAP4rev1).",
    "imap.folders.failed": "Concilia signed in but could not open your Inbox.",
    "account.pop3Unsupported":
      "POP3 is not supported: it downloads and deletes messages from the server and cannot see your Sent folder, so there is nothing to keep in sync. Use IMAP instead.",
    "account.imapCalendar":
      "IMAP carries mail only. Choose email sync, or connect your calendar with another provider.",
    "account.icloudAddressMismatch":
      "The iCloud address must be the same as your Concilia email address. Sign in with the matching iCloud account.",
  },
  es: {
    "imap.ok": "Conectado: Concilia puede leer tu bandeja de entrada y tu carpeta de enviados.",
    "imap.lookup.notFound":
      "No se encuentra el nombre del servidor. Revisa cómo está escrito el servidor IMAP.",
    "imap.lookup.privateAddress":
      "Este servidor está en una red privada a la que Concilia no puede acceder. Consulta a tu administrador.",
    "imap.connect.refused": "El servidor ha rechazado la conexión. Revisa el puerto y el tipo de seguridad.",
    "imap.connect.timeout":
      "El servidor no ha respondido a tiempo. Revisa el nombre del servidor, el puerto y tu cortafuegos.",
    "imap.connect.failed":
      "Concilia no ha podido conectarse al servidor. Revisa el nombre del servidor y el puerto.",
    "imap.tls.handshake":
      "No se ha podido establecer una conexión segura. Revisa el tipo de seguridad (SSL/TLS o STARTTLS).",
    "imap.tls.certificate":
      "El certificado de seguridad del servidor no es válido para este nombre. Comprueba el nombre del servidor con tu proveedor de correo.",
    "imap.tls.starttlsMissing":
      "El servidor no ofrece STARTTLS en este puerto. Prueba SSL/TLS en el puerto 993.",
    "imap.login.failed":
      "No se ha aceptado el usuario o la contraseña. Usa el usuario y la contraseña de tu cuenta de correo.",
    "imap.login.appPassword":
      "Tu proveedor de correo exige una contraseña de aplicación. Créala en la configuración de seguridad de tu cuenta y úsala aquí.",
    "imap.login.encryptionRequired":
      "El servidor solo acepta contraseñas por una conexión segura. Activa SSL/TLS o STARTTLS.",
    "imap.login.unavailable":
      "El servidor no puede iniciar tu sesión ahora. Vuelve a intentarlo dentro de unos minutos.",
    "imap.capability.missing":
      "Este servidor no admite lo que Concilia necesita para seguir tu correo (IMAP4rev1).",
    "imap.folders.failed": "Concilia ha iniciado sesión, pero no ha podido abrir tu bandeja de entrada.",
    "account.pop3Unsupported":
      "POP3 no es compatible: descarga y borra los mensajes del servidor y no ve tu carpeta de enviados, así que no hay nada que mantener sincronizado. Usa IMAP.",
    "account.imapCalendar":
      "IMAP solo lleva correo. Elige sincronizar el correo o conecta tu calendario con otro proveedor.",
    "account.icloudAddressMismatch":
      "La dirección de iCloud debe ser la misma que tu correo de Concilia. Inicia sesión con la cuenta de iCloud que coincide.",
  },
  it: {
    "imap.ok": "Connesso: Concilia può leggere la tua Posta in arrivo e la cartella della posta inviata.",
    "imap.lookup.notFound":
      "Il nome del server non è stato trovato. Controlla come è scritto il server IMAP.",
    "imap.lookup.privateAddress":
      "Questo server è in una rete privata che Concilia non può raggiungere. Chiedi al tuo amministratore.",
    "imap.connect.refused":
      "Il server ha rifiutato la connessione. Controlla la porta e il tipo di sicurezza.",
    "imap.connect.timeout":
      "Il server non ha risposto in tempo. Controlla il nome del server, la porta e il tuo firewall.",
    "imap.connect.failed":
      "Concilia non è riuscito a connettersi al server. Controlla il nome del server e la porta.",
    "imap.tls.handshake":
      "Non è stato possibile stabilire una connessione sicura. Controlla il tipo di sicurezza (SSL/TLS o STARTTLS).",
    "imap.tls.certificate":
      "Il certificato di sicurezza del server non è valido per questo nome. Verifica il nome del server con il tuo provider di posta.",
    "imap.tls.starttlsMissing":
      "Il server non offre STARTTLS su questa porta. Prova SSL/TLS sulla porta 993.",
    "imap.login.failed":
      "Nome utente o password non accettati. Usa il nome utente e la password del tuo account di posta.",
    "imap.login.appPassword":
      "Il tuo provider di posta richiede una password per le app. Creala nelle impostazioni di sicurezza dell'account e usala qui.",
    "imap.login.encryptionRequired":
      "Il server accetta password solo su una connessione sicura. Attiva SSL/TLS o STARTTLS.",
    "imap.login.unavailable": "Il server non può farti accedere adesso. Riprova tra qualche minuto.",
    "imap.capability.missing":
      "Questo server non supporta ciò che serve a Concilia per seguire la tua posta (IMAP4rev1).",
    "imap.folders.failed": "Concilia ha effettuato l'accesso ma non è riuscito ad aprire la Posta in arrivo.",
    "account.pop3Unsupported":
      "POP3 non è supportato: scarica ed elimina i messaggi dal server e non vede la posta inviata, quindi non c'è nulla da tenere sincronizzato. Usa IMAP.",
    "account.imapCalendar":
      "IMAP trasporta solo la posta. Scegli la sincronizzazione della posta o collega il calendario con un altro provider.",
    "account.icloudAddressMismatch":
      "L'indirizzo iCloud deve essere lo stesso della tua email di Concilia. Accedi con l'account iCloud corrispondente.",
  },
};
