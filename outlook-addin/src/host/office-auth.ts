/// <reference types="office-js" />
// R-SB-7 in Outlook: single sign-on (an Entra token the server verifies) where the host offers it,
// otherwise Concilia's sign-in page in an Office dialog, which hands back a one-time code that is
// exchanged for a scoped, revocable Concilia token kept in local storage. The server accepts an SSO
// token only once its Microsoft account is linked to a Concilia user; when it refuses one, the
// dialog signs the user in and the refused token goes along with the code, which links the account.
import { supports } from "./office-async.js";
import type { HostAuth } from "./types.js";

const KEY = "concilia.token";

function stored(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function store(token: string | null): void {
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch {
    // Storage blocked (some hosts partition it): the user signs in again next time.
  }
}

async function singleSignOn(interactive: boolean): Promise<string | null> {
  if (!supports("IdentityAPI", "1.3") || !Office.auth?.getAccessToken) return null;
  try {
    return await Office.auth.getAccessToken({
      allowSignInPrompt: interactive,
      allowConsentPrompt: interactive,
    });
  } catch {
    return null;
  }
}

/** `language`: Office's display language, so that the sign-in page speaks the pane's language. */
function dialogCode(language: string): Promise<string> {
  const url = `${location.origin}/auth/login?${new URLSearchParams({ host: "office", lang: language })}`;
  return new Promise((resolve, reject) => {
    Office.context.ui.displayDialogAsync(url, { height: 60, width: 30, promptBeforeOpen: false }, (r) => {
      if (r.status !== Office.AsyncResultStatus.Succeeded) return reject(new Error(r.error.message));
      const dialog = r.value;
      dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
        dialog.close();
        try {
          const code = JSON.parse((arg as { message: string }).message).code;
          if (typeof code === "string") resolve(code);
          else reject(new Error("The sign-in page sent no code."));
        } catch (err) {
          reject(err);
        }
      });
      dialog.addEventHandler(Office.EventType.DialogEventReceived, () =>
        reject(new Error("The sign-in window was closed.")),
      );
    });
  });
}

async function exchange(code: string, idToken: string | null): Promise<string> {
  const res = await fetch("/auth/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(idToken ? { code, idToken } : { code }),
  });
  if (!res.ok) throw new Error(`Sign-in failed (${res.status}).`);
  return ((await res.json()) as { token: string }).token;
}

export function officeAuth(language: string): HostAuth {
  /** The SSO token last handed out, until the server refuses it. */
  let lastSso: string | null = null;
  /** Set once the server refused SSO: the dialog it is then, with the SSO token to link. */
  let ssoRefused = false;
  return {
    async token(interactive) {
      const saved = stored();
      if (saved) return saved;
      if (!ssoRefused) {
        lastSso = await singleSignOn(interactive);
        if (lastSso) return lastSso;
      }
      if (!interactive) return null;
      const code = await dialogCode(language);
      // A fresh SSO token: the dialog may have taken a while.
      const idToken = ssoRefused ? ((await singleSignOn(false)) ?? lastSso) : null;
      const token = await exchange(code, idToken);
      store(token);
      ssoRefused = false;
      lastSso = null;
      return token;
    },
    forget() {
      store(null);
      if (lastSso) ssoRefused = true;
    },
    async redeem(code) {
      store(await exchange(code.trim(), null));
    },
  };
}
