import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANDING_LINKS } from "../../server/api/landing/index.js";
import { VERSION } from "../../server/version.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const ORIGIN = "https://crm.example.com";
/** Every address a page points at: links, icons and images. */
const targets = (html: string) =>
  [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, "&"));

describe.each(engines)("landing page on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ engine, env: { CONCILIA_PUBLIC_URL: ORIGIN } });
  });
  afterAll(() => s?.close());

  it("R-SB-7: / is an HTML page saying what Concilia is, its version, and linking what a set-up needs", async () => {
    const r = await s.app.inject({ url: "/" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.body).toMatch(/^<!doctype html><html lang="en">/);
    expect(r.body).toContain("The CRM in your inbox.");
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.body).toContain(`Version ${VERSION}`);
    const hrefs = targets(r.body);
    for (const link of LANDING_LINKS) expect(hrefs).toContain(link);
  });

  it("R-SB-7: every link, icon and image of / and /gmail answers 200", async () => {
    const checked: string[] = [];
    for (const pageUrl of ["/", "/gmail"]) {
      for (const url of targets((await s.app.inject({ url: pageUrl })).body)) {
        const r = await s.app.inject({ url });
        expect({ url, status: r.statusCode }).toEqual({ url, status: 200 });
        checked.push(url);
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        ...LANDING_LINKS,
        "/favicon.svg",
        "/favicon.ico",
        "/?lang=es",
        "/gmail?lang=it",
      ]),
    );
  });

  it("R-SB-7: the page speaks Spanish or Italian when the browser asks for it", async () => {
    const es = await s.app.inject({ url: "/", headers: { "accept-language": "es-MX,es;q=0.9,en;q=0.5" } });
    expect(es.body).toContain('<html lang="es">');
    expect(es.body).toContain("El CRM en tu bandeja de entrada.");
    expect(es.body).toContain(`Versión ${VERSION}`);
    expect(es.headers["content-language"]).toBe("es");
    expect(es.headers.vary).toMatch(/Accept-Language/);
    const it_ = await s.app.inject({ url: "/gmail", headers: { "accept-language": "it-IT" } });
    expect(it_.body).toContain("Configurare il componente aggiuntivo di Gmail");
    const fallback = await s.app.inject({ url: "/", headers: { "accept-language": "de-DE" } });
    expect(fallback.body).toContain('<html lang="en">');
  });

  it("R-SB-7: /gmail gives the build command with this deployment's origin filled in", async () => {
    const r = await s.app.inject({ url: "/gmail" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.body).toContain(`npm run build:gmail -- --server ${ORIGIN}`);
    expect(r.body).toContain("npm run deploy:gmail");
  });

  it("R-SB-7: /favicon.ico is an icon file holding the add-in's 16, 32 and 48 px PNGs; /favicon.svg an SVG", async () => {
    const ico = await s.app.inject({ url: "/favicon.ico" });
    expect(ico.statusCode).toBe(200);
    expect(ico.headers["content-type"]).toBe("image/x-icon");
    const b = ico.rawPayload;
    expect([b.readUInt16LE(0), b.readUInt16LE(2), b.readUInt16LE(4)]).toEqual([0, 1, 3]);
    const sizes = [0, 1, 2].map((i) => b.readUInt8(6 + 16 * i));
    expect(sizes).toEqual([16, 32, 48]);
    for (let i = 0; i < 3; i++) {
      const length = b.readUInt32LE(6 + 16 * i + 8);
      const offset = b.readUInt32LE(6 + 16 * i + 12);
      const png = b.subarray(offset, offset + length);
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(png.readUInt32BE(16)).toBe(sizes[i]); // the IHDR width
    }
    const svg = await s.app.inject({ url: "/favicon.svg" });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
