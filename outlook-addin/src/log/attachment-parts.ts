// The attachment list of a raw message as the server numbers it (server/mail/parse.ts, mailparser):
// leaf MIME parts in document order that are not body text, minus unnamed text alternatives and
// unnamed empty parts. The pane needs it only to name attachments to leave out by position, so it
// reads just the structure, names and sizes, and loads only when something is left out.
import { safeAttachmentName, unnamedAttachmentName } from "../../../shared/attachment-names.js";

export interface MessagePart {
  /** The file name as the server stores it (attachment-N.ext for unnamed parts). */
  name: string;
  /** Decoded size in bytes. */
  size: number;
  inline: boolean;
}

interface Header {
  value: string;
  params: Record<string, string>;
}

const TEXT_TYPES = ["text/plain", "text/html", "message/delivery-status"];

function decodeBytes(bytes: Uint8Array, charset: string): string {
  try {
    const text = new TextDecoder(charset || "utf-8").decode(bytes);
    // The server's decoder for other charsets (iconv-lite) drops bytes it cannot read.
    return /^utf-?8$/i.test(charset || "utf-8") ? text : text.replace(/\uFFFD/g, "");
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

const latin1Bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 255);

/** One character per byte, so that positions and sizes in the string are byte counts. */
function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

/** RFC 2047 encoded words; raw 8-bit header text (held as latin1) is read as UTF-8 where it is that. */
function decodeWords(s: string): string {
  let text = s;
  if (/[\x80-\xff]/.test(text))
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(latin1Bytes(text));
    } catch {
      // Not UTF-8: the bytes stay as Latin-1 characters.
    }
  const words = text.replace(/\?=\s+=\?/g, "?==?");
  const decoded = words.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_m, charset, kind, text) => {
    const cs = charset.split("*")[0];
    if (kind.toLowerCase() === "b") return decodeBytes(latin1Bytes(atob(text.replace(/[^\w+/]/g, ""))), cs);
    const qp = text
      .replace(/_/g, " ")
      .replace(/=([0-9a-f]{2})/gi, (_x: string, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    return decodeBytes(latin1Bytes(qp), cs);
  });
  return decoded;
}

/** `value; a=b; c="d"` with RFC 2231 continuations and charsets (`name*0*=utf-8''…`). */
function parseHeader(raw: string | undefined): Header {
  const [value = "", ...rest] = (raw ?? "").match(/(?:"(?:\\.|[^"\\])*"|[^;])+/g) ?? [];
  const pieces: Record<string, { parts: string[]; charset: string }> = {};
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    const m = /^([^*]+)\*(?:(\d+)\*?|)$/.exec(key);
    if (!m) {
      params[key] = decodeWords(v);
      continue;
    }
    pieces[m[1]] ??= { parts: [], charset: "" };
    const entry = pieces[m[1]];
    let text = v;
    if (key.endsWith("*") && (m[2] === undefined || m[2] === "0")) {
      const q = /^([^']*)'[^']*'(.*)$/.exec(v);
      if (q) [entry.charset, text] = [q[1], q[2]];
    }
    entry.parts[Number(m[2] ?? 0)] = key.endsWith("*")
      ? text.replace(/%([0-9a-f]{2})/gi, (_x, h) => String.fromCharCode(Number.parseInt(h, 16)))
      : text;
  }
  for (const [k, e] of Object.entries(pieces))
    params[k] = decodeBytes(latin1Bytes(e.parts.join("")), e.charset || "utf-8");
  return { value: value.trim().toLowerCase(), params };
}

function split(entity: string): { headers: Map<string, string>; body: string } {
  const m = /\r?\n\r?\n/.exec(entity);
  const head = m ? entity.slice(0, m.index) : entity;
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && !headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body: m ? entity.slice(m.index + m[0].length) : "" };
}

function children(body: string, boundary: string): string[] {
  const open = `--${boundary}`;
  const close = `${open}--`;
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of body.split(/(?<=\n)/)) {
    const t = line.replace(/[ \t\r\n]+$/, "");
    if (t !== open && t !== close) {
      current?.push(line);
      continue;
    }
    // The line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
    if (current) parts.push(current.join("").replace(/\r?\n$/, ""));
    if (t === close) return parts;
    current = [];
  }
  if (current) parts.push(current.join(""));
  return parts;
}

function decodedSize(body: string, encoding: string): number {
  if (encoding === "base64") return Math.floor((body.replace(/[^A-Za-z0-9+/]/g, "").length * 3) / 4);
  if (encoding === "quoted-printable")
    return body.replace(/=\r?\n/g, "").replace(/=[0-9a-f]{2}/gi, "=").length;
  return body.length;
}

function walk(entity: string, out: MessagePart[]): void {
  const { headers, body } = split(entity);
  const type = parseHeader(headers.get("content-type"));
  const contentType = type.value || "text/plain";
  if (contentType.startsWith("multipart/")) {
    if (type.params.boundary) for (const child of children(body, type.params.boundary)) walk(child, out);
    return;
  }
  const disp = parseHeader(headers.get("content-disposition"));
  const encoding = (headers.get("content-transfer-encoding") ?? "").trim().toLowerCase();
  // mailparser reads an attached message marked inline as part of this one.
  if (
    contentType === "message/rfc822" &&
    disp.value === "inline" &&
    ["", "7bit", "8bit", "binary"].includes(encoding)
  ) {
    walk(body, out);
    return;
  }
  let disposition = disp.value && !["attachment", "inline"].includes(disp.value) ? "attachment" : disp.value;
  if (!disposition) disposition = TEXT_TYPES.includes(contentType) ? "inline" : "attachment";
  if (TEXT_TYPES.includes(contentType) && disposition === "inline") return;
  const filename = (disp.params.filename ?? type.params.name ?? "").trim();
  const size = decodedSize(body, encoding);
  const kind = /^[\w.+-]+\/[\w.+-]+$/.test(contentType) ? contentType : "application/octet-stream";
  // As server/mail/parse.ts: an unnamed text part not marked as attachment is a body alternative.
  if (!filename && kind.startsWith("text/") && disp.value !== "attachment") return;
  if (!filename && size === 0) return;
  out.push({
    name: filename ? safeAttachmentName(filename) : unnamedAttachmentName(out.length + 1, kind),
    size,
    inline: headers.has("content-id"),
  });
}

export function attachmentParts(raw: Uint8Array): MessagePart[] {
  const out: MessagePart[] = [];
  walk(latin1(raw), out);
  return out;
}
