import type { ApiProblem } from "../api/client.js";
import { useI18n } from "../i18n/index.js";
import { ErrorNote } from "./ErrorNote.js";

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

export function SignedOutView({ onSignIn }: { onSignIn(): void }) {
  const { t } = useI18n();
  return (
    <div class="state signed-out">
      <p>{t("signedOut")}</p>
      <button type="button" class="primary" onClick={onSignIn}>
        {t("signIn")}
      </button>
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
