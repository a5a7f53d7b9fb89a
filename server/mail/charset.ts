// How Concilia reads text in a declared charset (bodies, raw 8-bit headers, encoded words).
//
// - Single- and double-byte charsets are decoded with iconv-lite's tables. Node 20's TextDecoder
//   reads windows-1252 bytes 0x80–0x9F as Latin-1 control characters, so "€", curly quotes, "–"
//   and "…" of Outlook mail would be lost; iconv-lite maps them right.
// - ISO-8859-1 and US-ASCII are read as Windows-1252, as the WHATWG Encoding standard and every
//   browser do: mail declared Latin-1 is very often written in Windows-1252 and keeps its "€".
// - Mail declared in a legacy single-byte charset but written in UTF-8 (a mis-configured sender) is
//   read as UTF-8: accented text in a single-byte charset is almost never valid UTF-8. The other way
//   round, raw header bytes declared UTF-8 that are not are read as Windows-1252.
// - A charset nobody knows ("bad-charset", typos, vendor names) is still read: valid UTF-8 as
//   UTF-8, anything else as Windows-1252, which maps every byte, so umlauts survive instead of
//   turning into "�".
// - What iconv-lite lacks but the WHATWG decoders built into Node have (ISO-2022-JP) is read
//   with those.
import { Transform, type TransformCallback } from "node:stream";
import iconv from "iconv-lite";

const utf8Strict = new TextDecoder("utf-8", { fatal: true });

export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const isAscii = (bytes: Uint8Array) => bytes.every((b) => b < 0x80);

/** Labels of Latin-1 and ASCII, read as Windows-1252 (WHATWG Encoding standard). */
const LATIN1 =
  /^(?:us-?ascii|ascii|ansi_x3\.4-1968|iso[-_]?8859[-_]?1(?::1987)?|8859[-_]?1|latin-?1|l1|cp819|ibm819|iso-ir-100|csisolatin1)$/;
/** iconv-lite codecs that are not charsets text is written in (UTF-7 smuggles markup past filters). */
const NOT_A_CHARSET = /^(?:utf-?7(?:-?imap)?|unicode-1-1-utf-7|base64|hex|binary)$/;
/** Spellings seen in mail that iconv-lite lacks. */
const ALIASES: Record<string, string> = { "x-mac-cyrillic": "maccyrillic", "x-mac-roman": "macroman" };
const UTF8 = /^utf-?8$/;
const SINGLE_BYTE = /^(?:windows-?12\d\d|cp12\d\d|iso-?8859|koi8|mac|ibm866|cp866)/;

export type Charset = { codec: "iconv" | "whatwg"; name: string };

// Looking a name up costs a thrown exception per spelling tried, and a message may name the same
// unknown charset thousands of times, so answers are remembered (a bounded number of them).
const resolved = new Map<string, Charset | null>();
const REMEMBERED = 1000;

/** The decoder for a declared charset, or null when the name is unknown. */
export function resolveCharset(declared: string | undefined): Charset | null {
  const name = (declared ?? "").trim().toLowerCase();
  const known = resolved.get(name);
  if (known !== undefined) return known;
  const answer = lookUp(name);
  if (resolved.size >= REMEMBERED) resolved.clear();
  resolved.set(name, answer);
  return answer;
}

function lookUp(name: string): Charset | null {
  if (!name || NOT_A_CHARSET.test(name)) return null;
  if (LATIN1.test(name)) return { codec: "iconv", name: "windows-1252" };
  // Canonical spellings first, so that the name given back is the one SINGLE_BYTE recognises.
  const respelled = (pattern: RegExp, to: string) => (pattern.test(name) ? name.replace(pattern, to) : "");
  const candidates = new Set([
    ALIASES[name] ?? "",
    respelled(/^win(?:dows)?[-_]?(\d+)$/, "windows-$1"),
    respelled(/^(?:iso[-_]?)?8859[-_]?(\d+)$/, "iso-8859-$1"),
    respelled(/^cp[-_]?(12\d\d)$/, "windows-$1"),
    respelled(/^x-/, ""),
    name,
  ]);
  for (const label of candidates)
    if (label && !NOT_A_CHARSET.test(label) && iconvKnows(label)) return { codec: "iconv", name: label };
  // The WHATWG labels (ISO-2022-JP, ...) are tried as declared: an unknown one costs one exception.
  try {
    return { codec: "whatwg", name: new TextDecoder(name).encoding };
  } catch {
    return null;
  }
}

// iconv-lite's own check throws and catches an error per unknown name; its table answers directly.
iconv.encodingExists("utf-8");
const iconvKnows = (label: string) =>
  iconv.encodings?.[iconv._canonicalizeEncoding(label) as keyof typeof iconv.encodings] !== undefined;

export interface DecodedText {
  text: string;
  /** The charset the bytes were read in: the declared one, or "utf-8" / "windows-1252". */
  charset: string;
  /** Set when the bytes were not read in the declared charset, saying why. */
  repair: string | null;
}

/** Decodes bytes declared in `declared`; an unknown, missing or wrong charset is handled as above. */
export function decodeText(bytes: Uint8Array, declared?: string): DecodedText {
  const known = resolveCharset(declared);
  const ascii = isAscii(bytes);
  const utf8 = ascii || isUtf8(bytes);
  const mislabelled =
    known && !ascii && (SINGLE_BYTE.test(known.name) ? utf8 : UTF8.test(known.name) && !utf8);
  if (known && !mislabelled) return { text: decodeWith(known, bytes), charset: known.name, repair: null };
  if (known && !utf8)
    return {
      text: iconv.decode(Buffer.from(bytes), "windows-1252"),
      charset: "windows-1252",
      repair: `text declared "${declared}" is not UTF-8 and was read as Windows-1252`,
    };
  if (utf8) {
    const repair = ascii
      ? null
      : known
        ? `text declared "${declared}" is UTF-8 and was read as UTF-8`
        : `unknown charset "${declared ?? ""}" read as UTF-8`;
    return { text: Buffer.from(bytes).toString("utf8"), charset: "utf-8", repair };
  }
  return {
    text: iconv.decode(Buffer.from(bytes), "windows-1252"),
    charset: "windows-1252",
    repair: `unknown charset "${declared ?? ""}" read as Windows-1252`,
  };
}

function decodeWith(charset: Charset, bytes: Uint8Array): string {
  if (charset.codec === "iconv") return iconv.decode(Buffer.from(bytes), charset.name);
  return new TextDecoder(charset.name).decode(bytes);
}

/**
 * mailparser's `Iconv` hook: it receives every body part that is not declared ASCII or UTF-8 and
 * emits UTF-8. The whole part is buffered so a multi-byte character is never split between chunks.
 */
export function fallbackIconv(onRepair: (note: string) => void) {
  return class FallbackIconv extends Transform {
    private chunks: Buffer[] = [];
    constructor(private charset: string) {
      super();
    }
    override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
      this.chunks.push(chunk);
      done();
    }
    override _flush(done: TransformCallback): void {
      const { text, repair } = decodeText(Buffer.concat(this.chunks), this.charset);
      if (repair) onRepair(repair);
      this.push(Buffer.from(text, "utf8"));
      done();
    }
  };
}
