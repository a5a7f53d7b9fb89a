// The page the OAuth callback answers in the sign-in popup (web, Gmail) or the Outlook dialog: it
// says in the user's language what happened, tells the window that opened it (postMessage to
// Concilia's own origin, or Office's messageParent) and closes. office.js is loaded only for a
// sign-in started from the Outlook dialog.
import type { OAuthResultMessage } from "../../shared/api/connections.js";
import type { Locale } from "../../shared/i18n.js";
import { escapeHtml, OFFICE_JS_URL, pageDocument } from "../auth/own-page.js";

export type OAuthFailure =
  | "access_denied"
  | "missing_permissions"
  | "invalid_state"
  | "invalid_grant"
  | "account_mismatch"
  | "no_refresh_token"
  | "provider_error";

export interface OAuthPageOptions {
  locale: Locale;
  opener: "web" | "office";
  nonce: string;
  /** Where postMessage may deliver: Concilia's own origin, never "*". */
  targetOrigin: string;
  message: OAuthResultMessage;
  /** account_mismatch: the address signed in with and the one the connection is for. */
  signedInAs?: string;
  expected?: string;
}

interface Words {
  connectedTitle: string;
  connected: (address: string) => string;
  failedTitle: string;
  failures: Record<OAuthFailure, (o: OAuthPageOptions) => string>;
  closing: string;
  close: string;
}

const WORDS: Record<Locale, Words> = {
  en: {
    connectedTitle: "Account connected",
    connected: (a) => `${a} is connected. Concilia starts syncing it shortly.`,
    failedTitle: "Not connected",
    failures: {
      access_denied: () =>
        "You did not allow Concilia to access the account, so nothing was connected. Close this window to go back; you can try again at any time.",
      missing_permissions: () =>
        "You did not allow everything Concilia needs for what you chose to sync, so nothing was connected. Start again and leave every permission ticked.",
      invalid_state: () =>
        "This sign-in has expired or was already used. Close this window and start again from Concilia.",
      invalid_grant: () =>
        "The provider did not accept the sign-in: it took too long or was already used. Close this window and start again.",
      account_mismatch: (o) =>
        `You signed in as ${o.signedInAs}, but this connection is for ${o.expected}. Start again and sign in as ${o.expected}.`,
      no_refresh_token: () =>
        "The provider gave Concilia no lasting access. Remove Concilia from the apps that can access your account, then connect again.",
      provider_error: () =>
        "The provider could not be reached or answered something unexpected. Close this window and try again later.",
    },
    closing: "This window closes by itself.",
    close: "Close",
  },
  es: {
    connectedTitle: "Cuenta conectada",
    connected: (a) => `${a} está conectada. Concilia empezará a sincronizarla en breve.`,
    failedTitle: "No conectada",
    failures: {
      access_denied: () =>
        "No has permitido que Concilia acceda a la cuenta, así que no se ha conectado nada. Cierra esta ventana para volver; puedes intentarlo de nuevo cuando quieras.",
      missing_permissions: () =>
        "No has concedido todos los permisos que Concilia necesita para lo que quieres sincronizar, así que no se ha conectado nada. Vuelve a empezar y deja marcados todos los permisos.",
      invalid_state: () =>
        "Este inicio de sesión ha caducado o ya se ha usado. Cierra esta ventana y vuelve a empezar desde Concilia.",
      invalid_grant: () =>
        "El proveedor no ha aceptado el inicio de sesión: ha tardado demasiado o ya se había usado. Cierra esta ventana y vuelve a empezar.",
      account_mismatch: (o) =>
        `Has iniciado sesión como ${o.signedInAs}, pero esta conexión es de ${o.expected}. Vuelve a empezar e inicia sesión como ${o.expected}.`,
      no_refresh_token: () =>
        "El proveedor no ha dado a Concilia un acceso duradero. Quita Concilia de las aplicaciones con acceso a tu cuenta y vuelve a conectarla.",
      provider_error: () =>
        "No se ha podido contactar con el proveedor o ha respondido algo inesperado. Cierra esta ventana e inténtalo más tarde.",
    },
    closing: "Esta ventana se cierra sola.",
    close: "Cerrar",
  },
  it: {
    connectedTitle: "Account collegato",
    connected: (a) => `${a} è collegato. Concilia inizierà a sincronizzarlo a breve.`,
    failedTitle: "Non collegato",
    failures: {
      access_denied: () =>
        "Non hai consentito a Concilia di accedere all'account, quindi non è stato collegato nulla. Chiudi questa finestra per tornare indietro; puoi riprovare quando vuoi.",
      missing_permissions: () =>
        "Non hai concesso tutti i permessi che servono a Concilia per ciò che vuoi sincronizzare, quindi non è stato collegato nulla. Ricomincia e lascia selezionati tutti i permessi.",
      invalid_state: () =>
        "Questo accesso è scaduto o è già stato usato. Chiudi questa finestra e ricomincia da Concilia.",
      invalid_grant: () =>
        "Il provider non ha accettato l'accesso: è passato troppo tempo o era già stato usato. Chiudi questa finestra e ricomincia.",
      account_mismatch: (o) =>
        `Hai effettuato l'accesso come ${o.signedInAs}, ma questo collegamento è per ${o.expected}. Ricomincia e accedi come ${o.expected}.`,
      no_refresh_token: () =>
        "Il provider non ha dato a Concilia un accesso duraturo. Rimuovi Concilia dalle app che accedono al tuo account, poi collegalo di nuovo.",
      provider_error: () =>
        "Non è stato possibile raggiungere il provider, o ha risposto in modo inatteso. Chiudi questa finestra e riprova più tardi.",
    },
    closing: "Questa finestra si chiude da sola.",
    close: "Chiudi",
  },
};

