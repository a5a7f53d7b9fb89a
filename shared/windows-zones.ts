// Windows time-zone names ("Romance Standard Time"), as Outlook and Graph give them, mapped to IANA
// zones with CLDR's table (the windows-iana package), for the server and the Outlook pane alike
// (R-ACT-5). Each Windows name maps to CLDR's zone for territory "001", the zone that represents it.
// Only the table is imported: its alias list and look-up functions stay out of the pane's bundle.
import { WINDOWS_TO_IANA_MAP } from "windows-iana";
import { isTimeZone } from "./zoned-time.js";

let table: Map<string, string> | undefined;

function windowsTable(): Map<string, string> {
  if (!table) {
    table = new Map();
    for (const entry of WINDOWS_TO_IANA_MAP)
      if (entry.territory === "001") table.set(entry.windowsName.toLowerCase(), entry.iana[0]);
  }
  return table;
}

/** The IANA zone of a Windows zone name, or null for a name CLDR does not know. */
export function ianaFromWindows(name: string): string | null {
  return windowsTable().get(name.trim().toLowerCase()) ?? null;
}

/**
 * The IANA zone a client meant: an IANA name the runtime knows, as given, else a Windows name mapped.
 * Null for anything else (a typo, Graph's `tzone://Microsoft/Custom`), which callers refuse or replace.
 */
export function resolveTimeZone(name: string): string | null {
  const trimmed = name.trim();
  return isTimeZone(trimmed) ? trimmed : ianaFromWindows(trimmed);
}
