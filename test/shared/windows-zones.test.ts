// Windows zone names, as Outlook and Graph give them, map to IANA zones with CLDR's table, the same
// way on the server, in the pane's host code and in the pane's bundle (which carries only the table's
// "001" entries, outlook-addin/windows-zones-only.ts).
import type { Plugin } from "vite";
import { describe, expect, it } from "vitest";
import { WINDOWS_TO_IANA_MAP } from "windows-iana";
import { ianaZone } from "../../outlook-addin/src/host/time-zone.js";
import { windowsZonesOnly } from "../../outlook-addin/windows-zones-only.js";
import { ianaFromWindows, resolveTimeZone } from "../../shared/windows-zones.js";

const expected: [string, string][] = [
  ["Romance Standard Time", "Europe/Paris"],
  ["W. Europe Standard Time", "Europe/Berlin"],
  ["Pacific Standard Time", "America/Los_Angeles"],
  ["India Standard Time", "Asia/Calcutta"],
  ["Line Islands Standard Time", "Pacific/Kiritimati"],
  ["Chatham Islands Standard Time", "Pacific/Chatham"],
  ["Aus Central W. Standard Time", "Australia/Eucla"],
  ["Hawaiian Standard Time", "Pacific/Honolulu"],
];

async function paneTable(): Promise<{ windowsName: string; iana: string[] }[]> {
  const plugin = windowsZonesOnly() as Plugin & {
    resolveId: (id: string) => string | null;
    load: (id: string) => string | null;
  };
  const id = plugin.resolveId("windows-iana");
  const code = plugin.load(id!);
  const mod = await import(`data:text/javascript,${encodeURIComponent(code!)}`);
  return mod.WINDOWS_TO_IANA_MAP;
}

describe("Windows zone names", () => {
  it.each(expected)("R-ACT-5: '%s' is %s on the server and in the pane", (windows, iana) => {
    expect(ianaFromWindows(windows)).toBe(iana);
    expect(resolveTimeZone(windows)).toBe(iana);
    expect(ianaZone(windows)).toBe(iana);
  });

  it("R-ACT-5: the pane's bundle maps every Windows name as the server does, with a table a fraction of the package's", async () => {
    const table = await paneTable();
    const names = [...new Set(WINDOWS_TO_IANA_MAP.map((e) => e.windowsName))];
    expect(table.map((e) => e.windowsName).sort()).toEqual(names.sort());
    for (const e of table) expect(e.iana[0], e.windowsName).toBe(ianaFromWindows(e.windowsName));
    expect(table.length).toBeLessThan(WINDOWS_TO_IANA_MAP.length / 3);
  });

  it("R-ACT-5: IANA names pass as given; unknown names are refused on the server, and the pane falls back to the machine's zone", () => {
    expect(resolveTimeZone("Europe/Madrid")).toBe("Europe/Madrid");
    expect(resolveTimeZone("UTC")).toBe("UTC");
    expect(resolveTimeZone("Mars/Olympus_Mons")).toBeNull();
    expect(resolveTimeZone("tzone://Microsoft/Custom")).toBeNull();
    expect(ianaZone("Customized Time Zone")).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
