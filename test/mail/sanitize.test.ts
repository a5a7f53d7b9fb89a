// R-MAIL-5: what the sanitiser lets through when the HTML of a message tries the usual tricks.
import { describe, expect, it } from "vitest";
import { plainTextOf } from "../../server/mail/plain-text.js";
import { sanitizeEmailHtml } from "../../server/mail/sanitize.js";

const clean = (html: string) => sanitizeEmailHtml(html, (cid) => (cid === "logo@x" ? "/att/1" : undefined));

describe("email HTML sanitiser", () => {
  it("R-MAIL-5: no code runs: script, event handlers, javascript: and data: links, frames, forms, base and link go", () => {
    const out = clean(`
      <base href="https://evil.test/"><link rel="stylesheet" href="https://evil.test/x.css">
      <script>steal()</script><p onclick="steal()" onmouseover="steal()">Hello</p>
      <a href="javascript:steal()">js</a><a href="JaVaScRiPt&#58;steal()">js2</a>
      <a href="data:text/html;base64,PHNjcmlwdD4=">data</a><a href="vbscript:x">vb</a>
      <iframe src="https://evil.test"></iframe><embed src="x.swf"><object data="x"></object>
      <form action="https://evil.test"><input name="pw"><button>Go</button></form>
      <svg><script>steal()</script></svg><math><mi>x</mi></math>
      <meta http-equiv="refresh" content="0;url=https://evil.test">`);
    for (const bad of [
      "<script",
      "steal",
      "onclick",
      "onmouseover",
      "javascript",
      "data:text",
      "vbscript",
      "<iframe",
      "<embed",
      "<object",
      "<form",
      "<input",
      "<base",
      "<link",
      "<svg",
      "<meta",
      "evil.test",
    ])
      expect(out.toLowerCase()).not.toContain(bad.toLowerCase());
    expect(out).toContain("<p>Hello</p>");
    expect(out).toContain(">js</a>");
  });

  it("R-MAIL-5: nothing loads when viewed: remote images lose src (alt kept), CSS url() and @import go", () => {
    const out = clean(`
      <img src="https://track.test/open.gif" alt="Logo" width="1" height="1">
      <img src="//track.test/pixel.gif"><img srcset="https://track.test/a.png 2x">
      <div style="color: red; background-image: url('https://track.test/bg.png')">styled</div>
      <table background="https://track.test/t.png"><tr><td style="behavior: url(x.htc)">c</td></tr></table>
      <style>@import url(https://track.test/s.css);</style>`);
    expect(out).not.toMatch(/\ssrc(set)?=|url\(|@import|background=|behavior/);
    expect(out).toContain('alt="Logo"');
    expect(out).toContain('data-remote-src="https://track.test/open.gif"');
    expect(out).toContain('<div style="color:red">styled</div>');
  });

  it("R-MAIL-5: cid: images point at the stored attachment; data: raster images stay, data: SVG goes", () => {
    const out = clean(`<img src="cid:logo@x" alt="a"><img src="cid:missing@x" alt="b">
      <img src="data:image/png;base64,iVBORw0KGgo=" alt="c"><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="d">`);
    expect(out).toContain('<img alt="a" src="/att/1" />');
    expect(out).toContain('<img alt="b" />');
    expect(out).toContain('<img alt="c" src="data:image/png;base64,iVBORw0KGgo=" />');
    expect(out).toContain('<img alt="d" />');
  });

  it("R-MAIL-5: a head that is never closed does not swallow the body", () => {
    expect(clean("<head><meta charset=utf-8><title>T</title><p>Body text</p>")).toBe("<p>Body text</p>");
  });

  it("R-MAIL-5: links keep working but open without referrer", () => {
    expect(
      clean('<a href="https://example.com/x" target="_self">x</a> <a href="mailto:a@b.test">m</a>'),
    ).toBe(
      '<a href="https://example.com/x" target="_blank" rel="noopener noreferrer nofollow">x</a> <a href="mailto:a@b.test" target="_blank" rel="noopener noreferrer nofollow">m</a>',
    );
  });

  it("R-MAIL-5: the plain-text rendition comes from the sanitised HTML when the message has no text part", () => {
    const html = clean(
      "<style>.x{}</style><script>var secret=1</script><h1>Offer</h1><p>Sale&nbsp;Today</p>",
    );
    const text = plainTextOf(undefined, html);
    expect(text).toBe("Offer\n\nSale Today");
    expect(plainTextOf("Own text part", html)).toBe("Own text part");
  });
});
