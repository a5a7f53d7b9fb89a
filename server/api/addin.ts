// The Outlook add-in's files: the built task pane under /addin/, the manifest with this deployment's
// origin filled in, and (dev mode only) the playground with a token for the demo sales user.
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";
import { createApiToken, SIDEBAR_SCOPES } from "../auth/tokens.js";
import type { AppContext } from "../context.js";
import { findUserByEmail } from "../crm/users.js";
import { emulatorOrigins } from "../dev/emulators.js";
import { HttpProblem } from "./problem.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const ADDIN_DIST = path.join(root, "outlook-addin", "dist");
const MANIFEST = path.join(root, "manifest.xml");
/** The origin manifest.xml is written with; replaced by the deployment's own when served. */
export const MANIFEST_ORIGIN = "https://concilia.example.com";
const PLAYGROUND_USER = "sara@concilia.demo";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
};

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** manifest.xml for this deployment: its origin everywhere, and SSO details when Entra is configured. */
export async function renderManifest(ctx: AppContext): Promise<string> {
  const origin = new URL(ctx.config.publicUrl).origin;
  let xml = (await fs.readFile(MANIFEST, "utf8")).replaceAll(MANIFEST_ORIGIN, origin);
  const clientId = ctx.config.ENTRA_CLIENT_IDS[0];
  if (clientId) {
    const host = new URL(origin).host;
    xml = xml.replace(
      "<!--WebApplicationInfo-->",
      `<WebApplicationInfo>
        <Id>${escapeXml(clientId)}</Id>
        <Resource>api://${escapeXml(host)}/${escapeXml(clientId)}</Resource>
        <Scopes>
          <Scope>openid</Scope>
          <Scope>profile</Scope>
        </Scopes>
      </WebApplicationInfo>`,
    );
  }
  return xml;
}

async function sendFile(reply: FastifyReply, file: string, cache: string): Promise<FastifyReply> {
  let body: Buffer;
  try {
    body = await fs.readFile(file);
  } catch {
    throw new HttpProblem(
      404,
      "Not found",
      "No such file in the add-in. Was it built (`npm run build:addin`)?",
    );
  }
  return reply
    .type(types[path.extname(file)] ?? "application/octet-stream")
    .header("cache-control", cache)
    .send(body);
}

export function addinRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/addin/manifest.xml", async (_req, reply) =>
    reply
      .type("text/xml; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(await renderManifest(ctx)),
  );
  app.get("/addin", async (_req, reply) => sendFile(reply, path.join(ADDIN_DIST, "index.html"), "no-cache"));
  app.get("/addin/*", async (req, reply) => {
    const rel = decodeURIComponent((req.params as { "*": string })["*"] || "index.html");
    const file = path.resolve(ADDIN_DIST, rel);
    if (!file.startsWith(ADDIN_DIST + path.sep) || rel === "playground.html")
      throw new HttpProblem(404, "Not found", "No such file in the add-in.");
    // Vite names assets by content hash, so they can be cached for good; pages must always revalidate.
    const immutable = rel.startsWith("assets/") && /-[\w-]{8}\.\w+$/.test(rel);
    return sendFile(reply, file, immutable ? "public, max-age=31536000, immutable" : "no-cache");
  });

  if (!ctx.config.CONCILIA_DEV) return;
  let token: string | null = null;
  app.get("/playground", async (_req, reply) => {
    if (!token) {
      const user = await findUserByEmail(ctx.db, PLAYGROUND_USER);
      if (user)
        token = (await createApiToken(ctx.db, user.id, { name: "playground", scopes: SIDEBAR_SCOPES })).token;
    }
    const dev = token
      ? { token, sync: emulatorOrigins(ctx.config) !== null }
      : {
          token: null,
          note: `No demo data: run \`concilia seed-demo\` to create ${PLAYGROUND_USER} and the demo CRM.`,
        };
    const html =
      (await fs.readFile(path.join(ADDIN_DIST, "playground.html"), "utf8").catch(() => null)) ?? null;
    if (!html)
      throw new HttpProblem(404, "Not found", "The playground is not built: run `npm run build:addin`.");
    const script = `<script>window.conciliaDev=${JSON.stringify(dev).replace(/</g, "\\u003c")}</script>`;
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(html.replace("<!--concilia-dev-->", script));
  });
}
