import { useState } from "preact/hooks";
import type { ContextEntry } from "../../../shared/api/context.js";
import type { Api } from "../api/client.js";
import { useI18n } from "../i18n/index.js";
import { ErrorNote } from "./ErrorNote.js";
import { Field } from "./Field.js";

type Unknown = Extract<ContextEntry, { status: "unknown" }>;

/** R-SB-2: an address not in the CRM, with Create contact / Create lead prefilled from the message. */
export function UnknownSender({
  entry,
  api,
  onCreated,
}: {
  entry: Unknown;
  api: Api;
  onCreated(name: string): void;
}) {
  const { t } = useI18n();
  const s = entry.suggestion;
  const [kind, setKind] = useState<"person" | "lead" | null>(null);
  const [firstName, setFirstName] = useState(s.firstName);
  const [lastName, setLastName] = useState(s.lastName);
  const [title, setTitle] = useState("");
  const [companyName, setCompanyName] = useState(s.companyName ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const display = entry.displayName || entry.address;

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const base = { firstName, lastName, title: title || null, emails: [entry.address] };
    try {
      if (kind === "lead") await api.createLead({ ...base, companyName: companyName || null });
      else await api.createPerson(base);
      onCreated(`${firstName} ${lastName}`.trim() || entry.address);
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
      {kind === null ? (
        <div class="actions">
          <button type="button" class="primary" onClick={() => setKind("person")}>
            {t("createContact")}
          </button>
          <button type="button" onClick={() => setKind("lead")}>
            {t("createLead")}
          </button>
        </div>
      ) : (
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
          {kind === "lead" && (
            <Field label={t("companyName")} name="companyName" value={companyName} onInput={setCompanyName} />
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
