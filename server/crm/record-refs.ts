import { and, eq } from "drizzle-orm";
import { badRequest } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { companies, deals, leads, persons, type RecordType } from "../db/schema.js";
import { visibleTo } from "./access.js";
import { personVisible } from "./persons.js";

/** Refuses links to records that do not exist or that the user may not see. */
export async function assertRecordsVisible(
  db: Tx,
  user: AuthUser,
  links: { type: RecordType; id: string }[],
  dealId?: string | null,
): Promise<void> {
  for (const [i, l] of links.entries()) {
    const found =
      l.type === "person"
        ? await db
            .select({ id: persons.id })
            .from(persons)
            .where(and(eq(persons.id, l.id), personVisible(user)))
        : l.type === "company"
          ? await db
              .select({ id: companies.id })
              .from(companies)
              .where(and(eq(companies.id, l.id), visibleTo(user, "company", companies)))
          : await db
              .select({ id: leads.id })
              .from(leads)
              .where(and(eq(leads.id, l.id), visibleTo(user, "lead", leads)));
    if (!found.length)
      throw badRequest(`The ${l.type} ${l.id} was not found.`, [
        { path: `body.links.${i}`, message: "unknown record" },
      ]);
  }
  if (dealId) {
    const [d] = await db
      .select({ id: deals.id })
      .from(deals)
      .where(and(eq(deals.id, dealId), visibleTo(user, "deal", deals)));
    if (!d)
      throw badRequest(`Deal ${dealId} was not found.`, [{ path: "body.dealId", message: "unknown deal" }]);
  }
}
