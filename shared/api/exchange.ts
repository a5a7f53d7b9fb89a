// R-X: the Exchange contact integration of a Microsoft connection, as the API takes and gives it.
import { z } from "zod";
import { locales } from "../i18n.js";

export const exchangeIntegration = z.object({
  connectionId: z.string(),
  /** Deactivated integrations keep their settings and links: activating again goes on where it stood. */
  enabled: z.boolean(),
  /** The language of the seven Concilia categories in Exchange, fixed at activation (R-X-4). */
  language: z.enum(locales),
  /** R-X-2: contacts in these Exchange categories are imported. */
  categories: z.array(z.string()),
  /** R-X-5: the private contact folders synced. */
  folderIds: z.array(z.string()),
  /** Where CRM contacts missing in Exchange are created (R-X-3); null: the first synced folder. */
  targetFolderId: z.string().nullable(),
  activatedAt: z.string(),
  /**
   * Microsoft permissions the connection still lacks to sync (Contacts.ReadWrite, MailboxSettings.ReadWrite):
   * sign in again with POST /api/v1/connections/oauth/start and this connection's id to grant them (that
   * sign-in also asks for Contacts.Read.Shared on a server naming shared folders; its lack only keeps
   * those folders out of the folder list, which says so).
   */
  consentNeeded: z.array(z.string()),
});
export type ExchangeIntegrationDto = z.infer<typeof exchangeIntegration>;

export const exchangeActivateInput = z.strictObject({ language: z.enum(locales) });

export const exchangeSettingsPatch = z.strictObject({
  categories: z.array(z.string().min(1).max(255)).max(100).optional(),
  folderIds: z.array(z.string().min(1).max(500)).max(100).optional(),
  targetFolderId: z.string().min(1).max(500).nullable().optional(),
});

/** R-X-2: the mailbox's categories to choose from (ours are not offered: they are filed automatically). */
export const exchangeCategoryChoices = z.object({
  items: z.array(z.object({ name: z.string(), color: z.string(), chosen: z.boolean() })),
  /** Plain words when the mailbox has no category of its own: what that means and how to make one. */
  message: z.string().nullable(),
});

/** R-X-5: the mailbox's contact folders; shared ones are listed, marked not synced, with the reason. */
export const exchangeFolders = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(["private", "shared"]),
      owner: z.string().nullable(),
      synced: z.boolean(),
      reason: z.string().nullable(),
    }),
  ),
  /**
   * Plain words when folders other people shared cannot be listed because the connection lacks the
   * Microsoft permission Contacts.Read.Shared (asked for only when the server names shared folders).
   */
  message: z.string().nullable(),
});

const named: [z.ZodType, string][] = [
  [exchangeIntegration, "ExchangeIntegration"],
  [exchangeActivateInput, "ExchangeActivateInput"],
  [exchangeSettingsPatch, "ExchangeSettingsPatch"],
  [exchangeCategoryChoices, "ExchangeCategoryChoices"],
  [exchangeFolders, "ExchangeFolders"],
];
for (const [schema, id] of named) schema.register(z.globalRegistry, { id });
