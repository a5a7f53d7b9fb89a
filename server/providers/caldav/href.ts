// Hrefs come back percent-encoded in different ways, relative or absolute, sometimes on another host
// (reference §5.7.1): one absolute, consistently encoded form makes them comparable.
export function normalizeHref(href: string, base: string): string {
  const url = new URL(href.trim(), base);
  try {
    url.pathname = url.pathname
      .split("/")
      .map((part) => encodeURIComponent(decodeURIComponent(part)))
      .join("/");
  } catch {
    // a malformed escape: keep the server's spelling
  }
  return url.href;
}
