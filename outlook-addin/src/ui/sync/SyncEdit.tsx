import { useState } from "preact/hooks";
import type { Connection, ConnectionSyncs } from "../../../../shared/api/connections.js";
import { providerWord } from "../../../../shared/sync-words.js";
import { type Api, ApiProblem } from "../../api/client.js";
import type { Mailbox } from "../../host/types.js";
import { useI18n } from "../../i18n/index.js";
import { Checks } from "../Checks.js";
import { ErrorNote } from "../ErrorNote.js";
import { Choice } from "./Choice.js";
import { OAuthConnect } from "./OAuthConnect.js";
import { refusalText } from "./refusal.js";

/**
 * R-CON-9: Edit after connecting: which of the provider's calendars to sync (the primary one is
 * preselected by the server) and email, calendar or both (R-CON-2). A choice the account's consent at
 * Google or Microsoft does not cover (409) is made by reconnecting with it.
 */
export function SyncEdit({
  api,
  mailbox,
  connection: c,
  onSaved,
}: {
  api: Api;
  mailbox: Mailbox;
  connection: Connection;
  onSaved(notice: string): void;
}) {
  const { t } = useI18n();
  const [syncs, setSyncs] = useState<ConnectionSyncs>(c.syncs);
  const [selected, setSelected] = useState(new Set(c.calendars.filter((k) => k.selected).map((k) => k.id)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const imap = c.provider === "imap";

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.sync.edit(c.id, {
        syncs,
        ...(c.calendars.length ? { selectedCalendarIds: [...selected] } : {}),
      });
      onSaved(t("syncSaved"));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  const refusal = imap && syncs !== "email" ? t("imapMailOnly") : refusalText(error, t, c.accountAddress);
  const oauth = c.provider === "google" || c.provider === "microsoft" ? c.provider : null;
  const needsConsent = oauth && error instanceof ApiProblem && error.status === 409;

  return (
    <form class="form sync-edit" onSubmit={save}>
      <Choice
        legend={t("whatToSync")}
        name={`syncs-${c.id}`}
        value={syncs}
        options={[
          { value: "email", label: t("syncsEmail") },
          { value: "calendar", label: t("syncsCalendar") },
          { value: "both", label: t("syncsBoth") },
        ]}
        onChange={(s: ConnectionSyncs) => setSyncs(s)}
      />
      {!imap && (
        <fieldset class="calendars">
          <legend>{t("calendarsToSync")}</legend>
          {c.calendars.length === 0 && <p class="muted small">{t("noCalendarsYet")}</p>}
          <Checks
            items={c.calendars}
            idOf={(k) => k.id}
            labelOf={(k) => (k.primary ? t("primaryCalendar", { name: k.name }) : k.name)}
            chosen={selected}
            onChange={setSelected}
          />
        </fieldset>
      )}
      {refusal ? (
        <p role="alert" class="note error">
          {refusal}
        </p>
      ) : needsConsent ? (
        <div role="alert" class="note error">
          <p>{t("reconnectForChoice", { provider: t(providerWord[oauth]) })}</p>
          <OAuthConnect
            api={api}
            mailbox={mailbox}
            provider={oauth}
            syncs={syncs}
            connectionId={c.id}
            label={t("reconnect")}
            onConnected={() => onSaved(t("syncSaved"))}
          />
        </div>
      ) : (
        error !== null && <ErrorNote error={error} />
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || (imap && syncs !== "email")}>
          {t("save")}
        </button>
      </div>
    </form>
  );
}
