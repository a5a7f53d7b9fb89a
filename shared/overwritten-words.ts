// R-X-11: the words of the card's "Changed by sync" section, one set for both sidebars: small, as the
// Outlook pane's first card carries them.
import type { Locale } from "./i18n.js";

const en = {
  changedBySync: "Changed by sync",
  changedBySyncLine: "{field}: “{old}”, {source}, replaced {when}",
  overwrittenSource_crm: "was in Concilia",
  overwrittenSource_exchange: "was in Exchange",
  emptyValue: "(empty)",
  field_givenName: "First name",
  field_surname: "Last name",
  field_emails: "Email addresses",
  field_businessPhones: "Phones",
  field_mobilePhone: "Mobile phone",
  field_companyName: "Company",
  field_jobTitle: "Job title",
  field_businessAddress: "Business address",
  field_homeAddress: "Home address",
};

export type OverwrittenWords = typeof en;

const es: OverwrittenWords = {
  changedBySync: "Cambiado por la sincronización",
  changedBySyncLine: "{field}: «{old}», {source}, sustituido {when}",
  overwrittenSource_crm: "estaba en Concilia",
  overwrittenSource_exchange: "estaba en Exchange",
  emptyValue: "(vacío)",
  field_givenName: "Nombre",
  field_surname: "Apellidos",
  field_emails: "Correos electrónicos",
  field_businessPhones: "Teléfonos",
  field_mobilePhone: "Móvil",
  field_companyName: "Compañía",
  field_jobTitle: "Cargo",
  field_businessAddress: "Dirección del trabajo",
  field_homeAddress: "Dirección particular",
};

const it: OverwrittenWords = {
  changedBySync: "Modificato dalla sincronizzazione",
  changedBySyncLine: "{field}: «{old}», {source}, sostituito {when}",
  overwrittenSource_crm: "era in Concilia",
  overwrittenSource_exchange: "era in Exchange",
  emptyValue: "(vuoto)",
  field_givenName: "Nome",
  field_surname: "Cognome",
  field_emails: "Indirizzi email",
  field_businessPhones: "Telefoni",
  field_mobilePhone: "Cellulare",
  field_companyName: "Azienda",
  field_jobTitle: "Ruolo",
  field_businessAddress: "Indirizzo di lavoro",
  field_homeAddress: "Indirizzo di casa",
};

export const overwrittenWords: Record<Locale, OverwrittenWords> = { en, es, it };

/** One overwritten value in the user's words: "Mobile phone: “+34 600…”, was in Exchange, replaced …". */
export function overwrittenLine(
  v: { field: string; oldValue: unknown; source: "crm" | "exchange"; at: string },
  words: OverwrittenWords,
  when: (iso: string) => string,
): string {
  const field = (words as Record<string, string>)[`field_${v.field}`] ?? v.field;
  const old = valueText(v.oldValue) || words.emptyValue;
  return words.changedBySyncLine
    .replace("{field}", field)
    .replace("{old}", old)
    .replace("{source}", words[`overwrittenSource_${v.source}`])
    .replace("{when}", when(v.at));
}

/** A value as stored: text, a list (emails, phones) or a postal address. */
function valueText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(valueText).filter(Boolean).join(", ");
  if (typeof v === "object")
    return Object.values(v as Record<string, unknown>)
      .map(valueText)
      .filter(Boolean)
      .join(", ");
  return String(v);
}
