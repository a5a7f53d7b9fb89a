import { ApiProblem, SignedOut, Unreachable } from "../api/client.js";
import { useI18n } from "../i18n/index.js";

/** An error as a user can act on it: what failed, and the request id to quote to an admin. */
export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof Unreachable)
    return (
      <p role="alert" class="note error">
        {t("unreachable")}
      </p>
    );
  if (error instanceof SignedOut)
    return (
      <p role="alert" class="note error">
        {t("signedOut")}
      </p>
    );
  const p = error instanceof ApiProblem ? error : null;
  return (
    <div role="alert" class="note error">
      <p>
        <strong>{p?.title ?? t("error")}</strong>
        {p?.detail ? ` ${p.detail}` : ""}
      </p>
      {p?.errors.map((e) => (
        <p key={e.path}>
          {e.path}: {e.message}
        </p>
      ))}
      {p?.requestId && (
        <p class="muted">
          {t("requestId")}: <code>{p.requestId}</code>
        </p>
      )}
    </div>
  );
}
