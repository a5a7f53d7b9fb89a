import type { ContextEntry } from "../../../shared/api/context.js";
import { shortAddress } from "../../../shared/short-address.js";
import { useI18n } from "../i18n/index.js";
import { Badge } from "./Badge.js";

interface Props {
  title: string;
  entries: ContextEntry[];
  selected: string;
  onSelect(address: string): void;
}

/** R-SB-1: To/Cc participants with their badges; choosing one shows its card above. */
export function Participants({ title, entries, selected, onSelect }: Props) {
  const { t } = useI18n();
  return (
    <section class="section participants" aria-label={title}>
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <p class="muted">{t("noOne")}</p>
      ) : (
        <ul>
          {entries.map((e) => (
            <li key={e.address}>
              <button
                type="button"
                class="participant"
                aria-pressed={e.address === selected}
                onClick={() => onSelect(e.address)}
                data-address={e.address}
              >
                <span class="who">
                  <span class="name">
                    {e.status === "known" ? e.record.name : e.displayName || shortAddress(e.address)}
                  </span>
                  <span class="muted small" title={e.address}>
                    {shortAddress(e.address)}
                  </span>
                </span>
                {e.status === "known" ? (
                  <Badge badge={e.record.badge} />
                ) : (
                  <span class="muted small">{t("notInCrm")}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
