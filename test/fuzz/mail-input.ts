// R-P-4, R-MAIL-5 for MIME, in-process: the parse and the body rendering the ingest runs, fed broken and
// legacy messages. Each either parses into a message whose parts all have a name, a type and bytes and
// whose rendered body holds no script, or is refused with a 4xx problem that says why.
import fc from "fast-check";
import { HttpProblem } from "../../server/api/problem.js";
import { renderBody } from "../../server/mail/body.js";
import { parseEmail } from "../../server/mail/parse.js";
import { badMessage } from "./generators.js";
import { type FuzzTally, startCase } from "./provider-answers.js";

export async function fuzzMailParse(runs: number, seed?: number): Promise<FuzzTally> {
  const t: FuzzTally = { cases: 0, outcomes: {} };
  const tally = (o: string) => {
    t.outcomes[o] = (t.outcomes[o] ?? 0) + 1;
  };
  await fc.assert(
    fc.asyncProperty(badMessage, async (raw) => {
      t.cases++;
      const done = startCase(t);
      try {
        await mailCase(raw);
      } finally {
        done();
      }
    }),
    { numRuns: runs, seed },
  );
  return t;

  async function mailCase(raw: Buffer) {
    let mail: Awaited<ReturnType<typeof parseEmail>>;
    try {
      mail = await parseEmail(raw);
    } catch (err) {
      if (err instanceof HttpProblem && err.status >= 400 && err.status < 500 && err.detail) {
        tally(`refused ${err.status}`);
        return;
      }
      throw err;
    }
    for (const a of mail.attachments)
      if (typeof a.filename !== "string" || !a.contentType || !Buffer.isBuffer(a.content))
        throw new Error(
          `an attachment without name, type or bytes: ${JSON.stringify({ ...a, content: undefined })}`,
        );
    const body = renderBody(mail, () => undefined);
    const code = body.html ? codeIn(body.html) : null;
    if (code) throw new Error(`the rendered body keeps code (${code}): ${body.html?.slice(0, 300)}`);
    if (typeof body.text !== "string") throw new Error("no plain-text rendition");
    tally("parsed");
  }
}

/**
 * What in rendered HTML would run: a script element, an event handler attribute, or a URL attribute
 * whose value, entities decoded, starts with `javascript:`. The words "javascript:" inside text or
 * inside a relative URL (`href="3D&quot;javascript:x&quot;"`, a quoted-printable `=3D` left undecoded)
 * run nothing.
 */
export function codeIn(html: string): string | null {
  if (/<script/i.test(html)) return "a script element";
  for (const tag of html.match(/<[a-z][^>]*>/gi) ?? [])
    for (const [, name, , dq, sq, bare] of tag.matchAll(
      /\s([^\s=/>]+)\s*(=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g,
    )) {
      if (/^on/i.test(name)) return `the handler ${name}`;
      const value = decodeEntities(dq ?? sq ?? bare ?? "").replace(/[\s\u0000-\u001f]/g, "");
      if (/^(?:javascript|vbscript):/i.test(value)) return `a ${name} running ${value.slice(0, 40)}`;
    }
  return null;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);?/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(
      /&(quot|apos|lt|gt|colon|tab|newline|amp);/gi,
      (_, n: string) =>
        ({ quot: '"', apos: "'", lt: "<", gt: ">", colon: ":", tab: "\t", newline: "\n", amp: "&" })[
          n.toLowerCase()
        ] ?? "",
    );
