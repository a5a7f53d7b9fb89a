import { useState } from "preact/hooks";
import type { Api } from "../api/client.js";
import type { Mailbox } from "../host/types.js";
import { useI18n } from "../i18n/index.js";
import { ErrorNote } from "./ErrorNote.js";

interface Props {
  api: Api;
  mailbox: Mailbox;
  /** From the context answer: the message is already logged (by this pane, another device or sync). */
  loggedAt: string | null;
}

/** R-SB-3 / R-SB-9: one click sends the raw message once, then shows the logged state. */
export function LogEmailButton({ api, mailbox, loggedAt }: Props) {
  const { t, dateTime } = useI18n();
  const [state, setState] = useState<"idle" | "busy" | "logged">(loggedAt ? "logged" : "idle");
  const [at, setAt] = useState(loggedAt);
  const [error, setError] = useState<unknown>(null);

  async function log() {
    if (state !== "idle") return;
    setState("busy");
    setError(null);
    try {
      const raw = await mailbox.rawMessage();
      await api.logEmail(raw);
      setAt(new Date().toISOString());
      setState("logged");
      await mailbox.markLogged();
    } catch (err) {
      setError(err);
      setState("idle");
    }
  }

  return (
    <div class="log">
      <button
        type="button"
        class={state === "logged" ? "logged" : "primary"}
        onClick={log}
        disabled={state !== "idle"}
        aria-live="polite"
        data-state={state}
      >
        {state === "logged" ? `✓ ${t("logged")}` : state === "busy" ? t("logging") : t("logEmail")}
      </button>
      {state === "logged" && at && <span class="muted small">{dateTime(at)}</span>}
      {error !== null && <ErrorNote error={error} />}
    </div>
  );
}
