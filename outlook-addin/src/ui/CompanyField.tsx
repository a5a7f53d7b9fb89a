import { useEffect, useId, useState } from "preact/hooks";
import type { Api } from "../api/client.js";
import { useI18n } from "../i18n/index.js";
import { Field } from "./Field.js";

export interface CompanyOption {
  id: string;
  name: string;
}

const same = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/**
 * A person's company: the field suggests CRM companies as the user types (the browser's own list,
 * keyboard and screen reader included); a name matching none of them is a new company.
 */
export function CompanyField({
  api,
  value,
  offered,
  onChange,
}: {
  api: Api;
  value: string;
  /** Companies offered before any search (those of the message's participants). */
  offered: CompanyOption[];
  /** The typed name, and the company it names when it is one of the suggestions. */
  onChange(name: string, company: CompanyOption | null): void;
}) {
  const { t } = useI18n();
  const listId = useId();
  const hintId = useId();
  const [found, setFound] = useState<CompanyOption[]>([]);
  const options = [...offered, ...found.filter((f) => !offered.some((o) => o.id === f.id))];

  useEffect(() => {
    const q = value.trim();
    if (q.length < 2) return;
    // Typing is debounced; an answer for an older query is dropped.
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const hits = await api.search(q, 10);
        if (current)
          setFound(hits.filter((h) => h.type === "company").map((h) => ({ id: h.id, name: h.name })));
      } catch {
        // Suggestions are a help only: the typed name still works.
      }
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [value]);

  // The chosen company is re-derived from the text whenever the suggestions change.
  useEffect(() => onChange(value, options.find((o) => same(o.name, value)) ?? null), [found]);

  return (
    <div class="company-field">
      <Field
        label={t("company")}
        name="company"
        value={value}
        list={listId}
        describedBy={hintId}
        autoComplete="off"
        onInput={(v) => onChange(v, options.find((o) => same(o.name, v)) ?? null)}
      />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o.id} value={o.name} />
        ))}
      </datalist>
      <p id={hintId} class="muted small">
        {t("companyHint")}
      </p>
    </div>
  );
}
