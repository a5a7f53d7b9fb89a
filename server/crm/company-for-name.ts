// A person's company given by name, as the sidebars' create forms take it: the company of that name the
// user can see, or else a new one (owned by the user, with the person's mail domain unless free mail).
import { and, asc, sql } from "drizzle-orm";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { companies } from "../db/schema.js";
import { companyVisible, createCompany } from "./companies.js";
import { isFreeMailDomain } from "./free-mail.js";

export async function companyForName(
  db: Tx,
  user: AuthUser,
  name: string,
  emails: string[],
): Promise<string> {
  const wanted = name.trim();
  const [found] = await db
    .select({ id: companies.id })
    .from(companies)
    .where(and(sql`lower(${companies.name}) = ${wanted.toLowerCase()}`, companyVisible(user)))
    .orderBy(asc(companies.id))
    .limit(1);
  if (found) return found.id;
  const domain = emails
    .map((e) => e.split("@")[1]?.toLowerCase() ?? "")
    .find((d) => d && !isFreeMailDomain(d));
  const created = await createCompany(db, user, {
    name: wanted,
    domain: domain ?? null,
    emails: [],
    phones: [],
    customerStatus: "none",
    customFields: {},
  });
  return created.id;
}
