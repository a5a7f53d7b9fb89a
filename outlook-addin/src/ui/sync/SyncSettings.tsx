import { useEffect, useState } from "preact/hooks";
import type { Connection, ConnectionProvider, ConnectionSyncs } from "../../../../shared/api/connections.js";
import type { Api } from "../../api/client.js";
import type { Mailbox } from "../../host/types.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";
import { SettingsHead } from "../SettingsHead.js";
import { Loading } from "../States.js";
import { AppPasswordForm } from "./AppPasswordForm.js";
import { CaldavForm } from "./CaldavForm.js";
import { ConnectionStatus } from "./ConnectionStatus.js";
import { ImapForm } from "./ImapForm.js";
import { OAuthConnect } from "./OAuthConnect.js";
import { ProviderPicker } from "./ProviderPicker.js";

/**
 * R-CON-1: My profile → Email & calendar sync. Without a connection: the provider picker and the form
 * the provider needs, ending in "Sync"; with one: its status and "Stop sync" and "Edit" (R-CON-9).
 */
export function SyncSettings({ api, mailbox, onClose }: { api: Api; mailbox: Mailbox; onClose(): void }) {
  const { t } = useI18n();
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [provider, setProvider] = useState<ConnectionProvider | null>(null);
  const [syncs, setSyncs] = useState<ConnectionSyncs>("both");
  const [crmTimeZone, setCrmTimeZone] = useState<string | null>(null);

  async function load(text: string | null = null) {
    setError(null);
    try {
      setConnections(await api.sync.list());
      setNotice(text);
      setProvider(null);
    } catch (err) {
      setError(err);
    }
  }
  useEffect(() => {
    load();
    // Only for the zone warning (R-ACT-5): without it the view works the same.
    api.sync.crmTimeZone().then(setCrmTimeZone, () => setCrmTimeZone(null));
  }, []);
  const connected = (address: string) => load(t("connectedAs", { address }));
  const address = mailbox.user.email;

  return (
    <div class="sync-settings">
      <SettingsHead onClose={onClose}>{t("syncTitle")}</SettingsHead>
      {notice && (
        <p class="note ok" role="status">
          {notice}
        </p>
      )}
      {error !== null && <ErrorNote error={error} />}
      {connections === null && error === null && <Loading />}
      {connections?.map((c) => (
        <ConnectionStatus
          key={c.id}
          api={api}
          mailbox={mailbox}
          connection={c}
          crmTimeZone={crmTimeZone}
          onChanged={load}
        />
      ))}
      {connections?.length === 0 && (
        <div class="connect">
          <p>{t("syncIntro")}</p>
          <ProviderPicker provider={provider} syncs={syncs} onProvider={setProvider} onSyncs={setSyncs} />
          {(provider === "google" || provider === "microsoft") && (
            <OAuthConnect
              api={api}
              mailbox={mailbox}
              provider={provider}
              syncs={syncs}
              label={t("startSync")}
              onConnected={connected}
            />
          )}
          {(provider === "icloud" || provider === "yahoo") && (
            <AppPasswordForm
              key={provider}
              api={api}
              provider={provider}
              syncs={syncs}
              defaultAddress={address}
              onConnected={connected}
            />
          )}
          {provider === "imap" && (
            <ImapForm api={api} syncs={syncs} defaultAddress={address} onConnected={connected} />
          )}
          {provider === "caldav" && <CaldavForm api={api} syncs={syncs} onConnected={connected} />}
        </div>
      )}
    </div>
  );
}
