// Dev mode only: GET /playground/gmail shows the Gmail add-on without a Google account. Picking a
// demo message runs the BUILT Code.js in the Apps Script emulation (dev/gmail-emulator), its
// UrlFetchApp routed to this same server with a dev token of the demo sales user, and renders the
// recorded cards as HTML whose buttons run the add-on's actions.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { FastifyInstance, FastifyReply } from "fastify";
import {
  type AddonHost,
  type DemoMessage,
  demoMessages,
  formValuesFromPost,
  GmailSidebar,
  renderCard,
  startGmailAddon,
  zoneOffsetMinutes,
} from "../../dev/gmail-emulator/index.js";
import { issueDevToken } from "../auth/dev-token.js";
import type { AppContext } from "../context.js";

const DEMO_USER = "sara@concilia.demo";
const TIME_ZONE = "Europe/Madrid";
const MAX_SESSIONS = 200;

interface Session {
  sidebar: GmailSidebar;
  message: DemoMessage | null;
  shownNotices: number;
}

const esc = (s = "") =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STYLE = `body{font:14px system-ui,sans-serif;margin:0;background:#f6f8fc;color:#1f1f1f}
main{display:flex;gap:24px;padding:24px;align-items:flex-start}.mail{flex:1;background:#fff;border-radius:12px;padding:20px;max-width:640px}
.pane{width:340px;background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002}.bar{display:flex;justify-content:space-between;align-items:center;padding:8px 12px;border-bottom:1px solid #e0e0e0;font-weight:600}
.card-header{padding:12px 16px}.card-header h2{font-size:16px;margin:0}.card-header p{margin:4px 0 0;color:#5f6368}
.card-section{border-top:1px solid #e0e0e0;padding:8px 16px}.card-section h3{font-size:13px;color:#5f6368;margin:4px 0 8px;font-weight:500}
.decorated{display:flex;align-items:center;gap:8px;margin:6px 0}.dt-body{flex:1}.top,.bottom{font-size:12px;color:#5f6368}.para{margin:6px 0}
.buttons{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}.btn{border:1px solid #dadce0;background:#fff;color:#0b57d0;border-radius:18px;padding:6px 14px;cursor:pointer;font:inherit}
.btn.filled{background:#0b57d0;color:#fff;border-color:#0b57d0}.btn:focus-visible{outline:2px solid #0b57d0;outline-offset:2px}
.input{display:block;margin:8px 0}.input span,.input legend{display:block;font-size:12px;color:#5f6368}.input input:not([type=checkbox]):not([type=radio]),.input select,.input textarea{width:100%;box-sizing:border-box;padding:6px;font:inherit}
fieldset.input{border:0;padding:0}.check{display:flex;gap:8px;align-items:center;margin:4px 0}.check input{margin:0}.toast{background:#323232;color:#fff;padding:8px 12px;margin:8px;border-radius:6px}
.meta{color:#5f6368;font-size:12px;padding:8px 12px}ul{line-height:1.8}a{color:#0b57d0}pre{white-space:pre-wrap;font:inherit}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export async function gmailPreviewRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const sessions = new Map<string, Session>();
  const messages = demoMessages();
  let host: Promise<AddonHost> | null = null;
  let token: Promise<string> | null = null;

  const ownUrl = () => {
    const a = app.server.address() as AddressInfo | null;
    if (!a) return null;
    const h =
      a.family === "IPv6"
        ? a.address === "::"
          ? "[::1]"
          : `[${a.address}]`
        : a.address === "0.0.0.0"
          ? "127.0.0.1"
          : a.address;
    return `http://${h}:${a.port}`;
  };
  const addon = () => (host ??= startGmailAddon({ target: ownUrl, messages }));
  const devToken = () => {
    token ??= issueDevToken(ctx, DEMO_USER).then((t) => t.token);
    token.catch(() => {
      token = null;
    });
    return token;
  };
  app.addHook("onClose", async () => {
    if (host) await (await host).close();
  });

  async function newSession(lang: string, message: DemoMessage | null): Promise<[string, Session]> {
    await devToken();
    const sidebar = new GmailSidebar({
      host: await addon(),
      user: DEMO_USER,
      locale: lang,
      timeZone: { id: TIME_ZONE, offsetMs: zoneOffsetMinutes(TIME_ZONE, Date.now()) * 60_000 },
      identityToken: () => devToken(),
    });
    const id = randomUUID();
    sessions.set(id, { sidebar, message, shownNotices: 0 });
    if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
    return [id, sessions.get(id)!];
  }

  const failure = (reply: FastifyReply, e: unknown) =>
    reply
      .code(503)
      .type("text/html")
      .send(
        page(
          "Gmail preview",
          `<main><div class="mail"><h1>Gmail add-on preview</h1><p>${esc(String((e as Error)?.message ?? e))}</p><p><a href="/playground/gmail">Back</a></p></div></main>`,
        ),
      );

  app.get("/playground/gmail", async (req, reply) => {
    const lang = (req.query as { lang?: string }).lang ?? "en";
    const langs = ["en", "es", "it"]
      .map((l) => (l === lang ? `<b>${l}</b>` : `<a href="?lang=${l}">${l}</a>`))
      .join(" · ");
    const list = messages
      .map((m) => `<li><a href="/playground/gmail/open?m=${m.id}&lang=${esc(lang)}">${esc(m.label)}</a></li>`)
      .join("");
    reply.type("text/html").send(
      page(
        "Gmail add-on preview",
        `<main><div class="mail"><h1>Gmail add-on preview</h1>
<p>The built add-on (<code>gmail-addon/dist/Code.js</code>, rebuilt on first use) runs in the Apps Script emulation the tests use, signed in as the demo user ${DEMO_USER}. Gmail language: ${langs}</p>
<h2>Open a message</h2><ul>${list}</ul>
<h2>No message open</h2><ul><li><a href="/playground/gmail/open?lang=${esc(lang)}">Homepage (search and contacts)</a></li></ul>
<p><a href="/playground/">Playground index</a></p></div></main>`,
      ),
    );
  });

  app.get("/playground/gmail/open", async (req, reply) => {
    const q = req.query as { m?: string; lang?: string };
    const message = q.m ? (messages.find((m) => m.id === q.m) ?? null) : null;
    try {
      const [id, s] = await newSession(q.lang ?? "en", message);
      if (message) await s.sidebar.openMessage(message.id, message.threadId);
      else await s.sidebar.openHomepage();
      return reply.redirect(`/playground/gmail/s/${id}`, 303);
    } catch (e) {
      return failure(reply, e);
    }
  });

  app.get("/playground/gmail/s/:id", async (req, reply) => {
    const s = sessions.get((req.params as { id: string }).id);
    if (!s) return reply.redirect("/playground/gmail", 303);
    const id = (req.params as { id: string }).id;
    const notices = s.sidebar.notifications.slice(s.shownNotices);
    s.shownNotices = s.sidebar.notifications.length;
    const last = s.sidebar.last;
    const stats = last
      ? `${esc(last.fn)}: ${last.fetches.length} UrlFetch call${last.fetches.length === 1 ? "" : "s"}${last.fetches.map((f) => ` · ${esc(f.method)} ${esc(new URL(f.url).pathname)} ${f.status ?? f.error} (${Math.round(f.ms)} ms)`).join("")}`
      : "";
    const m = s.message;
    const mail = m
      ? `<h1>${esc(m.subject)}</h1><p><b>From:</b> ${esc(m.from)}<br><b>To:</b> ${esc(m.to.join(", "))}${m.cc.length ? `<br><b>Cc:</b> ${esc(m.cc.join(", "))}` : ""}</p><pre>${esc(m.text)}</pre>`
      : "<h1>Gmail</h1><p>No message is open: the add-on shows its homepage.</p>";
    const back =
      s.sidebar.stack.length > 1
        ? `<form method="post" action="/playground/gmail/s/${id}/back"><button class="btn" aria-label="Back">←</button></form>`
        : "<span></span>";
    reply.type("text/html").send(
      page(
        "Gmail add-on preview",
        `<main><div class="mail">${mail}<p><a href="/playground/gmail">Other messages</a></p></div>
<aside class="pane" aria-label="Concilia add-on"><div class="bar">${back}<span>Concilia</span><span></span></div>
${notices.map((n) => `<div class="toast" role="status">${esc(n)}</div>`).join("")}
${renderCard(s.sidebar.card, `/playground/gmail/s/${id}/click`, TIME_ZONE)}
<div class="meta">${stats}</div></aside></main>`,
      ),
    );
  });

  app.post("/playground/gmail/s/:id/click", async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const s = sessions.get(id);
    if (!s) return reply.redirect("/playground/gmail", 303);
    const body = (req.body ?? {}) as Record<string, string>;
    try {
      s.sidebar.fill(formValuesFromPost(s.sidebar.card, body, TIME_ZONE));
      await s.sidebar.clickIndex(Number(body.__click));
    } catch (e) {
      return failure(reply, e);
    }
    return reply.redirect(`/playground/gmail/s/${id}`, 303);
  });

  app.post("/playground/gmail/s/:id/back", async (req, reply) => {
    const id = (req.params as { id: string }).id;
    sessions.get(id)?.sidebar.back();
    return reply.redirect(`/playground/gmail/s/${id}`, 303);
  });
}
