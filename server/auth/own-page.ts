// What every page Concilia serves itself (the sign-in dialog, the OAuth outcome) shares: the document
// frame, its security headers (a nonce CSP, never cached, no referrer) and HTML escaping.
import type { Locale } from "../../shared/i18n.js";

/** office.js is only served by Microsoft's CDN; Office requires add-ins to load it from there. */
export const OFFICE_JS_URL = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The Content-Security-Policy of the pages: only their own nonce-tagged code, and office.js. */
export function pageSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}' https://appsforoffice.microsoft.com`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    // Outlook on the web may show the dialog in an iframe of its own pages; nobody else may frame it.
    "frame-ancestors 'self' https://*.office.com https://*.office365.com https://*.outlook.com https://outlook.live.com https://*.officeapps.live.com",
  ].join("; ");
}

/** The headers of a page Concilia serves itself (sign-in, OAuth outcome): its CSP, never cached. */
export function pageHeaders(nonce: string): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": pageSecurityPolicy(nonce),
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };
}

/**
 * The whole page: `style` and the scripts in `head` and `after` run only with the page's nonce;
 * `main` is the page's content, `after` what follows it (a script that needs the content).
 */
export function pageDocument(o: {
  locale: Locale;
  nonce: string;
  title: string;
  style: string;
  head?: string;
  main: string;
  after?: string;
}): string {
  return `<!doctype html>
<html lang="${o.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(o.title)}</title>
<style nonce="${o.nonce}">${o.style}</style>
${o.head ?? ""}</head>
<body>
<main>
${o.main}
</main>
${o.after ?? ""}</body>
</html>
`;
}
