// R-SB-7: accounts at identity providers (Microsoft Entra ID, Google) linked to a Concilia user.
import { z } from "zod";

export const identityProvider = z.enum(["entra", "google"]);

export const linkedIdentity = z.object({
  id: z.string(),
  provider: identityProvider,
  /** Entra's tenant id; empty for Google. */
  tenantId: z.string(),
  /** Entra's object id (oid), Google's subject (sub). */
  subject: z.string(),
  email: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type LinkedIdentity = z.infer<typeof linkedIdentity>;

const guid = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a GUID");

/** What an admin gives to link an account: the provider's stable ids, read from the account. */
export const identityLinkInput = z.discriminatedUnion("provider", [
  z.strictObject({ provider: z.literal("entra"), tenantId: guid, subject: guid }),
  z.strictObject({ provider: z.literal("google"), subject: z.string().trim().min(1).max(255) }),
]);
export type IdentityLinkInput = z.infer<typeof identityLinkInput>;
