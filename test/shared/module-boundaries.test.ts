// Which folder may import which: the playground's Gmail preview runs the emulator through its one entry,
// and nothing the server or the Outlook pane load reaches into the add-on's sources, the tests or the
// emulator's parts.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .flatMap((e) =>
      e.isFile() && /\.tsx?$/.test(e.name) ? [path.relative(root, path.join(e.parentPath, e.name))] : [],
    );
}

/** Every relative module a file imports (static, re-exported or dynamic), as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]);
  return specs
    .filter((s) => s.startsWith("."))
    .map((s) => path.relative(root, path.resolve(root, path.dirname(file), s)).replace(/\.js$/, ".ts"));
}

const outside = (files: string[], test: (target: string) => boolean) =>
  files.flatMap((f) =>
    importsOf(f)
      .filter(test)
      .map((t) => `${f} -> ${t}`),
  );

describe("module boundaries", () => {
  const serverAndPane = [...sources("server"), ...sources("outlook-addin/src")];

  it("the server and the Outlook pane (playground included) import nothing from gmail-addon/ or test/", () => {
    expect(serverAndPane.length).toBeGreaterThan(50);
    expect(outside(serverAndPane, (t) => t.startsWith("gmail-addon/") || t.startsWith("test/"))).toEqual([]);
  });

  it("the server reaches dev/ only through the Gmail emulator's entry, from the dev-mode preview", () => {
    const uses = outside(serverAndPane, (t) => t.startsWith("dev/"));
    expect(uses).toEqual(["server/api/gmail-preview.ts -> dev/gmail-emulator/index.ts"]);
  });

  it("the server reaches emulators/ only from the dev-mode starter, and only through a dynamic import", () => {
    const uses = outside(serverAndPane, (t) => t.startsWith("emulators/"));
    expect([...new Set(uses)]).toEqual(["server/dev/emulators.ts -> emulators/dev-mode.ts"]);
    // A static import would load msw (a devDependency) in production, where `npm ci --omit=dev` has none.
    const text = fs.readFileSync(path.join(root, "server/dev/emulators.ts"), "utf8");
    expect(text).not.toMatch(/(?:from|import)\s+["'][^"']*emulators\//);
    expect(text).toMatch(/await import\("\.\.\/\.\.\/emulators\/dev-mode\.js"\)/);
  });

  it("the emulator's entry exports what the preview imports", async () => {
    const entry = await import("../../dev/gmail-emulator/index.js");
    for (const name of [
      "demoMessages",
      "startGmailAddon",
      "GmailSidebar",
      "renderCard",
      "formValuesFromPost",
    ])
      expect(typeof (entry as Record<string, unknown>)[name]).toBe("function");
  });
});
