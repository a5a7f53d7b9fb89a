import { useEffect, useState } from "preact/hooks";
import type { Connection } from "../../../../shared/api/connections.js";
import type { ExchangeIntegrationDto } from "../../../../shared/api/exchange.js";
import type { ConnectionSyncStatus } from "../../../../shared/api/sync-status.js";
import { type Locale, locales } from "../../../../shared/i18n.js";
import type { Api } from "../../api/client.js";
import type { Mailbox } from "../../host/types.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";
import { Choice } from "../sync/Choice.js";
import { statusWords } from "../sync/ConnectionStatus.js";
import { useAction } from "../useAction.js";
import { ExchangeChoices } from "./ExchangeChoices.js";
import { ExchangeSignInAgain } from "./ExchangeSignInAgain.js";
import { useExchangeWords } from "./words.js";

interface Props {
  api: Api;
  mailbox: Mailbox;
  connection: Connection;
  /** null: never activated on this connection. */
  integration: ExchangeIntegrationDto | null;
  onChange(integration: ExchangeIntegrationDto): void;
}

/**
 * R-X-1, R-X-4: activate with the categories' language (chosen once: shown fixed afterwards), the
 * sync status as the sync view words it, the permissions still to grant, and Deactivate (keeps all).
 */
export function ExchangeIntegrationView({ api, mailbox, connection: c, integration: i, onChange }: Props) {
  const { t, locale } = useI18n();
  const w = useExchangeWords();
  const [language, setLanguage] = useState<Locale>(locale);
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [status, setStatus] = useState<ConnectionSyncStatus | null>(null);
  const enabled = i?.enabled === true;

  useEffect(() => {
    if (enabled) api.sync.status(c.id).then(setStatus, () => setStatus(null));
  }, [enabled, c.id]);

  const act = (what: () => Promise<ExchangeIntegrationDto>, text: string) => {
    setNotice(null);
    return run(async () => {
      onChange(await what());
      setNotice(text);
    });
  };
  const activate = () =>
    act(() => api.exchange.activate(c.id, i?.language ?? language), w("exchangeActivated"));
  const deactivate = () => act(() => api.exchange.deactivate(c.id), w("exchangeDeactivated"));
  const regrant = async () => {
    const again = await api.exchange.get(c.id);
    if (again) onChange(again);
  };

  return (
    <section class="card connection exchange" aria-labelledby={`exchange-${c.id}`}>
      <h3 id={`exchange-${c.id}`}>
        {t("providerMicrosoft")} · {c.accountAddress}
      </h3>
      {notice && (
        <p class="note ok" role="status">
          {notice}
        </p>
      )}
      {enabled && status && (
        <div role="status" class="sync-status" data-status={status.status}>
          <p class="status-words">{statusWords(status, t("providerMicrosoft"), t)}</p>
        </div>
      )}
      {i && !i.enabled && <p class="muted">{w("exchangeInactive")}</p>}
      {i ? (
        <p class="exchange-language">{w("exchangeLanguageIs", { language: w(`language_${i.language}`) })}</p>
      ) : (
        <>
          <Choice
            legend={w("exchangeLanguage")}
            name={`exchange-language-${c.id}`}
            value={language}
            options={locales.map((l): { value: Locale; label: string } => ({
              value: l,
              label: w(`language_${l}`),
            }))}
            onChange={(l: Locale) => setLanguage(l)}
          />
          <p class="muted small">{w("exchangeLanguageHint")}</p>
        </>
      )}
      {i && i.consentNeeded.length > 0 && (
        <div role="alert" class="note error consent">
          <p>{w("exchangeConsentNeeded")}</p>
          <ExchangeSignInAgain
            api={api}
            mailbox={mailbox}
            connection={c}
            label={w("exchangeGrant")}
            onConnected={regrant}
          />
        </div>
      )}
      {error !== null && <ErrorNote error={error} />}
      {enabled && i.consentNeeded.length === 0 && (
        <ExchangeChoices
          api={api}
          mailbox={mailbox}
          connection={c}
          integration={i}
          onSaved={(saved) => act(async () => saved, w("exchangeSaved"))}
        />
      )}
      <div class="actions">
        {enabled ? (
          <button type="button" class="danger" disabled={busy} onClick={deactivate}>
            {w("exchangeDeactivate")}
          </button>
        ) : (
          <button type="button" class="primary" disabled={busy} onClick={activate}>
            {w("exchangeActivate")}
          </button>
        )}
      </div>
    </section>
  );
}
