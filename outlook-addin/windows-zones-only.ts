// The pane needs one IANA zone per Windows zone name (shared/windows-zones.ts reads the entries of
// territory "001"), not windows-iana's 500 territory entries: this plugin hands the bundle a
// `windows-iana` holding only those, computed from the package's own table at build time.
import type { Plugin } from "vite";
import { WINDOWS_TO_IANA_MAP } from "windows-iana";

const VIRTUAL = "\0windows-iana-001";

export function windowsZonesOnly(): Plugin {
  return {
    name: "concilia-windows-zones-only",
    enforce: "pre",
    resolveId: (id) => (id === "windows-iana" ? VIRTUAL : null),
    load(id) {
      if (id !== VIRTUAL) return null;
      const pairs = WINDOWS_TO_IANA_MAP.filter((e) => e.territory === "001").map((e) => [
        e.windowsName,
        e.iana[0],
      ]);
      return `export const WINDOWS_TO_IANA_MAP = ${JSON.stringify(pairs)}.map(([windowsName, iana]) => ({ windowsName, territory: "001", iana: [iana] }));`;
    },
  };
}
