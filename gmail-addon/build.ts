// `npm run build:gmail -- --server https://crm.example.com`: bundles src/ into dist/Code.js (one
// script with top-level trigger and action functions, as Apps Script wants) and writes
// dist/appsscript.json with the server origin as the only urlFetchWhitelist entry (R-SB-8).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { appPasswordHelp } from "../shared/sync-words.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const GLOBAL = "__Concilia";

export interface BuildResult {
  dir: string;
  code: string;
  manifest: AppsScriptManifest;
  /** The functions Code.js declares at top level. */
  functions: string[];
}

export interface AppsScriptManifest {
  oauthScopes: string[];
  urlFetchWhitelist: string[];
  addOns: any;
  [key: string]: unknown;
}

/** `https://host[:port]` of the server; Apps Script fetches only HTTPS. */
export function serverOrigin(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error(`--server must be a URL such as https://crm.example.com (got "${input}").`);
  }
  if (url.protocol !== "https:")
    throw new Error(`--server must be an https:// URL: Apps Script fetches only HTTPS.`);
  if (url.pathname !== "/" || url.search || url.hash)
    throw new Error(`--server must be an origin without a path (got "${input}").`);
  return url.origin;
}

export async function buildGmailAddon(opts: { server: string; outDir?: string }): Promise<BuildResult> {
  const origin = serverOrigin(opts.server);
  const dir = path.resolve(opts.outDir ?? path.join(here, "dist"));
  fs.mkdirSync(dir, { recursive: true });
  let functions: string[] = [];
  // Loaded on use: the dev server imports this module but builds only when the preview is opened.
  const { build } = await import("rolldown");
  const out = await build({
    input: path.join(here, "src/main.ts"),
    tsconfig: path.join(here, "tsconfig.json"),
    platform: "neutral",
    transform: {
      target: "es2019",
      define: { __CONCILIA_SERVER__: JSON.stringify(origin) },
    },
    write: false,
    output: {
      format: "iife",
      name: GLOBAL,
      // Apps Script finds callbacks by global function name; an IIFE's exports are not enough.
      footer: (chunk) => {
        functions = [...chunk.exports].sort();
        return functions.map((f) => `function ${f}(e) { return ${GLOBAL}.${f}(e); }`).join("\n");
      },
    },
  });
  const code = out.output[0].code;
  const manifest = JSON.parse(
    fs.readFileSync(path.join(here, "appsscript.json"), "utf8"),
  ) as AppsScriptManifest;
  manifest.urlFetchWhitelist = [`${origin}/`];
  // The sign-in page opens from the error card (R-SB-7), the provider sign-in (through Concilia's
  // page that goes on to the provider) and the app-password help from the sync card (R-CON-8,
  // R-CON-3): links outside Google must be allowlisted too.
  manifest.addOns.common.openLinkUrlPrefixes = [`${origin}/`, ...Object.values(appPasswordHelp)];
  fs.writeFileSync(path.join(dir, "Code.js"), code);
  fs.writeFileSync(path.join(dir, "appsscript.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, code, manifest, functions };
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = argValue(process.argv.slice(2), "--server") ?? process.env.CONCILIA_PUBLIC_URL;
  if (!server) {
    console.error("Usage: npm run build:gmail -- --server https://crm.example.com");
    process.exit(2);
  }
  try {
    const r = await buildGmailAddon({ server, outDir: argValue(process.argv.slice(2), "--out") });
    console.log(
      `Built ${path.relative(process.cwd(), r.dir)}/Code.js (${r.code.length} bytes, ${r.functions.length} functions)`,
    );
    console.log(`urlFetchWhitelist: ${r.manifest.urlFetchWhitelist.join(", ")}`);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
