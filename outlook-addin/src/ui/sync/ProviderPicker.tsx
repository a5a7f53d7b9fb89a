import { useState } from "preact/hooks";
import type { ConnectionProvider, ConnectionSyncs } from "../../../../shared/api/connections.js";
import { providerWord } from "../../../../shared/sync-words.js";
import { useI18n } from "../../i18n/index.js";
import { Choice } from "./Choice.js";

const MAIN: ConnectionProvider[] = ["google", "microsoft", "icloud", "yahoo"];
/** Behind "View all providers". */
const OTHERS: ConnectionProvider[] = ["imap", "caldav"];

/**
 * R-CON-3: the four main providers, and "View all providers" for a custom IMAP server and an Other
 * CalDAV server (calendars only); R-CON-2: email,
 * calendar or both. The choice is only made here; the forms below refuse what cannot work (R-CON-4).
 */
export function ProviderPicker({
  provider,
  syncs,
  onProvider,
  onSyncs,
}: {
  provider: ConnectionProvider | null;
  syncs: ConnectionSyncs;
  onProvider(p: ConnectionProvider): void;
  onSyncs(s: ConnectionSyncs): void;
}) {
  const { t } = useI18n();
  const [all, setAll] = useState(provider === "imap" || provider === "caldav");
  const shown = all ? [...MAIN, ...OTHERS] : MAIN;
  return (
    <div class="provider-picker">
      <Choice
        legend={t("chooseProvider")}
        name="provider"
        value={provider}
        options={shown.map((p) => ({ value: p, label: t(providerWord[p]) }))}
        onChange={onProvider}
      />
      {!all && (
        <button type="button" class="link" onClick={() => setAll(true)}>
          {t("viewAllProviders")}
        </button>
      )}
      <Choice
        legend={t("whatToSync")}
        name="syncs"
        value={syncs}
        options={[
          { value: "email", label: t("syncsEmail") },
          { value: "calendar", label: t("syncsCalendar") },
          { value: "both", label: t("syncsBoth") },
        ]}
        onChange={onSyncs}
      />
    </div>
  );
}
