// The top-level header section, read from the raw bytes before mailparser sees it, for three repairs
// mailparser does not make and one judgement it cannot:
// - folding: each fold (whitespace, line break, whitespace) becomes one space and whitespace-only
//   continuation lines vanish, as Thunderbird reads "Badly    \r\n folded" ("Badly folded");
// - duplicates: of fields that may occur once (RFC 5322 §3.6 and the MIME fields) the first wins;
// - raw 8-bit bytes that are not UTF-8 are decoded with the message's declared charset (else
//   Windows-1252), so a KOI8-R subject is read as KOI8-R instead of "������";
// - encoded words and RFC 2231 parameters in a charset nobody knows are relabelled with the charset
//   their bytes are read in, as bodies are (header-charsets.ts);
// - whether there is a header section at all (see the comment at the top of parse.ts).
import { badRequest } from "../api/problem.js";
import { decodeText, isUtf8 } from "./charset.js";
import { relabelHeaderCharsets } from "./header-charsets.js";

export interface HeaderField {
  name: string;
  /** Unfolded value, decoded to a JavaScript string. */
  value: string;
}

export interface SplitMessage {
  fields: HeaderField[];
  /** The bytes after the blank line that ends the header section (empty when there is none). */
  body: Buffer;
  /** The line break the message uses, kept when the header section is rewritten. */
  eol: string;
  /** Repairs made, for `inspect-mail`. */
  notes: string[];
}

const SINGLE = new Set([
  "date",
  "from",
  "sender",
  "reply-to",
  "to",
  "cc",
  "bcc",
  "message-id",
  "in-reply-to",
  "references",
  "subject",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "content-disposition",
]);

const FIELD = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$/s;
// Control characters other than tab, line breaks and ESC (ISO-2022-JP in raw headers uses ESC).
const BINARY = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/;
const MBOX_FROM = /^From [^\r\n]*\r?\n/;
const BOM = "\xef\xbb\xbf";

export function splitMessage(raw: Buffer): SplitMessage {
  // latin1 maps each byte to one character, so string offsets are byte offsets.
  let s = raw.toString("latin1");
  if (s.startsWith(BOM)) s = s.slice(BOM.length);
  s = s.replace(MBOX_FROM, "");
  if (!s.trim())
    throw badRequest("The message is empty: send the raw RFC 5322 message (headers, blank line, body).");
  const blank = /\n\r?\n/.exec(s);
  const headerEnd = blank ? blank.index : s.length;
  const header = s.slice(0, headerEnd).replace(/\r?\n?$/, "");
  const body = blank ? Buffer.from(s.slice(headerEnd + blank[0].length), "latin1") : Buffer.alloc(0);
  if (BINARY.test(header))
    throw badRequest("The header section contains binary data: this is not an RFC 5322 message.");
  const lines = header.split(/\r?\n/);
  if (!FIELD.test(lines[0]))
    throw badRequest(
      `The message does not start with a header field ("Name: value"); its first line is "${printable(lines[0])}".`,
    );
  if (!blank && !/\n$/.test(s))
    throw badRequest(
      "The header section is cut off: the message ends in the middle of a header line, before the blank line that ends the headers.",
    );
  const notes: string[] = [];
  const folded: { name: string; parts: string[] }[] = [];
  for (const line of lines) {
    const field = FIELD.exec(line);
    if (field) folded.push({ name: field[1], parts: [field[2]] });
    else if (/^[ \t]/.test(line)) folded[folded.length - 1].parts.push(line);
    else if (line.trim()) notes.push(`ignored a header line that is not a field: "${printable(line)}"`);
  }
  const seen = new Set<string>();
  const kept = folded.filter((f) => {
    const key = f.name.toLowerCase();
    if (!SINGLE.has(key)) return true;
    if (seen.has(key)) {
      notes.push(`ignored a second ${f.name} header (the first one counts)`);
      return false;
    }
    seen.add(key);
    return true;
  });
  const unfolded = kept.map((f) => ({
    name: f.name,
    value: f.parts
      .map((p) => p.trim())
      .filter(Boolean)
      .join(" "),
  }));
  const contentType = unfolded.find((f) => f.name.toLowerCase() === "content-type")?.value ?? "";
  const charset = declaredCharset(contentType);
  const fields = unfolded.map((f) => {
    const bytes = Buffer.from(f.value, "latin1");
    let value = bytes.toString("utf8");
    if (!isUtf8(bytes)) {
      const decoded = decodeText(bytes, charset);
      notes.push(`decoded raw 8-bit bytes in ${f.name} as ${decoded.charset}`);
      value = decoded.text;
    }
    return { name: f.name, value: relabelHeaderCharsets(value, (note) => notes.push(`${f.name}: ${note}`)) };
  });
  return { fields, body, eol: /\r\n/.test(header) ? "\r\n" : "\n", notes };
}

/** The message again, with the repaired header section (UTF-8) and the body bytes untouched. */
export function joinMessage(m: SplitMessage): Buffer {
  const head = m.fields.map((f) => `${f.name}: ${f.value}${m.eol}`).join("");
  return Buffer.concat([Buffer.from(head + m.eol, "utf8"), m.body]);
}

/** The charset parameter of a Content-Type value. */
export function declaredCharset(contentType: string): string | undefined {
  return /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
}

export function headerValue(m: SplitMessage, name: string): string | undefined {
  return m.fields.find((f) => f.name.toLowerCase() === name)?.value;
}

function printable(line: string): string {
  const shown = line.slice(0, 60).replace(/[^\x20-\x7e]/g, "?");
  return line.length > 60 ? `${shown}…` : shown;
}