/** JSON inside a <script>: no "</script>" or "<!--" can end it early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; padding: 1.5rem; line-height: 1.5; background: Canvas; color: CanvasText; }
main { max-width: 24rem; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
.error { border-left: 4px solid #b00020; padding: .5rem .75rem; background: rgba(176, 0, 32, .08); }
button { margin-top: 1.25rem; padding: .5rem 1.2rem; font: inherit; border: 0; border-radius: 4px; background: #0b5cad; color: #fff; cursor: pointer; }
`;

export function renderOAuthPage(o: OAuthPageOptions): string {
  const w = WORDS[o.locale];
  const ok = o.message.ok;
  const title = ok ? w.connectedTitle : w.failedTitle;
  const text = ok
    ? w.connected(o.message.accountAddress ?? "")
    : w.failures[(o.message.error as OAuthFailure) ?? "provider_error"](o);
  const head = o.opener === "office" ? `<script src="${OFFICE_JS_URL}"></script>\n` : "";
  // Only our own origin may read the result; a page that is not ours and opened this one gets nothing.
  const script = `<script nonce="${o.nonce}">
(function () {
  var result = ${scriptJson(o.message)};
  var told = false;
  try {
    if (window.opener && !window.opener.closed) { window.opener.postMessage(result, ${scriptJson(o.targetOrigin)}); told = true; }
  } catch (e) { /* the opener went away */ }
  var Office = window.Office;
  var close = function () { setTimeout(function () { window.close(); }, ${ok ? 1500 : 0}); };
  if (Office && Office.onReady) {
    Office.onReady(function () {
      try { Office.context.ui.messageParent(JSON.stringify(result)); told = true; } catch (e) { /* not in a dialog */ }
      if (told && result.ok) close();
    });
  } else if (told && result.ok) close();
  document.getElementById("close").addEventListener("click", function () { window.close(); });
})();
</script>`;
  return pageDocument({
    ...o,
    title,
    style: STYLE,
    head,
    main: `<h1>${escapeHtml(title)}</h1>
<p id="result" role="${ok ? "status" : "alert"}"${ok ? "" : ' class="error"'}>${escapeHtml(text)}</p>
${ok ? `<p>${escapeHtml(w.closing)}</p>\n` : ""}<button id="close" type="button">${escapeHtml(w.close)}</button>`,
    after: `${script}\n`,
  });
}
