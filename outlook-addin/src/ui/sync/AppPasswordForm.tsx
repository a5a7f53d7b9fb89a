import { useState } from "preact/hooks";
import type { ConnectionSyncs } from "../../../../shared/api/connections.js";
import { appPasswordHelp } from "../../../../shared/sync-words.js";
import type { Api } from "../../api/client.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";
import { Field } from "../Field.js";
import { useAction } from "../useAction.js";
import { refusalText } from "./refusal.js";

interface Props {
  api: Api;
  provider: "icloud" | "yahoo";
  syncs: ConnectionSyncs;
  defaultAddress: string;
  onConnected(address: string): void;
}

/**
 * R-CON-3: iCloud and Yahoo sign in with an app-specific password, explained by the provider's own
 * page. R-CON-7: an iCloud address that is not the user's is refused with the reason, before any sync.
 */
export function AppPasswordForm({ api, provider, syncs, defaultAddress, onConnected }: Props) {
  const { t } = useI18n();
  const [address, setAddress] = useState(defaultAddress);
  const [password, setPassword] = useState("");
  const { busy, error, run } = useAction();
  const name = t(provider === "icloud" ? "providerIcloud" : "providerYahoo");

  const save = (e: Event) => {
    e.preventDefault();
    run(async () => {
      const c = await api.sync.create({
        provider,
        accountAddress: address.trim(),
        password,
        syncs,
        backfillDays: 30,
      });
      onConnected(c.accountAddress);
    });
  };

  const refusal = refusalText(error, t, address.trim().toLowerCase());
  return (
    <form class="form app-password" onSubmit={save}>
      <p class="muted small" id="app-password-hint">
        {t("appPasswordHint", { provider: name })}{" "}
        <a href={appPasswordHelp[provider]} target="_blank" rel="noopener noreferrer">
          {t("appPasswordLink")}
        </a>
      </p>
      {provider === "icloud" && <p class="muted small">{t("icloudOwnAddress")}</p>}
      <Field
        label={t("accountAddress")}
        name="accountAddress"
        type="email"
        value={address}
        onInput={setAddress}
      />
      <Field
        label={t("appPassword")}
        name="password"
        type="password"
        value={password}
        describedBy="app-password-hint"
        autoComplete="new-password"
        onInput={setPassword}
      />
      {refusal ? (
        <p role="alert" class="note error refusal">
          {refusal}
        </p>
      ) : (
        error !== null && <ErrorNote error={error} />
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !address.trim() || !password}>
          {t("startSync")}
        </button>
      </div>
    </form>
  );
}
