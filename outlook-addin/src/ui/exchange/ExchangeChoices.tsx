import { useEffect, useState } from "preact/hooks";
import type { ExchangeIntegrationDto } from "../../../../shared/api/exchange.js";
import type { Api } from "../../api/client.js";
import type { ExchangeCategoryChoices, ExchangeFolders } from "../../api/exchange.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";
import { Loading } from "../States.js";
import { useExchangeWords } from "./words.js";

interface Props {
  api: Api;
  integration: ExchangeIntegrationDto;
  onSaved(integration: ExchangeIntegrationDto): void;
}

/**
 * R-X-2, R-X-5: which of the mailbox's categories to import, which private folders to sync (shared
 * ones listed as not synced, with the reason) and where new CRM contacts go in Exchange.
 */
export function ExchangeChoices({ api, integration: i, onSaved }: Props) {
  const { t, locale } = useI18n();
  const w = useExchangeWords();
  const [categories, setCategories] = useState<ExchangeCategoryChoices | null>(null);
  const [folders, setFolders] = useState<ExchangeFolders | null>(null);
  const [chosenCategories, setChosenCategories] = useState(new Set(i.categories));
  const [chosenFolders, setChosenFolders] = useState(new Set(i.folderIds));
  const [target, setTarget] = useState<string | null>(i.targetFolderId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    Promise.all([api.exchange.categories(i.connectionId), api.exchange.folders(i.connectionId)]).then(
      ([c, f]) => {
        setCategories(c);
        setFolders(f);
      },
      setError,
    );
  }, [i.connectionId]);

  const toggle = (set: Set<string>, put: (s: Set<string>) => void, id: string, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(id);
    else next.delete(id);
    put(next);
  };
  const own = folders?.items.filter((f) => f.kind === "private") ?? [];
  const shared = folders?.items.filter((f) => f.kind === "shared") ?? [];
  const targets = own.filter((f) => chosenFolders.has(f.id));
  const targetId = target && chosenFolders.has(target) ? target : (targets[0]?.id ?? null);

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(
        await api.exchange.update(i.connectionId, {
          categories: [...chosenCategories],
          folderIds: [...chosenFolders],
          targetFolderId: targetId,
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (error !== null && !categories) return <ErrorNote error={error} />;
  if (!categories || !folders) return <Loading />;
  return (
    <form class="form exchange-choices" onSubmit={save}>
      <fieldset class="categories">
        <legend>{w("exchangeCategories")}</legend>
        {categories.message ? (
          <p class="note no-categories">{locale === "en" ? categories.message : w("exchangeNoCategories")}</p>
        ) : (
          <p class="muted small">{w("exchangeCategoriesHint")}</p>
        )}
        {categories.items.map((c) => (
          <label key={c.name} class="check">
            <input
              type="checkbox"
              checked={chosenCategories.has(c.name)}
              onChange={(e) => toggle(chosenCategories, setChosenCategories, c.name, e.currentTarget.checked)}
            />
            <span>{c.name}</span>
          </label>
        ))}
      </fieldset>
      <fieldset class="folders">
        <legend>{w("exchangeFolders")}</legend>
        {own.map((f) => (
          <label key={f.id} class="check">
            <input
              type="checkbox"
              checked={chosenFolders.has(f.id)}
              onChange={(e) => toggle(chosenFolders, setChosenFolders, f.id, e.currentTarget.checked)}
            />
            <span>{f.name}</span>
          </label>
        ))}
        {folders.message ? (
          <p class="note shared-scope-missing">
            {locale === "en" ? folders.message : w("exchangeSharedScopeMissing")}
          </p>
        ) : null}
        {shared.length > 0 && (
          <ul class="shared-folders">
            {shared.map((f) => (
              <li key={f.id} data-folder-id={f.id}>
                <span>{w("exchangeSharedFolder", { name: f.name, owner: f.owner ?? "?" })}</span>{" "}
                <span class="muted small">
                  {locale === "en" && f.reason ? f.reason : w("exchangeSharedReason")}
                </span>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      {targets.length > 0 && (
        <label class="field">
          <span>{w("exchangeTarget")}</span>
          <select value={targetId ?? ""} onChange={(e) => setTarget(e.currentTarget.value)}>
            {targets.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {error !== null && <ErrorNote error={error} />}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t("save")}
        </button>
      </div>
    </form>
  );
}
