import { useState } from "preact/hooks";
import type { ConnectionSyncs, OAuthProvider } from "../../../../shared/api/connections.js";
import type { Api } from "../../api/client.js";
import type { Mailbox, SignInOutcome } from "../../host/types.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";
import { useAction } from "../useAction.js";
import { PopupHelp } from "./PopupHelp.js";

interface Props {
  api: Api;
  mailbox: Mailbox;
  provider: OAuthProvider;
  syncs: ConnectionSyncs;
  /** Reconnect this connection instead of making a new one. */
  connectionId?: string;
  label: string;
  onConnected(address: string): void;
}

/** R-CON-8: Google and Microsoft sign in at the provider, in an Office dialog. */
export function OAuthConnect({ api, mailbox, provider, syncs, connectionId, label, onConnected }: Props) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [outcome, setOutcome] = useState<SignInOutcome | null>(null);

  const start = () => {
    setOutcome(null);
    return run(async () => {
      const url = await api.sync.oauthStart(provider, syncs, connectionId);
      const o = await mailbox.openSignIn(url);
      if (o.kind === "result" && o.ok) onConnected(o.accountAddress ?? "");
      else setOutcome(o);
    });
  };

  const name = t(provider === "google" ? "providerGoogle" : "providerMicrosoft");
  return (
    <div class="oauth-connect">
      <p class="muted small">{t("oauthHint", { provider: name })}</p>
      {outcome?.kind === "blocked" && <PopupHelp />}
      {outcome?.kind === "closed" && (
        <p role="alert" class="note error">
          {t("oauthClosed")}
        </p>
      )}
      {(outcome?.kind === "failed" || (outcome?.kind === "result" && !outcome.ok)) && (
        <p role="alert" class="note error">
          {t("oauthFailed", { error: outcome.kind === "failed" ? outcome.message : (outcome.error ?? "") })}
        </p>
      )}
      {error !== null && <ErrorNote error={error} />}
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={start}>
          {label}
        </button>
      </div>
    </div>
  );
}
