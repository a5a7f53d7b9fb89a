/// <reference types="office-js" />
// R-CON-8: a provider's OAuth sign-in in an Office dialog. The callback page (server/connections/
// oauth-page.ts) reports with Office.context.ui.messageParent, and also with postMessage to its opener
// where it has one (a dialog that Outlook on the web opens as a browser window): whichever arrives
// first ends the sign-in. A browser's pop-up blocker (12011) or the user ignoring the prompt (12009)
// means no window opened at all, which the view explains.
import type { SignInOutcome } from "./types.js";

const BLOCKED = new Set([12009, 12011]);
const RESULT_TYPE = "concilia:connection";

interface ResultMessage {
  type: string;
  ok: boolean;
  accountAddress?: string;
  error?: string;
}

function asResult(data: unknown): SignInOutcome | null {
  let v = data;
  if (typeof v === "string")
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  const m = v as ResultMessage | null;
  if (!m || typeof m !== "object" || m.type !== RESULT_TYPE) return null;
  return { kind: "result", ok: m.ok === true, accountAddress: m.accountAddress, error: m.error };
}

export function openProviderSignIn(url: string): Promise<SignInOutcome> {
  return new Promise((resolve) => {
    let done = false;
    let dialog: Office.Dialog | null = null;
    const finish = (outcome: SignInOutcome) => {
      if (done) return;
      done = true;
      window.removeEventListener("message", onWindowMessage);
      if (outcome.kind === "result") dialog?.close();
      resolve(outcome);
    };
    const onWindowMessage = (e: MessageEvent) => {
      if (e.origin !== location.origin) return;
      const r = asResult(e.data);
      if (r) finish(r);
    };
    window.addEventListener("message", onWindowMessage);
    Office.context.ui.displayDialogAsync(url, { height: 70, width: 40, promptBeforeOpen: false }, (r) => {
      if (r.status !== Office.AsyncResultStatus.Succeeded) {
        const code = r.error?.code ?? 0;
        return finish(
          BLOCKED.has(code) ? { kind: "blocked", code } : { kind: "failed", message: r.error?.message ?? "" },
        );
      }
      dialog = r.value;
      dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
        const res = asResult((arg as { message?: string }).message);
        if (res) finish(res);
      });
      dialog.addEventHandler(Office.EventType.DialogEventReceived, () => finish({ kind: "closed" }));
    });
  });
}
