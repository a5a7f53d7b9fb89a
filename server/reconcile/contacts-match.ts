// R-X-10: which CRM person a new Exchange contact is, so that it merges instead of duplicating. Same
// email first, then same name and company, or same phone. A person already linked to another contact
// of the same mailbox is not matched: that contact is a duplicate in Exchange, imported as it is
// (R-X-9), and the user merges the two in Concilia when he wants.
import type { ContactFields } from "./contacts-types.js";

export interface MatchCandidate {
  personId: string;
  emails: string[];
  givenName: string;
  surname: string;
  companyName: string | null;
  phones: string[];
  /** Already linked to another contact of this connection. */
  linked: boolean;
}

export type MatchRule = "email" | "name-and-company" | "phone";

const fold = (s: string | null | undefined) =>
  (s ?? "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
/** Digits only, the last nine: "+34 600 11 22 33" and "600112233" are one number. */
export const phoneKey = (p: string) => p.replace(/\D/g, "").slice(-9);

export function matchContact(
  contact: ContactFields,
  candidates: readonly MatchCandidate[],
): { personId: string; rule: MatchRule } | null {
  const free = [...candidates].filter((c) => !c.linked).sort((a, b) => a.personId.localeCompare(b.personId));
  const emails = new Set(contact.emails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  const byEmail = free.find((c) => c.emails.some((e) => emails.has(e.toLowerCase())));
  if (byEmail) return { personId: byEmail.personId, rule: "email" };
  const name = fold(`${contact.givenName} ${contact.surname}`);
  const company = fold(contact.companyName);
  if (name && company) {
    const byName = free.find(
      (c) => fold(`${c.givenName} ${c.surname}`) === name && fold(c.companyName) === company,
    );
    if (byName) return { personId: byName.personId, rule: "name-and-company" };
  }
  const phones = new Set(
    [...contact.businessPhones, contact.mobilePhone ?? ""].map(phoneKey).filter((k) => k.length >= 6),
  );
  const byPhone = free.find((c) => c.phones.some((p) => phones.has(phoneKey(p))));
  if (byPhone) return { personId: byPhone.personId, rule: "phone" };
  return null;
}
