// R-SB-7 context: the server's front door. `/` says what Concilia is and links to what a person setting
// it up needs (sign-in, the Outlook manifest, the Gmail add-on set-up, the API document, the health
// checks); `/gmail` explains building the Gmail add-on for this deployment; and the browser's icons.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type Locale, locales, pickLocale } from "../../../shared/i18n.js";
import type { AppContext } from "../../context.js";
import { VERSION } from "../../version.js";
import { faviconIco, ICON_SVG } from "./icon.js";
import { type LandingText, landingText } from "./text.js";

/** Where the landing page points, in the order it lists them. */
export const LANDING_LINKS = [
  "/auth/login",
  "/addin/manifest.xml",
  "/gmail",
  "/api/v1/openapi.json",
  "/healthz",
  "/readyz",
] as const;

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f1f1f;background:#f5f7fa}
main{max-width:40rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px}
header{display:flex;align-items:center;gap:1rem}header img{width:48px;height:48px}h1{margin:0;font-size:1.8rem}
.tagline{margin:0;color:#444}.version{color:#555;font-size:.9rem}li{margin:.6rem 0}a{color:#0f6cbd}
.hint{display:block;color:#555;font-size:.9rem}pre{background:#f0f2f5;padding:.75rem;border-radius:6px;overflow-x:auto}
nav.langs{font-size:.9rem;color:#555}`;

function localeOf(req: FastifyRequest): Locale {
  const asked = (req.query as { lang?: string }).lang;
  if (asked && (locales as readonly string[]).includes(asked)) return asked as Locale;
  return pickLocale(req.headers["accept-language"]);
}

function page(locale: Locale, title: string, body: string, here: string): string {
  const langs = locales
    .map((l) => (l === locale ? `<b>${l}</b>` : `<a href="${here}?lang=${l}" hreflang="${l}">${l}</a>`))
    .join(" · ");
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48"><style>${STYLE}</style></head><body><main>${body}<nav class="langs" aria-label="Language">${langs}</nav></main></body></html>`;
}

export function renderLanding(t: LandingText, locale: Locale): string {
  const item = (href: string, label: string, hint?: string) =>
    `<li><a href="${href}">${esc(label)}</a>${hint ? `<span class="hint">${esc(hint)}</span>` : ""}</li>`;
  const [login, manifest, gmail, api, healthz, readyz] = LANDING_LINKS;
  return page(
    locale,
    "Concilia",
    `<header><img src="/favicon.svg" alt=""><div><h1>Concilia</h1><p class="tagline">${esc(t.tagline)}</p></div></header>
<p>${esc(t.about)}</p>
<p class="version">${esc(t.version(VERSION))}</p>
<ul>
${item(login, t.signIn, t.signInHint)}
${item(manifest, t.outlook, t.outlookHint)}
${item(gmail, t.gmail, t.gmailHint)}
${item(api, t.api, t.apiHint)}
<li><a href="${healthz}">${esc(t.health)}</a> · <a href="${readyz}">${esc(t.ready)}</a></li>
</ul>`,
    "/",
  );
}

export function renderGmailSetup(t: LandingText, locale: Locale, origin: string): string {
  return page(
    locale,
    `Concilia · ${t.gmailTitle}`,
    `<h1>${esc(t.gmailTitle)}</h1>
<p>${esc(t.gmailIntro(origin))}</p>
<pre><code>npm install
npm run build:gmail -- --server ${esc(origin)}</code></pre>
<p>${esc(t.gmailBuild)}</p>
<p>${esc(t.gmailDeploy)}</p>
<pre><code>npx @google/clasp@3.4.1 login
npm run deploy:gmail</code></pre>
<p>${esc(t.gmailInstall)}</p>
<p>${esc(t.gmailTry)}</p>
<p><a href="/">${esc(t.back)}</a></p>`,
    "/gmail",
  );
}

function sendHtml(reply: FastifyReply, locale: Locale, html: string): FastifyReply {
  return reply
    .headers({
      "content-type": "text/html; charset=utf-8",
      "content-language": locale,
      vary: "Accept-Language",
      "cache-control": "no-cache",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
      "x-content-type-options": "nosniff",
    })
    .send(html);
}

export function landingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const origin = new URL(ctx.config.publicUrl).origin;
  app.get("/", async (req, reply) => {
    const locale = localeOf(req);
    return sendHtml(reply, locale, renderLanding(landingText[locale], locale));
  });
  app.get("/gmail", async (req, reply) => {
    const locale = localeOf(req);
    return sendHtml(reply, locale, renderGmailSetup(landingText[locale], locale, origin));
  });
  app.get("/favicon.svg", async (_req, reply) =>
    reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").send(ICON_SVG),
  );
  app.get("/favicon.ico", async (_req, reply) =>
    reply
      .type("image/x-icon")
      .header("cache-control", "public, max-age=86400")
      .send(await faviconIco()),
  );
}
