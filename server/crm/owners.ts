import { inArray } from "drizzle-orm";
import type { UserRef } from "../../shared/api/common.js";
import type { Tx } from "../db/index.js";
import { users } from "../db/schema.js";

/** Owner references for a batch of records, in one query. */
export async function ownerRefs(db: Tx, ids: string[]): Promise<Map<string, UserRef>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(inArray(users.id, unique));
  return new Map(rows.map((r) => [r.id, r]));
}

export const unknownOwner = (id: string): UserRef => ({ id, name: "", email: "" });
