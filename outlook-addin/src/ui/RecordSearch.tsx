import type { ComponentChildren } from "preact";
import { useId, useState } from "preact/hooks";
import type { SearchResult } from "../../../shared/api/records.js";
import type { Api } from "../api/client.js";
import type { Catalog } from "../i18n/en.js";
import { useI18n } from "../i18n/index.js";
import { Badge } from "./Badge.js";
import { ErrorNote } from "./ErrorNote.js";
import { Field } from "./Field.js";

const groups: [SearchResult["type"], keyof Catalog][] = [
  ["person", "resultsPersons"],
  ["company", "resultsCompanies"],
  ["lead", "resultsLeads"],
];

interface Props {
  api: Api;
  /** The search field's label, and a hint below it. */
  label: string;
  hint?: string;
  types: SearchResult["type"][];
  initialQuery?: string;
  /** What the user can do with a hit: a button, or nothing. */
  action(result: SearchResult): ComponentChildren;
}

/** Search the CRM by name, email or phone (as Gmail's homepage does); the hits come grouped by type. */
export function RecordSearch({ api, label, hint, types, initialQuery = "", action }: Props) {
  const { t } = useI18n();
  const [q, setQ] = useState(initialQuery);
  const [found, setFound] = useState<{ q: string; items: SearchResult[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const hintId = useId();

  async function submit(e: Event) {
    e.preventDefault();
    const query = q.trim();
    if (!query) return;
    setBusy(true);
    setError(null);
    try {
      const items = await api.search(query, 30);
      setFound({ q: query, items: items.filter((r) => types.includes(r.type)) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="record-search">
      <form class="form search-form" onSubmit={submit}>
        <Field label={label} name="q" value={q} onInput={setQ} describedBy={hint ? hintId : undefined} />
        {hint && (
          <p id={hintId} class="muted small">
            {hint}
          </p>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? t("searching") : t("search")}
          </button>
        </div>
      </form>
      {error !== null && <ErrorNote error={error} />}
      <div aria-live="polite">
        {found && found.items.length === 0 && <p class="muted">{t("noResults", { q: found.q })}</p>}
      </div>
      {found &&
        groups
          .filter(([type]) => types.includes(type))
          .map(([type, title]) => {
            const items = found.items.filter((r) => r.type === type);
            if (!items.length) return null;
            return (
              <section key={type} class="section results" aria-label={t(title)} data-type={type}>
                <h3>{t(title)}</h3>
                <ul>
                  {items.map((r) => (
                    <li key={r.id} class="result">
                      <span class="who">
                        <span class="name">{r.name}</span>
                        <span class="muted small">
                          {[r.companyName, r.emails[0] ?? t("noAddress")].filter(Boolean).join(" · ")}
                        </span>
                      </span>
                      <Badge badge={r.badge} />
                      {action(r)}
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
    </div>
  );
}
