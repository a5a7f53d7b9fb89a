import { useState } from "preact/hooks";
import type { RecordCard as Card } from "../../../shared/api/context.js";
import type { SearchResult } from "../../../shared/api/records.js";
import type { Api } from "../api/client.js";
import { useI18n } from "../i18n/index.js";
import { ErrorNote } from "./ErrorNote.js";
import { RecordCard } from "./RecordCard.js";
import { RecordSearch } from "./RecordSearch.js";

/**
 * R-SB-5 in Outlook: the CRM search of Gmail's homepage, below the message's card. A hit opens its
 * record card (by its first address, in the one context request); Back returns to the hits.
 */
export function CrmSearch({ api }: { api: Api }) {
  const { t } = useI18n();
  const [opened, setOpened] = useState<Card | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function open(r: SearchResult) {
    setError(null);
    try {
      const context = await api.context([{ name: "", email: r.emails[0] }], null);
      const entry = context.participants[0];
      if (entry?.status === "known") setOpened(entry.record);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section class="crm-search" aria-labelledby="crm-search-title">
      <h2 id="crm-search-title" class="section-title">
        {t("searchCrm")}
      </h2>
      {opened && (
        <div class="opened">
          <button type="button" onClick={() => setOpened(null)}>
            {t("backToResults")}
          </button>
          <RecordCard record={opened} headingId="search-record-name" />
        </div>
      )}
      {error !== null && <ErrorNote error={error} />}
      <div hidden={opened !== null}>
        <RecordSearch
          api={api}
          label={t("searchLabel")}
          hint={t("searchHint")}
          types={["person", "company", "lead"]}
          action={(r) =>
            r.emails.length > 0 && (
              <button type="button" onClick={() => open(r)} aria-label={`${t("open")}: ${r.name}`}>
                {t("open")}
              </button>
            )
          }
        />
      </div>
    </section>
  );
}
