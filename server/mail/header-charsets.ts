// Encoded words (RFC 2047: Subject, From names, `name="=?…?="`) and extended parameters (RFC 2231:
// `filename*=charset''%E4…`) are decoded by mailparser (libmime), which reads a charset it does not
// know as UTF-8, so "=?bad-charset?Q?M=E4tterhorn?=" would come out as "M�tterhorn". Before
// mailparser sees a header, each such word gets the label of the charset decodeText (charset.ts)
// reads its bytes in, so headers are repaired exactly as bodies are.
import { decodeText, resolveCharset } from "./charset.js";

const WORD = /=\?([^?\s*]+)((?:\*[^?\s]*)?\?[bq]\?)([^?\s]*)\?=/gi;

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding.toLowerCase() === "b") return Buffer.from(text, "base64");
  const qp = text
    .replace(/_/g, " ")
    .replace(/=([0-9a-f]{2})/gi, (_m, h) => String.fromCharCode(Number.parseInt(h, 16)));
  return Buffer.from(qp, "latin1");
}

/** The label libmime should decode `bytes` with, or null to leave the declared one. */
function relabel(bytes: Buffer, declared: string, onRepair: (note: string) => void): string | null {
  const decoded = decodeText(bytes, declared);
  if (decoded.repair) onRepair(decoded.repair);
  const known = resolveCharset(declared);
  const label = decoded.repair || !known ? decoded.charset : known.codec === "iconv" ? known.name : declared;
  return label.toLowerCase() === declared.toLowerCase() ? null : label;
}

/** The header value with the charset labels of its encoded words and extended parameters repaired. */
export function relabelHeaderCharsets(value: string, onRepair: (note: string) => void): string {
  if (!value.includes("=?") && !value.includes("*")) return value;
  return relabelParameters(relabelWords(value, onRepair), onRepair);
}

// Adjacent words in one charset are judged together: a UTF-8 character may be split between them.
function relabelWords(value: string, onRepair: (note: string) => void): string {
  const words = [...value.matchAll(WORD)];
  if (!words.length) return value;
  const runs: RegExpMatchArray[][] = [];
  for (const [i, w] of words.entries()) {
    const prev = words[i - 1];
    const gap = prev ? value.slice((prev.index ?? 0) + prev[0].length, w.index) : "x";
    const run = runs[runs.length - 1];
    if (run && /^\s*$/.test(gap) && prev[1].toLowerCase() === w[1].toLowerCase()) run.push(w);
    else runs.push([w]);
  }
  const labels = new Map<RegExpMatchArray, string>();
  for (const run of runs) {
    const bytes = Buffer.concat(run.map((w) => wordBytes(w[2].slice(-2, -1), w[3])));
    const label = relabel(bytes, run[0][1], onRepair);
    if (label) for (const w of run) labels.set(w, label);
  }
  let out = "";
  let at = 0;
  for (const w of words) {
    const label = labels.get(w);
    if (!label) continue;
    out += `${value.slice(at, w.index)}=?${label}${w[2]}${w[3]}?=`;
    at = (w.index ?? 0) + w[0].length;
  }
  return out + value.slice(at);
}

// `name*=charset'lang'value` or `name*0*=charset'lang'value; name*1*=value; …`. A name starts only
// where no name character precedes it, so a long run of letters is scanned once, not once per letter.
const EXTENDED = /(?<![\w.-])([\w.-]+)(\*(?:0\*)?)(\s*=\s*"?)([^'";\s]+)('[^'";\s]*'[^";\s]*)/g;
const SEGMENT = /(?<![\w.-])([\w.-]+)\*([1-9]\d{0,3})\*\s*=\s*"?([^";\s]*)/g;

function relabelParameters(value: string, onRepair: (note: string) => void): string {
  if (!value.includes("'")) return value;
  const continued = new Map<string, Map<number, string>>();
  for (const [, name, n, text] of value.matchAll(SEGMENT)) {
    const key = name.toLowerCase();
    if (!continued.has(key)) continued.set(key, new Map());
    continued.get(key)?.set(Number(n), text);
  }
  return value.replace(
    EXTENDED,
    (whole, name: string, star: string, eq: string, charset: string, rest: string) => {
      const more = star === "*0*" ? [...(continued.get(name.toLowerCase()) ?? [])] : [];
      const text = [rest.replace(/^'[^']*'/, ""), ...more.sort(([a], [b]) => a - b).map(([, t]) => t)].join(
        "",
      );
      const bytes = Buffer.from(
        text.replace(/%([0-9a-f]{2})/gi, (_m, h) => String.fromCharCode(Number.parseInt(h, 16))),
        "latin1",
      );
      const label = relabel(bytes, charset, onRepair);
      return label ? `${name}${star}${eq}${label}${rest}` : whole;
    },
  );
}
