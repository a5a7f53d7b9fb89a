// R-X-11 for the kinds that keep no table of overwritten values (companies and leads): what a conflict
// overwrote is appended to the record's custom field `exchangeOverwritten`.
import type { Overwritten } from "../../reconcile/contacts-types.js";

/** `customFields` with `values` added after what earlier conflicts overwrote. */
export function withOverwritten(customFields: Record<string, unknown> | undefined, values: Overwritten[]) {
  const kept = Array.isArray(customFields?.exchangeOverwritten) ? customFields.exchangeOverwritten : [];
  return { ...customFields, exchangeOverwritten: [...kept, ...values] };
}
