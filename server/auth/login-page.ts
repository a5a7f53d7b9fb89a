// The HTML of the sign-in dialog: server-rendered, self-contained (no external assets except office.js
// inside Office), usable with keyboard and screen reader, in the user's language.
import type { Locale } from "../../shared/i18n.js";
import { type LoginMessages, loginMessages } from "./login-messages.js";
import { escapeHtml, OFFICE_JS_URL, pageDocument } from "./own-page.js";

export interface PageOptions {
  locale: Locale;
  /** "office" when the page runs in an Office dialog opened by the add-in. */
  host?: "office";
  /** CSP nonce for the page's own style and script. */
  nonce: string;
}

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; padding: 1.5rem; line-height: 1.5; background: Canvas; color: CanvasText; }
main { max-width: 22rem; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
input { box-sizing: border-box; width: 100%; padding: .55rem .6rem; font: inherit; border: 1px solid #6b6b6b; border-radius: 4px; background: Field; color: FieldText; }
input.code { font-family: ui-monospace, Consolas, monospace; font-size: 1.3rem; letter-spacing: .08em; text-align: center; }
button { margin-top: 1.25rem; width: 100%; padding: .6rem; font: inherit; font-weight: 600; border: 0; border-radius: 4px; background: #0b5cad; color: #fff; cursor: pointer; }
:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.error { border-left: 4px solid #b00020; padding: .5rem .75rem; background: rgba(176, 0, 32, .08); margin: 1rem 0; }
.hint { color: GrayText; }`;

function query(o: PageOptions): string {
  const q = new URLSearchParams({ lang: o.locale });
  if (o.host) q.set("host", o.host);
  return q.toString();
}

export function renderLoginPage(o: PageOptions & { email?: string; error?: string }): string {
  const m: LoginMessages = loginMessages[o.locale];
  const error = o.error
    ? `<p class="error" id="login-error" role="alert"><strong>${escapeHtml(m.error)}:</strong> ${escapeHtml(o.error)}</p>`
    : "";
  const described = o.error ? ` aria-describedby="login-error" aria-invalid="true"` : "";
  // The first field to fill gets the focus: the password when the address is already there.
  const focusEmail = o.email ? "" : " autofocus";
  const focusPassword = o.email ? " autofocus" : "";
  const body = `<h1>${escapeHtml(m.title)}</h1>
<p class="hint">${escapeHtml(m.intro)}</p>
${error}
<form method="post" action="/auth/login?${escapeHtml(query(o))}" novalidate>
<label for="email">${escapeHtml(m.email)}</label>
<input id="email" name="email" type="email" inputmode="email" autocomplete="username" required value="${escapeHtml(o.email ?? "")}"${described}${focusEmail}>
<label for="password">${escapeHtml(m.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}${focusPassword}>
<button type="submit">${escapeHtml(m.submit)}</button>
</form>`;
  return pageDocument({
    ...o,
    title: o.error ? `${m.error}: ${m.title}` : m.title,
    style: STYLE,
    main: body,
  });
}

export function renderCodePage(o: PageOptions & { code: string }): string {
  const m = loginMessages[o.locale];
  const code = JSON.stringify(o.code).replace(/</g, "\\u003c");
  const office = o.host === "office";
  // Inside the Office dialog the code goes straight to the add-in, which closes the dialog; the code
  // stays on screen so that it can still be typed if the host cannot pass messages.
  const head = office ? `<script src="${OFFICE_JS_URL}"></script>\n` : "";
  // In a real dialog office.js makes Office. The playground's fake Outlook (outlook-addin/src/host/
  // fake-office.ts) has no office.js to give, so it lends the window it opened a stand-in with
  // messageParent. Only a same-origin opener can be read, and such a page can read this one anyway;
  // Outlook's opener is cross-origin or absent, so there office.js is used as before.
  const script = `<script nonce="${o.nonce}">
(function () {
  var code = ${code};
  var field = document.getElementById("code");
  field.addEventListener("focus", function () { field.select(); });
  var button = document.getElementById("copy");
  var status = document.getElementById("copy-status");
  button.addEventListener("click", function () {
    field.select();
    var done = function () { status.textContent = ${JSON.stringify(m.copied)}; };
    if (navigator.clipboard) navigator.clipboard.writeText(code).then(done, function () {});
    else if (document.execCommand("copy")) done();
  });
  var Office = window.Office;
  try {
    if (window.opener && window.opener.conciliaDialogOffice) Office = window.opener.conciliaDialogOffice;
  } catch (e) { /* a cross-origin opener: Outlook's own page */ }
  if (${office} && Office) {
    Office.onReady(function () {
      try {
        Office.context.ui.messageParent(JSON.stringify({ code: code }));
        document.getElementById("returning").hidden = false;
      } catch (e) { /* not inside a dialog: the code is shown to copy */ }
    });
  }
})();
</script>`;
  const body = `<h1>${escapeHtml(m.signedIn)}</h1>
<p id="returning" role="status" hidden>${escapeHtml(m.returning)}</p>
<label for="code">${escapeHtml(m.codeLabel)}</label>
<input id="code" class="code" type="text" readonly autofocus value="${escapeHtml(o.code)}" aria-describedby="code-hint">
<p id="code-hint" class="hint">${escapeHtml(m.codeHint)}</p>
<button type="button" id="copy">${escapeHtml(m.copy)}</button>
<p id="copy-status" role="status"></p>
${script}`;
  return pageDocument({ ...o, title: m.signedIn, style: STYLE, head, main: body });
}
