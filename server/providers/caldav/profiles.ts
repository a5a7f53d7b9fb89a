// Where discovery starts for each kind of CalDAV account (R-CAL-10, reference §5.6): iCloud and Yahoo
// from their fixed service URLs (server/connections/profiles.ts, shared with their IMAP settings), any
// other server from the URL the user typed. iCloud moves each account to its own host (pNN-caldav…)
// during discovery; nothing here names those hosts.
import { appPasswordProfiles } from "../../connections/profiles.js";

export type CaldavProfileId = "icloud" | "yahoo" | "other";

export interface CaldavProfile {
  id: CaldavProfileId;
  name: string;
  /** Fixed for iCloud and Yahoo; null: the user gives the URL. */
  serverUrl: string | null;
  /** They accept only an app-specific password over Basic auth. */
  appPassword: boolean;
  /** The provider pushes nothing to third parties: changes are found by polling (R-P-2's fallback). */
  push: false;
}

export const caldavProfiles: Record<CaldavProfileId, CaldavProfile> = {
  icloud: {
    id: "icloud",
    name: appPasswordProfiles.icloud.name,
    serverUrl: appPasswordProfiles.icloud.caldavUrl,
    appPassword: true,
    push: false,
  },
  yahoo: {
    id: "yahoo",
    name: appPasswordProfiles.yahoo.name,
    serverUrl: appPasswordProfiles.yahoo.caldavUrl,
    appPassword: true,
    push: false,
  },
  other: { id: "other", name: "Other CalDAV server", serverUrl: null, appPassword: false, push: false },
};

/** The URL discovery starts from; "other" needs the user's URL. */
export function serverUrlFor(profile: CaldavProfileId, userUrl?: string | null): string {
  const fixed = caldavProfiles[profile].serverUrl;
  if (fixed) return fixed;
  if (!userUrl?.trim()) throw new Error("An Other CalDAV server account needs the server's URL.");
  const trimmed = userUrl.trim();
  // People type host names without a scheme; CalDAV with a password is https unless said otherwise.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}
