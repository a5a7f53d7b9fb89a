// Text in a charset nobody knows ("bad-charset", vendor names, typos) is still read: valid UTF-8 is
// taken as UTF-8, anything else as Windows-1252, which maps every byte, so a message declared in a
// made-up charset keeps its umlauts instead of turning them into "�". Known charsets are decoded
// with the WHATWG decoders built into Node (ICU: ISO-2022-JP, KOI8-R, EUC-KR, x-mac-cyrillic, ...).
import { Transform, type TransformCallback } from "node:stream";

const utf8Strict = new TextDecoder("utf-8", { fatal: true });

export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Spellings seen in mail that the WHATWG label list lacks. */
const ALIASES: Record<string, string> = { cp949: "euc-kr" };

function labelsToTry(charset: string): string[] {
  const name = charset.trim().toLowerCase();
  return [
    name,
    ALIASES[name] ?? name,
    name.replace(/^x-/, ""),
    name.replace(/^win(?:dows)?[-_]?(\d+)$/, "windows-$1"),
    name.replace(/^(?:iso[-_]?)?8859[-_]?(\d+)$/, "iso-8859-$1"),
    name.replace(/^cp[-_]?(\d+)$/, "windows-$1"),
  ];
}

/** A decoder for a declared charset, or null when the name is unknown. */
export function knownDecoder(charset: string | undefined): TextDecoder | null {
  if (!charset) return null;
  for (const label of labelsToTry(charset)) {
    try {
      return new TextDecoder(label);
    } catch {}
  }
  return null;
}

// A legacy single-byte text (Latin-1, KOI8-R, ...) with accented letters is almost never valid
// UTF-8, while mail declared in one of them but written in UTF-8 is common (mis-configured senders).
const SINGLE_BYTE = /^(?:windows-12|iso-8859-|koi8-|x-mac-|macintosh|ibm866)/;

/** Decodes bytes declared in `charset`; an unknown or missing charset falls back as explained above. */
export function decodeText(bytes: Uint8Array, charset?: string): { text: string; fallback: boolean } {
  const known = knownDecoder(charset);
  if (known && !(SINGLE_BYTE.test(known.encoding) && isUtf8(bytes)))
    return { text: known.decode(bytes), fallback: false };
  if (isUtf8(bytes)) return { text: new TextDecoder("utf-8").decode(bytes), fallback: true };
  return { text: new TextDecoder("windows-1252").decode(bytes), fallback: true };
}

/**
 * mailparser's `Iconv` hook: it receives every body part that is not declared ASCII or UTF-8 and
 * emits UTF-8. The whole part is buffered so a multi-byte character is never split between chunks.
 */
export function fallbackIconv(onFallback: (charset: string) => void) {
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
      const { text, fallback } = decodeText(Buffer.concat(this.chunks), this.charset);
      if (fallback) onFallback(this.charset);
      this.push(Buffer.from(text, "utf8"));
      done();
    }
  };
}
