import { useEffect, useState } from "preact/hooks";
import type { Connection } from "../../../../shared/api/connections.js";
import type { ExchangeIntegrationDto } from "../../../../shared/api/exchange.js";
import type { Api } from "../../api/client.js";
import type { Mailbox } from "../../host/types.js";
import { ErrorNote } from "../ErrorNote.js";
import { SettingsHead } from "../SettingsHead.js";
import { Loading } from "../States.js";
import { OAuthConnect } from "../sync/OAuthConnect.js";
import { ExchangeIntegrationView } from "./ExchangeIntegration.js";
import { useExchangeWords } from "./words.js";

/**
 * R-X-1: settings → Integrations → Exchange. The integration rides on one of the user's Microsoft
 * connections: pick it (or connect one through the usual sign-in), then activate it on that one.
 */
export function ExchangeSettings({ api, mailbox, onClose }: { api: Api; mailbox: Mailbox; onClose(): void }) {
  const w = useExchangeWords();
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function load() {
    setError(null);
    try {
      const microsoft = (await api.sync.list()).filter((c) => c.provider === "microsoft");
      setConnections(microsoft);
      setChosen((id) => (id && microsoft.some((c) => c.id === id) ? id : (microsoft[0]?.id ?? null)));
    } catch (err) {
      setError(err);
    }
  }
  useEffect(() => {
    load();
  }, []);
  const connection = connections?.find((c) => c.id === chosen) ?? null;

  return (
    <div class="sync-settings exchange-settings">
      <SettingsHead onClose={onClose}>
        {w("integrations")} → {w("exchangeTitle")}
      </SettingsHead>
      <p>{w("exchangeIntro")}</p>
      {error !== null && <ErrorNote error={error} />}
      {connections === null && error === null && <Loading />}
      {connections?.length === 0 && (
        <div class="connect">
          <p>{w("exchangeNoAccount")}</p>
          <OAuthConnect
            api={api}
            mailbox={mailbox}
            provider="microsoft"
            syncs="both"
            label={w("exchangeConnect")}
            onConnected={() => load()}
          />
        </div>
      )}
      {connections && connections.length > 0 && (
        <label class="field">
          <span>{w("exchangeAccount")}</span>
          <select value={chosen ?? ""} onChange={(e) => setChosen(e.currentTarget.value)}>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.accountAddress}
              </option>
            ))}
          </select>
        </label>
      )}
      {connection && (
        <ConnectionIntegration key={connection.id} api={api} mailbox={mailbox} connection={connection} />
      )}
    </div>
  );
}

/** The chosen connection's integration: read, then shown as never activated, active or deactivated. */
function ConnectionIntegration({
  api,
  mailbox,
  connection,
}: {
  api: Api;
  mailbox: Mailbox;
  connection: Connection;
}) {
  const [integration, setIntegration] = useState<ExchangeIntegrationDto | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.exchange.get(connection.id).then(setIntegration, setError);
  }, [connection.id]);
  if (error !== null) return <ErrorNote error={error} />;
  if (integration === undefined) return <Loading />;
  return (
    <ExchangeIntegrationView
      api={api}
      mailbox={mailbox}
      connection={connection}
      integration={integration}
      onChange={setIntegration}
    />
  );
}
