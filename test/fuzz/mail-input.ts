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
    if (body.html && /<script|\son\w+\s*=|javascript:/i.test(body.html))
      throw new Error(`the rendered body keeps code: ${body.html.slice(0, 300)}`);
    if (typeof body.text !== "string") throw new Error("no plain-text rendition");
    tally("parsed");
  }
}
