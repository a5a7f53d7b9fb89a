// manifest.xml is checked offline here (Microsoft's validator is a web service): structure, resources,
// URLs and requirement sets; then as the server serves it, with the deployment's origin filled in.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANIFEST_ORIGIN } from "../../server/api/addin.js";
import { startTestServer, type TestServer } from "../harness/app.js";
import { ensurePaneBuilt } from "./pane-harness.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const source = fs.readFileSync(path.join(root, "manifest.xml"), "utf8");

interface Node {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: Node[];
}

/** The manifest as a plain tree (element names without namespace prefixes). */
function parse(xml: string): Node {
  const raw = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    preserveOrder: true,
    trimValues: true,
  }).parse(xml);
  const toNode = (entry: any): Node | null => {
    const key = Object.keys(entry).find((k) => k !== ":@");
    if (!key || key === "?xml" || key === "#comment") return null;
    if (key === "#text") return { name: "#text", attrs: {}, text: String(entry[key]), children: [] };
    const children = (entry[key] as any[]).map(toNode).filter((n): n is Node => n !== null);
    return {
      name: key.replace(/^\w+:/, ""),
      attrs: entry[":@"] ?? {},
      text: children
        .filter((c) => c.name === "#text")
        .map((c) => c.text)
        .join(""),
      children: children.filter((c) => c.name !== "#text"),
    };
  };
  return raw.map(toNode).find((n: Node | null) => n?.name === "OfficeApp");
}

const all = (n: Node): Node[] => [n, ...n.children.flatMap(all)];
const find = (n: Node, name: string) => all(n).filter((c) => c.name === name);

/** Every URL the host loads (api:// is an identifier of the SSO app, not a location). */
function urlsOf(tree: Node): string[] {
  const located = (v: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v) && !v.startsWith("api://");
  return all(tree).flatMap((n) => [
    ...Object.entries(n.attrs)
      .filter(([k, v]) => !k.startsWith("xmlns") && located(v))
      .map(([, v]) => v),
    ...(located(n.text) ? [n.text] : []),
  ]);
}

describe("manifest.xml", () => {
  const tree = parse(source);

  it("R-SB-1: is a mail add-in with a GUID Id, a read surface for messages on desktop and mobile, and a pinnable task pane", () => {
    expect(tree.attrs["xsi:type"]).toBe("MailApp");
    expect(find(tree, "Id")[0].text).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i,
    );
    const rule = find(tree, "Rule").find((r) => r.attrs["xsi:type"] === "ItemIs");
    expect(rule?.attrs).toMatchObject({ ItemType: "Message", FormType: "Read" });
    const surface = find(tree, "ExtensionPoint").map((e) => e.attrs["xsi:type"]);
    expect(surface).toEqual(["MessageReadCommandSurface", "MobileMessageReadCommandSurface"]);
    // Pinning is a desktop feature; the mobile button opens the same pane.
    expect(find(tree, "SupportsPinning").map((n) => n.text)).toEqual(["true"]);
    const mobileIcons = find(tree, "Icon").find((i) => i.attrs["xsi:type"] === "bt:MobileIconList");
    const sizes = find(mobileIcons!, "Image").map((i) => `${i.attrs.size}@${i.attrs.scale}`);
    expect(sizes).toEqual(["25@1", "25@2", "25@3", "32@1", "32@2", "32@3", "48@1", "48@2", "48@3"]);
    expect(find(tree, "SupportsSharedFolders").map((n) => n.text)).toEqual(["true"]);
  });

  it("R-SB-6: declares an honest minimum Mailbox requirement set, the same at both levels", () => {
    const set = find(tree, "Set").find((s) => s.attrs.MinVersion);
    expect(set?.attrs).toEqual({ Name: "Mailbox", MinVersion: "1.5" });
    const sets = find(tree, "Sets").find((s) => s.attrs.DefaultMinVersion);
    expect(sets?.attrs.DefaultMinVersion).toBe("1.5");
    expect(find(sets!, "Set").map((s) => s.attrs.Name)).toEqual(["Mailbox"]);
  });

  it("every resid resolves and no resource is unused", () => {
    const resources = find(tree, "Resources")[0];
    const defined = all(resources)
      .filter((n) => n.attrs.id)
      .map((n) => n.attrs.id);
    const used = all(tree)
      .filter((n) => n.attrs.resid)
      .map((n) => n.attrs.resid);
    expect(new Set(defined).size).toBe(defined.length);
    expect([...new Set(used)].sort()).toEqual([...defined].sort());
    for (const id of defined) expect(id.length).toBeLessThanOrEqual(32);
  });

  it("R-SB-8: every URL is https on one origin, the pane URL is versioned and the icons exist", () => {
    const urls = urlsOf(tree);
    expect(urls.length).toBeGreaterThan(8);
    expect(new Set(urls.map((u) => new URL(u).origin))).toEqual(new Set([MANIFEST_ORIGIN]));
    const version = find(tree, "Version")[0].text;
    const pane = find(tree, "Url").find((u) => u.attrs.id === "Taskpane.Url")!.attrs.DefaultValue;
    expect(new URL(pane).searchParams.get("v")).toBe(version);
    expect(find(tree, "SourceLocation").find((s) => s.attrs.DefaultValue)?.attrs.DefaultValue).toBe(pane);
    for (const u of urls.filter((u) => u.endsWith(".png")))
      expect(
        fs.existsSync(path.join(root, "outlook-addin/public", new URL(u).pathname.replace("/addin/", ""))),
        u,
      ).toBe(true);
  });

  it("R-SB-6: every string has English, Spanish and Italian", () => {
    const strings = [
      ...find(tree, "DisplayName"),
      ...find(tree, "Description").filter((d) => d.attrs.DefaultValue),
      ...find(tree, "String"),
    ];
    expect(strings.length).toBeGreaterThanOrEqual(5);
    for (const s of strings) {
      expect(s.attrs.DefaultValue?.trim().length ?? 0).toBeGreaterThan(0);
      expect(
        find(s, "Override")
          .map((o) => o.attrs.Locale)
          .sort(),
      ).toEqual(["es-ES", "it-IT"]);
    }
  });

  it("office-addin-manifest reads it", () => {
    // The pinned devDependency, run from node_modules: the test downloads nothing.
    const bin = path.join(root, "node_modules", ".bin", "office-addin-manifest");
    const out = execFileSync(bin, ["info", path.join(root, "manifest.xml")], {
      encoding: "utf8",
      cwd: root,
      timeout: 60_000,
    });
    expect(out).toContain("Type: MailApp");
    expect(out).toContain(`Id: ${find(tree, "Id")[0].text}`);
  });
});

