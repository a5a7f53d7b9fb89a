// Registers the Graph contact port as the "microsoft" provider's address book (server/sync/contacts/
// port-factory.ts): the sync session and the integration's routes reach the mailbox through GRAPH_URL
// with the connection's access token (the mail session's token cache), and stop with the step.
import type { Config } from "../../config.js";
import { registerContactsPort } from "../../sync/contacts/port-factory.js";
import { stepRetry } from "../http.js";
import { oauthAccessToken } from "../oauth-access.js";
import type { SharedFolderRef } from "./contacts-folders.js";
import { graphContactsPort } from "./contacts-port.js";

/**
 * The CRM fields kept in our extended properties. None today: every field the sync carries
 * (names, emails, phones, mobile, company, job title, business and home address) has an Exchange
 * property, the kind and status travel as categories (R-CAT-1), and emails past the third or phones past
 * the second are cut at Exchange (§2.2) while the CRM keeps them. A CRM field added to the sync without an
 * Exchange place is named here so that it is written to and read back from the contact.
 */
export const CRM_ONLY_FIELDS: string[] = [];

/**
 * EXCHANGE_SHARED_CONTACT_FOLDERS ("owner/folderId,…"): folders other users shared, listed as not synced
 * (R-X-5). Graph cannot list what was shared with a user, so an administrator names them; one a mailbox
 * cannot open is left out of its list.
 */
export function sharedFoldersOf(config: Pick<Config, "EXCHANGE_SHARED_CONTACT_FOLDERS">): SharedFolderRef[] {
  return (config.EXCHANGE_SHARED_CONTACT_FOLDERS ?? []).map(([owner, folderId]) => ({ owner, folderId }));
}

registerContactsPort("microsoft", (ctx) =>
  graphContactsPort({
    baseUrl: ctx.config.GRAPH_URL,
    accessToken: oauthAccessToken(ctx),
    signal: ctx.signal,
    retry: stepRetry(ctx.config, ctx.signal),
    extraFields: CRM_ONLY_FIELDS,
    sharedFolders: sharedFoldersOf(ctx.config),
  }),
);
