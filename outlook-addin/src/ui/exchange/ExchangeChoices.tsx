import { useEffect, useState } from "preact/hooks";
import type { Connection } from "../../../../shared/api/connections.js";
import type { ExchangeIntegrationDto } from "../../../../shared/api/exchange.js";
import type { Api } from "../../api/client.js";
import type { ExchangeCategoryChoices, ExchangeFolders } from "../../api/exchange.js";
import type { Mailbox } from "../../host/types.js";
import { useI18n } from "../../i18n/index.js";
import { Checks } from "../Checks.js";
import { ErrorNote } from "../ErrorNote.js";
import { Loading } from "../States.js";
import { useAction } from "../useAction.js";
import { ExchangeSignInAgain } from "./ExchangeSignInAgain.js";
import { useExchangeWords } from "./words.js";

interface Props {
  api: Api;
  mailbox: Mailbox;
  connection: Connection;
  integration: ExchangeIntegrationDto;
  onSaved(integration: ExchangeIntegrationDto): void;
}

/**
 * R-X-2, R-X-5: which of the mailbox's categories to import, which private folders to sync (shared
 * ones listed as not synced, with the reason) and where new CRM contacts go in Exchange. When the
 * connection lacks the permission to list shared folders, Sign in again asks Microsoft for it.
 */
export function ExchangeChoices({ api, mailbox, connection: c, integration: i, onSaved }: Props) {
  const { t, locale } = useI18n();
  const w = useExchangeWords();
  const [categories, setCategories] = useState<ExchangeCategoryChoices | null>(null);
  const [folders, setFolders] = useState<ExchangeFolders | null>(null);
  const [chosenCategories, setChosenCategories] = useState(new Set(i.categories));
  const [chosenFolders, setChosenFolders] = useState(new Set(i.folderIds));
  const [target, setTarget] = useState<string | null>(i.targetFolderId);
  const { busy, error, setError, run } = useAction();

  const load = () =>
    Promise.all([api.exchange.categories(i.connectionId), api.exchange.folders(i.connectionId)]).then(
      ([offered, listed]) => {
        setCategories(offered);
        setFolders(listed);
      },
      setError,
    );
  useEffect(() => {
    load();
  }, [i.connectionId]);

  const own = folders?.items.filter((f) => f.kind === "private") ?? [];
  const shared = folders?.items.filter((f) => f.kind === "shared") ?? [];
  const targets = own.filter((f) => chosenFolders.has(f.id));
  const targetId = target && chosenFolders.has(target) ? target : (targets[0]?.id ?? null);

  const save = (e: Event) => {
    e.preventDefault();
    run(async () =>
      onSaved(
        await api.exchange.update(i.connectionId, {
          categories: [...chosenCategories],
          folderIds: [...chosenFolders],
          targetFolderId: targetId,
        }),
      ),
    );
  };

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
        <Checks
          items={categories.items}
          idOf={(c) => c.name}
          labelOf={(c) => c.name}
          chosen={chosenCategories}
          onChange={setChosenCategories}
        />
      </fieldset>
      <fieldset class="folders">
        <legend>{w("exchangeFolders")}</legend>
        <Checks
          items={own}
          idOf={(f) => f.id}
          labelOf={(f) => f.name}
          chosen={chosenFolders}
          onChange={setChosenFolders}
        />
        {folders.message ? (
          <div class="note shared-scope-missing">
            <p>{locale === "en" ? folders.message : w("exchangeSharedScopeMissing")}</p>
            <ExchangeSignInAgain
              api={api}
              mailbox={mailbox}
              connection={c}
              label={w("exchangeSignInAgain")}
              onConnected={load}
            />
          </div>
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
