// Builds the add-on (the real build, into a temporary folder) and loads Code.js into an AddonHost.
import os from "node:os";
import path from "node:path";
import { type BuildResult, buildGmailAddon } from "../../gmail-addon/build.js";
import { AddonHost, routeOrigin } from "./addon-host.js";
import type { Manifest } from "./apps-script.js";
import { type DemoMessage, demoMessages } from "./demo-messages.js";

/** The origin the test bundle is built for; the host routes it to the loopback server. */
export const ADDON_ORIGIN = "https://crm.example.com";

const builds = new Map<string, Promise<BuildResult>>();

export function builtAddon(origin = ADDON_ORIGIN): Promise<BuildResult> {
  let b = builds.get(origin);
  if (!b) {
    b = buildGmailAddon({
      server: origin,
      outDir: path.join(os.tmpdir(), `concilia-gmail-${process.pid}-${builds.size}`),
    });
    builds.set(origin, b);
  }
  return b;
}

export async function startGmailAddon(opts: {
  /** Where the origin's requests go (e.g. the test server's URL); null: unreachable. */
  target: () => string | null;
  messages?: DemoMessage[];
  /** Change the built manifest (e.g. drop a scope) to see how the add-on copes. */
  manifest?: (m: Manifest) => Manifest;
}): Promise<AddonHost> {
  const built = await builtAddon();
  const manifest = structuredClone(built.manifest) as Manifest;
  return AddonHost.start({
    code: built.code,
    manifest: opts.manifest ? opts.manifest(manifest) : manifest,
    messages: opts.messages ?? demoMessages(),
    router: routeOrigin(ADDON_ORIGIN, opts.target),
  });
}
