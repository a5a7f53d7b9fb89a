// Outlook reports the mailbox zone as a Windows name ("Romance Standard Time"); events need IANA (R-ACT-5).
// The mapping is CLDR's, shared with the server (shared/windows-zones.ts); a name it does not know
// falls back to the browser's zone, which is the same machine's setting in nearly every case.
import { resolveTimeZone } from "../../../shared/windows-zones.js";

export function ianaZone(name: string | undefined | null): string {
  return (name && resolveTimeZone(name)) || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
