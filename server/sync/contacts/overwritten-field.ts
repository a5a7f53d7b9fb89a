// R-X-11 for the kinds that keep no table of overwritten values (companies and leads): what a conflict
// overwrote is appended to the record's custom field `exchangeOverwritten`.
import { eq } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import type { companies, leads } from "../../db/schema.js";
import type { Overwritten } from "../../reconcile/contacts-types.js";

/** `customFields` with `values` added after what earlier conflicts overwrote. */
function withOverwritten(customFields: Record<string, unknown> | undefined, values: Overwritten[]) {
  const kept = Array.isArray(customFields?.exchangeOverwritten) ? customFields.exchangeOverwritten : [];
  return { ...customFields, exchangeOverwritten: [...kept, ...values] };
}

/** Appends `values` to the `exchangeOverwritten` custom field of record `id` of `table`. */
export async function keepOverwrittenIn(
  tx: Tx,
  table: typeof companies | typeof leads,
  id: string,
  values: Overwritten[],
) {
  if (!values.length) return;
  const [now] = await tx.select({ customFields: table.customFields }).from(table).where(eq(table.id, id));
  await tx
    .update(table)
    .set({ customFields: withOverwritten(now?.customFields, values) })
    .where(eq(table.id, id));
}
