// R-SB-2: create a contact or a lead from an unknown address, prefilled from the message.
import type { ContextEntry } from "../../../shared/api/context.js";
import type { I18n } from "../i18n.js";
import { action, button, buttons, header, section } from "./widgets.js";

export type RecordKind = "person" | "lead";

export interface Prefill {
  address: string;
  firstName: string;
  lastName: string;
  companyName: string;
}

export function prefillFor(p: ContextEntry | undefined, address: string): Prefill {
  if (p?.status === "unknown")
    return {
      address,
      firstName: p.suggestion.firstName,
      lastName: p.suggestion.lastName,
      companyName: p.suggestion.companyName ?? "",
    };
  return { address, firstName: "", lastName: "", companyName: "" };
}

function input(name: string, title: string, value: string) {
  return CardService.newTextInput().setFieldName(name).setTitle(title).setValue(value);
}

/**
 * `companies`: CRM companies seen among the message's participants, suggested for a new person's
 * company (prefilled with the one the address's domain suggests, else the first of these).
 */
export function recordFormCard(
  kind: RecordKind,
  fill: Prefill,
  companies: { id: string; name: string }[],
  params: Record<string, string>,
  t: I18n["t"],
): GoogleAppsScript.Card_Service.Card {
  const form = section()
    .addWidget(input("firstName", t("firstName"), fill.firstName))
    .addWidget(input("lastName", t("lastName"), fill.lastName))
    .addWidget(input("email", t("email"), fill.address));
  if (kind === "lead") form.addWidget(input("companyName", t("companyName"), fill.companyName));
  else {
    form.addWidget(input("title", t("jobTitle"), ""));
    // The company by name, as in Outlook: the server links the CRM company of that name, or creates it.
    const company = input("companyName", t("company"), fill.companyName || companies[0]?.name || "").setHint(
      t("companyHint"),
    );
    if (companies.length > 0)
      company.setSuggestions(CardService.newSuggestions().addSuggestions(companies.map((c) => c.name)));
    form.addWidget(company);
  }
  form.addWidget(buttons(button(t("save"), action("createRecord", { ...params, kind }), true)));
  return CardService.newCardBuilder()
    .setHeader(header(kind === "lead" ? t("newLead") : t("newContact")))
    .addSection(form)
    .build();
}
