// The header sections of the parts inside a message get the repairs headers.ts makes to the
// message's own: raw 8-bit bytes that are not UTF-8 (a Windows-1252 file name written unencoded)
// are decoded in the part's declared charset, else the message's, else Windows-1252, and the
// charsets of encoded words and RFC 2231 names are relabelled (header-charsets.ts). mailparser
// reads raw 8-bit part headers as Latin-1 ("Factura \x80.pdf") and unknown charsets as UTF-8.
//
// The walk follows the MIME structure from the top-level Content-Type: a part is found only
// between delimiters of its parent's boundary, so text in a body that merely looks like MIME is
// never touched. Part bodies are kept byte for byte.
import { decodeText, isUtf8, resolveCharset } from "./charset.js";
import { relabelHeaderCharsets } from "./header-charsets.js";

/** Strings here hold one character per byte (latin1), so the bytes come back unchanged. */
type Bytes = string;

export function repairPartHeaders(
  body: Buffer,
  message: { contentType: string; charset: string | undefined },
  onRepair: (note: string) => void,
): Buffer {
  const text = body.toString("latin1");
  // Nothing to repair: no 8-bit byte, no encoded word, no extended parameter.
  if (!/[\x80-\xff]|=\?|\*\s*=/.test(text)) return body;
  const fallback = resolveCharset(message.charset) ? message.charset : undefined;
  return Buffer.from(walkBody(text, message.contentType, fallback, onRepair, 0), "latin1");
}

const isEncoded = (encoding: string | undefined) => /^\s*(?:base64|quoted-printable)\b/i.test(encoding ?? "");

const MAX_DEPTH = 50;
const FIELD = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

function walkBody(
  body: Bytes,
  contentType: string,
  charset: string | undefined,
  onRepair: (note: string) => void,
  depth: number,
): Bytes {
  if (depth > MAX_DEPTH) return body;
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  if (typeOf(contentType) !== "multipart" || !boundary) return body;
  const open = `--${boundary[1] ?? boundary[2]}`;
  const lines = body.split(/(?<=\n)/);
  let out = "";
  let part: string[] | null = null;
  for (const [i, line] of lines.entries()) {
    const bare = line.replace(/[ \t\r\n]+$/, "");
    if (bare !== open && bare !== `${open}--`) {
      if (part) part.push(line);
      else out += line;
      continue;
    }
    if (part) out += walkEntity(part.join(""), charset, onRepair, depth + 1);
    out += line;
    part = bare === open ? [] : null;
    if (!part) {
      // After the closing delimiter comes the epilogue, kept as it is.
      out += lines.slice(i + 1).join("");
      return out;
    }
  }
  if (part) out += walkEntity(part.join(""), charset, onRepair, depth + 1);
  return out;
}

/** One part: its header section (repaired), a blank line, its body (walked if it has parts). */
function walkEntity(
  entity: Bytes,
  charset: string | undefined,
  onRepair: (note: string) => void,
  depth: number,
): Bytes {
  // A part that starts with a line break has no header section; one that does not start with a
  // field is not something to repair.
  const blank = /^\r?\n/.exec(entity) ?? /\r?\n\r?\n/.exec(entity);
  if (blank?.index !== 0 && !FIELD.test(entity)) return entity;
  const headEnd = blank ? blank.index : entity.length;
  const head = repairHead(entity.slice(0, headEnd), charset, onRepair);
  if (!blank) return head;
  const body = entity.slice(headEnd + blank[0].length);
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const contentType = /^content-type[ \t]*:(.*)$/im.exec(unfolded)?.[1] ?? "";
  const encoding = /^content-transfer-encoding[ \t]*:(.*)$/im.exec(unfolded)?.[1];
  const own = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  const inner = own && resolveCharset(own) ? own : charset;
  const disposition = /^content-disposition[ \t]*:\s*([\w-]+)/im.exec(unfolded)?.[1]?.toLowerCase();
  // mailparser reads an attached message marked inline as part of this one; any other attached
  // message is a file, stored with its exact bytes.
  const nested = typeOf(contentType) === "message/rfc822" && disposition === "inline" && !isEncoded(encoding);
  return (
    head +
    blank[0] +
    (nested
      ? walkEntity(body, inner, onRepair, depth + 1)
      : walkBody(body, contentType, inner, onRepair, depth))
  );
}

function typeOf(contentType: string): string {
  const type = /^\s*([\w.+-]+\/[\w.+-]+)/.exec(contentType)?.[1]?.toLowerCase() ?? "text/plain";
  return type.startsWith("multipart/") ? "multipart" : type;
}

function repairHead(head: Bytes, charset: string | undefined, onRepair: (note: string) => void): Bytes {
  let text = head;
  if (/[\x80-\xff]/.test(head)) {
    const bytes = Buffer.from(head, "latin1");
    if (!isUtf8(bytes)) {
      const own = /charset\s*=\s*"?([^";\s]+)/i.exec(head)?.[1];
      const declared = own && resolveCharset(own) ? own : charset;
      const decoded = decodeText(bytes, declared);
      onRepair(`decoded raw 8-bit bytes in a part's header as ${decoded.charset}`);
      text = Buffer.from(decoded.text, "utf8").toString("latin1");
    }
  }
  // Encoded words and parameters are ASCII, so relabelling works on the byte string as it is.
  return relabelHeaderCharsets(text, onRepair);
}
