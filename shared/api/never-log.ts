// R-MAIL-7: never-log lists (addresses and domains) and the workspace's internal domains, as the API
// takes and gives them. Entries are trimmed, lower-cased and deduplicated; a domain also covers its
// subdomains (`example.com` covers `mail.example.com`).
import { z } from "zod";

/** Entries a list may hold: enough for a workspace's partners, few enough to check on every message. */
export const MAX_NEVER_LOG_ENTRIES = 500;

const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DOMAIN = new RegExp(`^(?=.{1,253}$)(?:${label}\\.)+${label}$`);
const ADDRESS = /^[^@\s"<>(),;:\\[\]]{1,64}@(.+)$/;

export const isDomainEntry = (entry: string) => DOMAIN.test(entry);
export const isAddressEntry = (entry: string) => {
  const m = ADDRESS.exec(entry);
  return Boolean(m && DOMAIN.test(m[1]));
};

/** `@example.com` is taken as the domain `example.com`. */
const entry = z
  .string()
  .max(254, "at most 254 characters")
  .transform((s) => s.trim().toLowerCase().replace(/^@/, ""))
  .refine((s) => isAddressEntry(s) || isDomainEntry(s), {
    error: "must be an email address (ana@example.com) or a domain (example.com)",
  });

const domain = z
  .string()
  .max(253)
  .transform((s) => s.trim().toLowerCase().replace(/^@/, ""))
  .refine(isDomainEntry, { error: "must be a domain, e.g. example.com" });

const dedupe = (list: string[]) => [...new Set(list)].sort();

export const neverLogList = z.object({
  entries: z
    .array(entry)
    .max(MAX_NEVER_LOG_ENTRIES, `at most ${MAX_NEVER_LOG_ENTRIES} entries`)
    .transform(dedupe)
    .describe("Addresses and domains; a domain covers its subdomains"),
});
export type NeverLogList = z.output<typeof neverLogList>;

export const internalDomains = z.object({
  domains: z
    .array(domain)
    .max(100, "at most 100 domains")
    .transform(dedupe)
    .describe("The workspace's own domains: mail among these only is internal"),
});

export const internalDomainsAnswer = z.object({
  domains: z.array(z.string()),
  /** True when no admin set them: the domains of the users' addresses, free-mail domains left out. */
  isDefault: z.boolean(),
});

const named: [z.ZodType, string][] = [
  [neverLogList, "NeverLogList"],
  [internalDomainsAnswer, "InternalDomains"],
];
for (const [schema, id] of named) schema.register(z.globalRegistry, { id });
