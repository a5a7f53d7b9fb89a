import { useState } from "preact/hooks";
import type { LogState } from "../../../shared/api/context.js";
import { notLoggedWords } from "../../../shared/log-words.js";
import type { Api } from "../api/client.js";
import type { AttachmentSummary, Mailbox } from "../host/types.js";
import { useI18n } from "../i18n/index.js";
import { AttachmentChoice } from "./AttachmentChoice.js";
import { ErrorNote } from "./ErrorNote.js";

interface Props {
  api: Api;
  mailbox: Mailbox;
  /** From the context answer: whether the message is logged (by hand or by mail sync) and if not, why. */
  logState: LogState;
  /** The open message's attachments, as the host lists them. */
  attachments: AttachmentSummary[];
  /** After a successful log: the card refreshes so the email shows among the last activities. */
  onLogged?(): void;
}

/**
 * R-SB-3 / R-SB-9: one click sends the raw message once, then shows the logged state. The message is
 * sent whole; attachments the user unticked are named to the server, which does not store them.
 */
export function LogEmailButton({ api, mailbox, logState, attachments, onLogged }: Props) {
  const { t, dateTime } = useI18n();
  const logged = logState.status === "logged" ? logState : null;
  const [state, setState] = useState<"idle" | "busy" | "logged">(logged ? "logged" : "idle");
  const [at, setAt] = useState(logged?.loggedAt ?? null);
  const [by, setBy] = useState(logged?.by ?? "hand");
  const [error, setError] = useState<unknown>(null);
  const [skipped, setSkipped] = useState<ReadonlySet<string>>(new Set());
  // Cloud attachments are links in the body, not parts of the message; before Mailbox 1.8 the
  // rebuilt message has no attachments at all, so there is nothing to choose.
  const choosable = mailbox.logsAttachments ? attachments.filter((a) => a.kind !== "cloud") : [];

  async function log() {
    if (state !== "idle") return;
    setState("busy");
    setError(null);
    try {
      const raw = await mailbox.rawMessage();
      // Reading the message's structure is needed only when something is left out: loaded then.
      const skip = skipped.size
        ? (await import("../log/skip-positions.js")).skipPositions(raw, choosable, skipped)
        : [];
      await api.logEmail(raw, skip);
      setAt(new Date().toISOString());
      setBy("hand");
      setState("logged");
      onLogged?.();
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
      {state === "logged" && at && (
        <span class="muted small log-state" data-log-state={by}>
          {t(by === "automatically" ? "loggedAutomatically" : "loggedByHand")} · {dateTime(at)}
        </span>
      )}
      {state !== "logged" && logState.status === "not-logged" && logState.reason && (
        <p class="note log-state" data-log-state={logState.reason}>
          {t(notLoggedWords[logState.reason], { detail: logState.detail ?? "" })}
        </p>
      )}
      {state !== "logged" && choosable.length > 0 && (
        <AttachmentChoice
          attachments={choosable}
          skipped={skipped}
          disabled={state === "busy"}
          onChange={setSkipped}
        />
      )}
      {error !== null && unmatched(error) !== null && (
        <p role="alert" class="note error">
          {t("attachmentNotFound", { name: unmatched(error) ?? "" })}
        </p>
      )}
      {error !== null && unmatched(error) === null && <ErrorNote error={error} />}
    </div>
  );
}

/** The attachment skip-positions.ts could not find in the message (its error class loads lazily). */
function unmatched(error: unknown): string | null {
  const name = (error as { attachment?: unknown } | null)?.attachment;
  return typeof name === "string" ? name : null;
}