describe("the server's /addin/", () => {
  let s: TestServer;
  beforeAll(async () => {
    ensurePaneBuilt();
    s = await startTestServer({
      env: {
        CONCILIA_PUBLIC_URL: "https://crm.acme.test/",
        CONCILIA_DEV: "0",
        ENTRA_CLIENT_IDS: "0f1e2d3c-aaaa-4bbb-8ccc-123456789abc",
        ENTRA_TENANT_IDS: "organizations",
      },
    });
  });
  afterAll(() => s?.close());

  it("R-SB-8: serves the manifest with the deployment's origin everywhere and Office SSO details", async () => {
    const res = await s.app.inject({ method: "GET", url: "/addin/manifest.xml" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("xml");
    const tree = parse(res.body);
    expect(new Set(urlsOf(tree).map((u) => new URL(u).origin))).toEqual(new Set(["https://crm.acme.test"]));
    expect(res.body).not.toContain(MANIFEST_ORIGIN);
    const info = find(tree, "WebApplicationInfo")[0];
    expect(find(info, "Resource")[0].text).toBe("api://crm.acme.test/0f1e2d3c-aaaa-4bbb-8ccc-123456789abc");
  });

  it("serves the built pane, caches hashed assets for good, and hides the playground outside dev mode", async () => {
    const page = await s.app.inject({ method: "GET", url: "/addin/index.html?v=1.0.0.0" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["cache-control"]).toBe("no-cache");
    const asset = /src="(\/addin\/assets\/[^"]+\.js)"/.exec(page.body)![1];
    const js = await s.app.inject({ method: "GET", url: asset });
    expect(js.statusCode).toBe(200);
    expect(js.headers["cache-control"]).toContain("immutable");
    expect((await s.app.inject({ method: "GET", url: "/addin/../package.json" })).statusCode).toBe(404);
    expect((await s.app.inject({ method: "GET", url: "/addin/%2e%2e/package.json" })).statusCode).toBe(404);
    expect((await s.app.inject({ method: "GET", url: "/addin/playground.html" })).statusCode).toBe(404);
    expect((await s.app.inject({ method: "GET", url: "/playground/" })).statusCode).toBe(404);
  });
});
