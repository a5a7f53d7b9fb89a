import { useId, useState } from "preact/hooks";
import type { ApiProblem } from "../api/client.js";
import { useI18n } from "../i18n/index.js";
import { ErrorNote } from "./ErrorNote.js";
import { Field } from "./Field.js";

export function Loading() {
  const { t } = useI18n();
  return (
    <div class="state loading">
      <div class="skeleton" aria-hidden="true" />
      <div class="skeleton short" aria-hidden="true" />
      <p class="muted">{t("loading")}</p>
    </div>
  );
}

export function Empty() {
  const { t } = useI18n();
  return (
    <div class="state empty">
      <p>{t("empty")}</p>
    </div>
  );
}

/**
 * R-SB-6 / R-SB-7: signed out. Sign in opens the dialog; a user who signed in on Concilia's page in a
 * browser instead got a one-time code there, which is typed in here.
 */
export function SignedOutView({
  onSignIn,
  onCode,
}: {
  onSignIn(): void;
  onCode(code: string): Promise<void>;
}) {
  const { t } = useI18n();
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState(false);
  const hintId = useId();

  async function submit(e: Event) {
    e.preventDefault();
    if (!code.trim()) return;
    setBusy(true);
    setRefused(false);
    try {
      await onCode(code);
    } catch {
      setRefused(true);
      setBusy(false);
    }
  }

  return (
    <div class="state signed-out">
      <p>{t("signedOut")}</p>
      <button type="button" class="primary" onClick={onSignIn}>
        {t("signIn")}
      </button>
      <form class="form code" onSubmit={submit}>
        <Field
          label={t("haveCode")}
          name="code"
          value={code}
          onInput={setCode}
          describedBy={hintId}
          autoComplete="one-time-code"
        />
        <p id={hintId} class="muted small">
          {t("codeHint")}
        </p>
        {refused && (
          <p role="alert" class="note error">
            {t("codeRefused")}
          </p>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {t("useCode")}
          </button>
        </div>
      </form>
    </div>
  );
}

export function UnreachableView({ onRetry }: { onRetry(): void }) {
  const { t } = useI18n();
  return (
    <div class="state unreachable" role="alert">
      <p>{t("unreachable")}</p>
      <button type="button" class="primary" onClick={onRetry}>
        {t("retry")}
      </button>
    </div>
  );
}

export function ErrorView({ problem, onRetry }: { problem: ApiProblem | null; onRetry(): void }) {
  const { t } = useI18n();
  return (
    <div class="state failed">
      <ErrorNote error={problem} />
      <button type="button" onClick={onRetry}>
        {t("retry")}
      </button>
    </div>
  );
}
