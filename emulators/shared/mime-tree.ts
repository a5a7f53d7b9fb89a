import libmime from "libmime";

/**
 * A raw message split into its MIME tree, bytes decoded per part: what Gmail's `format=full` and
 * both providers' attachment endpoints are built from. Lenient like the services (a missing end
 * boundary still yields the parts seen); header values are kept as written.
 */
export type MimePart = {
  /** Gmail's part id: "" for the root, then "0", "1", "1.0"… */
  partId: string;
  headers: { name: string; value: string }[];
  mimeType: string;
  filename: string;
  disposition: string | null;
  contentId: string | null;
  /** Decoded content of a leaf part (empty for multiparts). */
  body: Buffer;
  parts: MimePart[];
};

function splitHead(raw: Buffer): [string, Buffer] {
  const text = raw.toString("latin1");
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return [text, Buffer.alloc(0)];
  return [text.slice(0, match.index), raw.subarray(match.index + match[0].length)];
}

function parseHeaders(block: string): { name: string; value: string }[] {
  return block
    .replace(/\r?\n[ \t]+/g, " ")
    .split(/\r?\n/)
    .map((line) => {
      const colon = line.indexOf(":");
      return {
        name: line.slice(0, colon).trim(),
        value: Buffer.from(line.slice(colon + 1).trim(), "latin1").toString("utf8"),
      };
    })
    .filter((h) => h.name);
}

function params(value: string): { main: string; params: Record<string, string> } {
  const parsed = libmime.parseHeaderValue(value);
  return { main: parsed.value.trim().toLowerCase(), params: parsed.params as Record<string, string> };
}

function decode(body: Buffer, encoding: string): Buffer {
  const e = encoding.toLowerCase();
  if (e === "base64") return Buffer.from(body.toString("latin1").replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (e === "quoted-printable") {
    const text = body.toString("latin1").replace(/=\r?\n/g, "");
    return Buffer.from(
      text.replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
      "latin1",
    );
  }
  return body;
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString("latin1");
  const marker = `--${boundary}`;
  const chunks: Buffer[] = [];
  let start = -1;
  let index = 0;
  for (const line of text.split(/(?<=\n)/)) {
    const bare = line.replace(/\r?\n$/, "");
    if (bare === marker || bare === `${marker}--`) {
      if (start >= 0) chunks.push(body.subarray(start, index));
      start = bare === marker ? index + line.length : -1;
      if (bare !== marker) break;
    }
    index += line.length;
  }
  if (start >= 0) chunks.push(body.subarray(start));
  // The CRLF before a boundary belongs to the boundary.
  return chunks.map((c) => {
    const s = c.toString("latin1");
    return s.endsWith("\r\n") ? c.subarray(0, -2) : s.endsWith("\n") ? c.subarray(0, -1) : c;
  });
}

export function mimeTree(raw: Buffer, partId = ""): MimePart {
  const [head, body] = splitHead(raw);
  const headers = parseHeaders(head);
  const get = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value ?? null;
  const type = params(get("content-type") ?? "text/plain");
  const disposition = get("content-disposition");
  const dispositionParams = disposition ? params(disposition) : null;
  const filename = libmime.decodeWords(dispositionParams?.params.filename ?? type.params.name ?? "");
  const part: MimePart = {
    partId,
    headers,
    mimeType: type.main,
    filename,
    disposition: dispositionParams?.main ?? null,
    contentId: get("content-id"),
    body: Buffer.alloc(0),
    parts: [],
  };
  const boundary = type.params.boundary;
  if (type.main.startsWith("multipart/") && boundary) {
    part.parts = splitMultipart(body, boundary).map((chunk, i) =>
      mimeTree(chunk, partId ? `${partId}.${i}` : String(i)),
    );
  } else {
    part.body = decode(body, get("content-transfer-encoding") ?? "7bit");
  }
  return part;
}

/** Leaf parts that are attachments (a filename, or an explicit attachment disposition). */
export function attachmentsOf(tree: MimePart): MimePart[] {
  if (tree.parts.length) return tree.parts.flatMap(attachmentsOf);
  return tree.filename || tree.disposition === "attachment" ? [tree] : [];
}

export function findPart(tree: MimePart, partId: string): MimePart | undefined {
  if (tree.partId === partId) return tree;
  for (const child of tree.parts) {
    const found = findPart(child, partId);
    if (found) return found;
  }
  return undefined;
}
