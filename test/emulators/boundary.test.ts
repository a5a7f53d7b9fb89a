import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** The emulators serve tests, benchmarks and the playground; production code must not reach them. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(path);
    return /\.(ts|tsx|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

describe("emulator boundary", () => {
  it("no file under server/ or shared/ imports emulators/", () => {
    const offenders = [...sources("server"), ...sources("shared")].filter((file) =>
      /from\s+["'][^"']*emulators\//.test(readFileSync(file, "utf8")),
    );
    expect(offenders).toEqual([]);
  });

  it("server/ loads emulators/ only with a dynamic import, from the dev-mode starter (server/dev/emulators.ts)", () => {
    const loaders = sources("server").filter((file) =>
      /import\s*\(\s*["'][^"']*emulators\//.test(readFileSync(file, "utf8")),
    );
    expect(loaders).toEqual([join("server", "dev", "emulators.ts")]);
  });
});
