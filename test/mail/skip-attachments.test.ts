// R-SB-3 on the server: logging a message while leaving some of its attachments out
// (POST /api/v1/emails?skipAttachment=<position>). The message is sent unchanged; what is left out
// is never stored, neither as a row nor as a blob.
import { createHash } from "node:crypto";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobs } from "../../server/db/schema.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { anaWithCarla, logRaw } from "../harness/logged-mail.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const b64 = (b: Buffer) => b.toString("base64").replace(/.{76}/g, "$&\r\n");
// Bytes a text transformation would spoil: CR, LF, NUL and high bytes.
const CONTRACT = Buffer.concat([
  Buffer.from("%PDF-1.4\n"),
  Buffer.from([0, 13, 10, 255, 128]),
  Buffer.from("%%EOF"),
]);
const PRICES = Buffer.from("item;price\r\nlicence;120\r\n");
const LOGO = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

let seq = 0;
/** HTML showing the logo by cid, then two files: attachment positions 0 (logo), 1 (contract), 2 (prices). */
function message(messageId = `<skip${++seq}.${Date.now()}@mail.test>`): Buffer {
  const part = (type: string, name: string, bytes: Buffer, cid?: string) =>
    `Content-Type: ${type}; name="${name}"\r\nContent-Disposition: ${cid ? "inline" : "attachment"}; filename="${name}"\r\n` +
    `${cid ? `Content-ID: <${cid}>\r\n` : ""}Content-Transfer-Encoding: base64\r\n\r\n${b64(bytes)}`;
  const related =
    `Content-Type: multipart/related; boundary="rel"\r\n\r\n` +
    `--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Signed offer attached.</p><img src="cid:logo@mail.test">\r\n` +
    `--rel\r\n${part("image/png", "logo.png", LOGO, "logo@mail.test")}\r\n--rel--\r\n`;
  return Buffer.from(
    [
      "From: Carla Client <carla@client.test>",
      "To: ana@acme.test",
      "Subject: Signed offer",
      "Date: Tue, 04 Mar 2025 10:15:00 +0100",
      `Message-ID: ${messageId}`,
      "MIME-Version: 1.0",
      `Content-Type: multipart/mixed; boundary="mix"`,
      "",
      `--mix\r\n${related}\r\n--mix\r\n${part("application/pdf", "contract.pdf", CONTRACT)}\r\n` +
        `--mix\r\n${part("text/csv", "prices.csv", PRICES)}\r\n--mix--\r\n`,
    ].join("\r\n"),
  );
}

describe.each(engines)("logging with attachments left out (%s)", (engine) => {
  let s: TestServer;
  let ana: { token: string };

  const log = (raw: Buffer, query = "") => logRaw(s, ana.token, raw, query);
  const get = (url: string) =>
    s.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${ana.token}` } });
  // Every stored blob has a row, whichever store keeps its bytes.
  const blobCount = async () => Number((await s.ctx.db.select({ n: count() }).from(blobs))[0].n);

  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await anaWithCarla(s);
  });
  afterAll(() => s?.close());

  it("R-SB-3: skipping one of two file attachments stores only the other, byte-exact, and no blob of the skipped one", async () => {
    const before = await blobCount();
    const r = await log(message(), "?skipAttachment=1");
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ attachments: 2, skippedAttachments: 1, alreadyLogged: false });
    const activity = (await get(`/api/v1/activities/${r.json().activityId}`)).json();
    const files = activity.email.attachments as { id: string; filename: string; sha256: string }[];
    expect(files.map((f) => f.filename)).toEqual(["logo.png", "prices.csv"]);
    const prices = files.find((f) => f.filename === "prices.csv")!;
    const download = await get(`/api/v1/activities/${activity.id}/attachments/${prices.id}`);
    expect(download.rawPayload.equals(PRICES)).toBe(true);
    expect((await blobCount()) - before).toBe(2);
    expect(await s.ctx.blobs.has(sha(CONTRACT))).toBe(false);
    expect(await s.ctx.blobs.has(sha(PRICES))).toBe(true);
  });

  it("R-SB-3: skipping the inline image leaves the body without it, and repeats of the message answer alreadyLogged whatever they skip", async () => {
    const raw = message();
    const r = await log(raw, "?skipAttachment=0&skipAttachment=2");
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ attachments: 1, skippedAttachments: 2 });
    const activity = (await get(`/api/v1/activities/${r.json().activityId}`)).json();
    expect(activity.email.attachments.map((f: { filename: string }) => f.filename)).toEqual(["contract.pdf"]);
    expect(activity.email.html).toContain("Signed offer attached.");
    expect(activity.email.html).not.toContain("/attachments/");

    for (const query of ["", "?skipAttachment=1", "?skipAttachment=7"]) {
      const again = await log(raw, query);
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({
        activityId: r.json().activityId,
        alreadyLogged: true,
        attachments: 1,
        skippedAttachments: 2,
      });
    }
  });

  it("R-SB-3: a position the message does not have, or one that is not a position, is refused and nothing is stored", async () => {
    const raw = message();
    const beyond = await log(raw, "?skipAttachment=3");
    expect(beyond.statusCode).toBe(422);
    expect(beyond.json().detail).toContain("3 attachments (positions 0 to 2)");
    const word = await log(raw, "?skipAttachment=contract.pdf");
    expect(word.statusCode).toBe(400);
    expect(word.json().errors[0].path).toContain("skipAttachment");
    const typo = await log(raw, "?skipAttachments=1");
    expect(typo.statusCode).toBe(400);
    const later = await log(raw);
    expect(later.statusCode, later.body).toBe(201);
    expect(later.json()).toMatchObject({ attachments: 3, skippedAttachments: 0 });
  });
});
