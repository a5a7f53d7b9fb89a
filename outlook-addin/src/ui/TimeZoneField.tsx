import { useId, useMemo, useState } from "preact/hooks";
import { searchTimeZones, timeZoneOptions } from "../../../shared/time-zones.js";
import { useI18n } from "../i18n/index.js";

interface Props {
  value: string;
  onChange(zone: string): void;
  /** The meeting's moment: the offsets shown are the ones in force then. */
  at: number;
  /** Zones to offer even if the browser does not list them (the mailbox's own). */
  include: string[];
  error?: string;
}

/** R-ACT-5: the zone is chosen from a list (never typed), found by city. */
export function TimeZoneField({ value, onChange, at, include, error }: Props) {
  const { t } = useI18n();
  const searchId = useId();
  const selectId = useId();
  const errorId = useId();
  const [query, setQuery] = useState("");
  const day = Math.floor(at / 86_400_000);
  const options = useMemo(() => timeZoneOptions(at, include), [day, include.join()]);
  const shown = searchTimeZones(options, query);
  // The chosen zone stays in the list while a search hides it, so the select never shows another one.
  const current = options.find((o) => o.id === value);
  const list = current && !shown.includes(current) ? [current, ...shown] : shown;

  const search = (q: string) => {
    setQuery(q);
    const found = searchTimeZones(options, q);
    if (found.length > 0 && !found.some((o) => o.id === value)) onChange(found[0].id);
  };

  return (
    <div class="field zone">
      <label for={searchId}>{t("searchCity")}</label>
      <input
        id={searchId}
        type="search"
        value={query}
        autoComplete="off"
        aria-controls={selectId}
        onInput={(e) => search((e.currentTarget as HTMLInputElement).value)}
      />
      {query && shown.length === 0 && <p class="muted small">{t("noTimeZoneMatch", { q: query })}</p>}
      <label for={selectId}>{t("timeZone")}</label>
      <select
        id={selectId}
        name="timeZone"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {list.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <p id={errorId} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
