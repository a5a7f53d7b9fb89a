// Office.context.ui.displayDialogAsync for the playground's fake Outlook. As Outlook on the web does,
// it opens the page in a real popup window: the page's Office.context.ui.messageParent reaches the
// add-in as a DialogMessageReceived event, and closing the window as a DialogEventReceived event
// (12006). There is no office.js inside the popup, so the fake lends the page a stand-in through
// the popup's opener (server/auth/login-page.ts looks there first), which a real host never has.

type Handler = (arg: unknown) => void;
type Result = { status: "succeeded" | "failed"; value?: unknown; error?: { code: number; message: string } };

interface DialogOptions {
  height?: number;
  width?: number;
}

/** Office's dialog error codes the pane can meet. */
const ALREADY_OPEN = 12007;
const DOMAIN_NOT_ALLOWED = 12004;
/** Outlook on the web: the browser's pop-up blocker stopped the window. */
const POPUP_BLOCKED = 12011;
const CLOSED_BY_USER = 12006;
/** How often the fake looks whether the user closed the window (browsers send no event for it). */
const CLOSE_POLL_MS = 200;

const failed = (code: number, message: string): Result => ({
  status: "failed",
  error: { code, message },
});

let open: Window | null = null;

export function displayFakeDialog(
  frame: Window,
  url: string,
  options: DialogOptions,
  callback: (r: Result) => void,
  /** The playground's "pop-ups blocked" switch: the browser refuses every window, as Office reports it. */
  popupsBlocked = false,
): void {
  const answer = (r: Result) => {
    setTimeout(() => callback(r), 0);
  };
  if (popupsBlocked) return void answer(failed(POPUP_BLOCKED, "The browser is configured to block pop-ups."));
  if (open && !open.closed)
    return void answer(failed(ALREADY_OPEN, "A dialog is already opened from this add-in."));
  const target = new URL(url, frame.location.href);
  // Outlook opens only pages of the add-in's own domains (AppDomains); the fake knows its origin only.
  if (target.origin !== frame.location.origin)
    return void answer(failed(DOMAIN_NOT_ALLOWED, "The domain of the URL is not included in AppDomains."));

  const size = (percent: number | undefined, of: number) =>
    Math.round((of * Math.min(Math.max(percent ?? 80, 10), 100)) / 100);
  const popup = frame.open(
    target.href,
    "concilia-office-dialog",
    `popup,width=${size(options.width, screen.availWidth)},height=${size(options.height, screen.availHeight)}`,
  );
  if (!popup) return void answer(failed(POPUP_BLOCKED, "The browser is configured to block pop-ups."));
  open = popup;

  const handlers = new Map<string, Handler[]>();
  const emit = (type: string, arg: object) =>
    setTimeout(() => {
      for (const h of handlers.get(type) ?? []) h({ ...arg, type });
    }, 0);
  let watching = true;
  const stop = () => {
    watching = false;
    clearInterval(poll);
    if (open === popup) open = null;
  };
  const poll = setInterval(() => {
    if (!popup.closed) return;
    stop();
    emit("dialogEventReceived", { error: CLOSED_BY_USER });
  }, CLOSE_POLL_MS);

  // What the dialog page's Office is in the fake: ready at once, messageParent relayed while open.
  (frame as unknown as { conciliaDialogOffice?: unknown }).conciliaDialogOffice = {
    onReady: (cb?: () => void) => {
      if (cb) setTimeout(cb, 0);
      return Promise.resolve({ host: "Outlook", platform: "OfficeOnline" });
    },
    context: {
      ui: {
        messageParent(message: string) {
          if (watching) emit("dialogMessageReceived", { message: String(message), origin: target.origin });
        },
      },
    },
  };

  answer({
    status: "succeeded",
    value: {
      addEventHandler(type: string, handler: Handler) {
        handlers.set(type, [...(handlers.get(type) ?? []), handler]);
      },
      close() {
        // Closed by the add-in: Office raises no event for it.
        stop();
        popup.close();
      },
    },
  });
}
