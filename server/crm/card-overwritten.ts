// R-X-11 on the sidebars' card: the values Exchange contact sync overwrote, for the people a message's
// context shows. Read in the same context request (R-SB-8), only when a person is on the card.
import { desc, inArray } from "drizzle-orm";
import type { Person } from "../../shared/api/records.js";
import type { Db } from "../db/index.js";
import { overwrittenValues } from "../db/schema.js";

type OverwrittenValue = Person["overwrittenValues"][number];

/** The overwritten values of these people, newest first, at most `perPerson` each. */
export async function overwrittenForCards(
  db: Db,
  personIds: string[],
  perPerson = 5,
): Promise<Map<string, OverwrittenValue[]>> {
  const out = new Map<string, OverwrittenValue[]>();
  if (!personIds.length) return out;
  const rows = await db
    .select()
    .from(overwrittenValues)
    .where(inArray(overwrittenValues.personId, personIds))
    .orderBy(desc(overwrittenValues.overwrittenAt), desc(overwrittenValues.id));
  for (const r of rows) {
    const list = out.get(r.personId) ?? [];
    if (list.length < perPerson)
      out.set(r.personId, [
        ...list,
        { field: r.field, oldValue: r.oldValue, source: r.source, at: r.overwrittenAt.toISOString() },
      ]);
  }
  return out;
}
