import { useEffect, useId, useState } from "preact/hooks";
import type { ContextEntry } from "../../../shared/api/context.js";
import type { SearchResult } from "../../../shared/api/records.js";
import type { Api } from "../api/client.js";
import { useI18n } from "../i18n/index.js";
import { CompanyField, type CompanyOption } from "./CompanyField.js";
import { ErrorNote } from "./ErrorNote.js";
import { Field } from "./Field.js";
import { RecordSearch } from "./RecordSearch.js";

type Unknown = Extract<ContextEntry, { status: "unknown" }>;

/**
 * R-SB-2: an address not in the CRM: Create contact (with its company: one picked from the CRM, or a
 * new name that the server creates) / Create lead, prefilled from the message; or the address is
 * added to an existing person or company found by search.
 */
export function UnknownSender({
  entry,
  api,
  companies,
  onSaved,
}: {
  entry: Unknown;
  api: Api;
  /** CRM companies among the message's participants, offered first (as Gmail does). */
  companies: CompanyOption[];
  onSaved(notice: string): void;
}) {
  const { t } = useI18n();
  const s = entry.suggestion;
  const [kind, setKind] = useState<"person" | "lead" | "existing" | null>(null);
  const [firstName, setFirstName] = useState(s.firstName);
  const [lastName, setLastName] = useState(s.lastName);
  const [title, setTitle] = useState("");
  const [companyName, setCompanyName] = useState(s.companyName ?? companies[0]?.name ?? "");
  const [company, setCompany] = useState<CompanyOption | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const display = entry.displayName || entry.address;
  const formTitle = useId();
  useEffect(() => setError(null), [kind]);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const base = { firstName, lastName, title: title || null, emails: [entry.address] };
    const name = companyName.trim() || null;
    try {
      if (kind === "lead") await api.createLead({ ...base, companyName: name });
      else
        await api.createPerson({
          ...base,
          // A company picked from the list goes by id; a typed name is found or created by the server.
          ...(company ? { companyId: company.id } : { companyName: name }),
        });
      onSaved(t("created", { name: `${firstName} ${lastName}`.trim() || entry.address }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  async function addTo(type: SearchResult["type"], id: string, name: string) {
    setBusy(true);
    setError(null);
    try {
      await api.addEmail(type, id, entry.address);
      onSaved(t("addedTo", { address: entry.address, name }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <article class="card unknown" aria-labelledby="unknown-name">
      <header class="card-head">
        <h2 id="unknown-name">{display}</h2>
      </header>
      <p class="muted">{entry.address}</p>
      <p>{t("unknownSender", { name: display })}</p>
      {kind === null && (
        <div class="actions">
          <button type="button" class="primary" onClick={() => setKind("person")}>
            {t("createContact")}
          </button>
          <button type="button" onClick={() => setKind("lead")}>
            {t("createLead")}
          </button>
          <button type="button" onClick={() => setKind("existing")}>
            {t("addToExisting")}
          </button>
        </div>
      )}
      {kind === "existing" && (
        <section class="form add-existing" aria-labelledby={formTitle}>
          <h3 id={formTitle}>{t("addToExisting")}</h3>
          <RecordSearch
            api={api}
            label={t("findRecord")}
            types={["person", "company"]}
            initialQuery={entry.displayName ?? ""}
            action={(r) =>
              r.type !== "lead" && (
                <button type="button" disabled={busy} onClick={() => addTo(r.type, r.id, r.name)}>
                  {t("addTo", { name: r.name })}
                </button>
              )
            }
          />
          {error !== null && <ErrorNote error={error} />}
          <div class="actions">
            <button type="button" onClick={() => setKind(null)} disabled={busy}>
              {t("cancel")}
            </button>
          </div>
        </section>
      )}
      {(kind === "person" || kind === "lead") && (
        <form
          class="form"
          onSubmit={submit}
          aria-label={kind === "lead" ? t("createLead") : t("createContact")}
        >
          <Field label={t("firstName")} name="firstName" value={firstName} onInput={setFirstName} />
          <Field label={t("lastName")} name="lastName" value={lastName} onInput={setLastName} />
          <Field
            label={t("email")}
            name="email"
            type="email"
            value={entry.address}
            onInput={() => {}}
            readOnly
          />
          <Field label={t("jobTitle")} name="title" value={title} onInput={setTitle} />
          {kind === "lead" ? (
            <Field label={t("companyName")} name="companyName" value={companyName} onInput={setCompanyName} />
          ) : (
            <CompanyField
              api={api}
              value={companyName}
              offered={companies}
              onChange={(name, picked) => {
                setCompanyName(name);
                setCompany(picked);
              }}
            />
          )}
          {error !== null && <ErrorNote error={error} />}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t("saving") : t("save")}
            </button>
            <button type="button" onClick={() => setKind(null)} disabled={busy}>
              {t("cancel")}
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
