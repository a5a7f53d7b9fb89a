// R-SB-3: the attachments a user unticks in the pane are named to the server by their position in
// the server's attachment list. These tests hold the pane's reading of a message against the
// server's parser (server/mail/parse.ts), on the real-world corpus and on Outlook-shaped messages.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AttachmentSummary } from "../../outlook-addin/src/host/types.js";
import { attachmentParts } from "../../outlook-addin/src/log/attachment-parts.js";
import { buildMessage, type MimeAttachment } from "../../outlook-addin/src/log/mime.js";
import { skipPositions, UnmatchedAttachment } from "../../outlook-addin/src/log/skip-positions.js";
import { parseEmail } from "../../server/mail/parse.js";
import { corpusDir, corpusPresent, mailFixture, mailFixtureNames } from "../harness/corpus.js";

// File names the server reads and the pane does not yet (the pane decodes names with TextDecoder,
// which in Node reads Windows-1252 0x80-0x9F as control characters, and it keeps raw 8-bit bytes
// and unknown charsets as Latin-1): the pane still numbers these attachments right (sizes, order),
// and an attachment whose name it reads differently is paired with what is left, in order.
const PANE_NAME_GAPS = new Set([
  "windows-1252-outlook.eml",
  "iso-8859-1-really-windows-1252.eml",
  "unknown-charset.eml",
  "encoded-word-names.eml",
]);

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed) % 256));

interface OutlookFile {
  id: string;
  name: string;
  type: string;
  inline?: boolean;
  content: Buffer | string;
  kind?: AttachmentSummary["kind"];
}

/** The message as Outlook's EML would carry it, and the attachment list Outlook shows for it. */
function outlookMessage(files: OutlookFile[]) {
  const parts: MimeAttachment[] = files
    .filter((f) => f.kind !== "cloud")
    .map((f) => ({
      name: f.name,
      contentType: f.type,
      inline: Boolean(f.inline),
      content: typeof f.content === "string" ? { text: f.content } : { base64: f.content.toString("base64") },
    }));
  const raw = buildMessage({
    from: { name: "Marta Núñez", email: "marta.nunez@acme-iberia.example" },
    to: [{ name: "Sara Ventas", email: "sara@concilia.demo" }],
    cc: [],
    subject: "Orden de compra",
    date: new Date("2026-11-24T10:00:00Z"),
    messageId: "<order@acme-iberia.example>",
    html: files
      .filter((f) => f.inline)
      .map((f) => `<img src="cid:${f.name}@01DB">`)
      .join(""),
    attachments: parts,
  });
  const list: AttachmentSummary[] = files.map((f) => ({
    id: f.id,
    name: f.name,
    contentType: f.type,
    size: Buffer.byteLength(f.content),
    isInline: Boolean(f.inline),
    kind: f.kind ?? (f.type === "message/rfc822" ? "item" : "file"),
  }));
  return { raw: new TextEncoder().encode(raw), list };
}

/** What the server would store when told to leave out `positions`. */
async function storedNames(raw: Uint8Array, positions: number[]) {
  const mail = await parseEmail(Buffer.from(raw));
  return mail.attachments.filter((_, i) => !positions.includes(i)).map((a) => `${a.filename}:${a.size}`);
}

describe("attachments left out by position", () => {
  it("R-SB-3: the pane numbers every fixture's and corpus message's attachments (name, size, order) as the server does", async () => {
    const messages = [
      ...mailFixtureNames().map((f) => ({ f, raw: mailFixture(f) })),
      ...(corpusPresent("mail")
        ? fs
            .readdirSync(corpusDir("mail"))
            .map((f) => ({ f, raw: fs.readFileSync(path.join(corpusDir("mail"), f)) }))
        : []),
    ];
    expect(messages.length).toBeGreaterThan(20);
    let withAttachments = 0;
    for (const { f, raw } of messages) {
      const server = await parseEmail(raw).then(
        (m) => m.attachments.map((a) => `${a.filename}:${a.size}`),
        () => null,
      );
      if (!server) continue;
      if (server.length) withAttachments++;
      const pane = attachmentParts(new Uint8Array(raw)).map((a) => `${a.name}:${a.size}`);
      const sizes = (list: string[]) => list.map((a) => a.slice(a.lastIndexOf(":")));
      if (PANE_NAME_GAPS.has(f)) expect(sizes(pane), f).toEqual(sizes(server));
      else expect(pane, f).toEqual(server);
    }
    expect(withAttachments).toBeGreaterThanOrEqual(10);
  });

  it("R-SB-3: Outlook lists files before inline images, the message has them the other way round; the unticked ones are found by name", async () => {
    const { raw, list } = outlookMessage([
      { id: "a", name: "orden-de-compra.pdf", type: "application/pdf", content: bytes(900, 7) },
      { id: "b", name: "firma.png", type: "image/png", inline: true, content: bytes(120, 3) },
      { id: "c", name: "anexo-precios.csv", type: "text/csv", content: "item;price\r\nlicence;120\r\n" },
      { id: "d", name: "plano.pdf", type: "application/pdf", kind: "cloud", content: "https://example/x" },
    ]);
    expect(await storedNames(raw, skipPositions(raw, list, new Set(["a"])))).toEqual([
      "firma.png:120",
      "anexo-precios.csv:25",
    ]);
    expect(await storedNames(raw, skipPositions(raw, list, new Set(["b", "c"])))).toEqual([
      "orden-de-compra.pdf:900",
    ]);
    expect(skipPositions(raw, list, new Set())).toEqual([]);
  });

  it("R-SB-3: attachments sharing a name are told apart by size, then by order", async () => {
    const { raw, list } = outlookMessage([
      { id: "big", name: "image001.png", type: "image/png", inline: true, content: bytes(500, 5) },
      { id: "small", name: "image001.png", type: "image/png", inline: true, content: bytes(40, 11) },
      { id: "v1", name: "Report.xlsx", type: "application/octet-stream", content: bytes(64, 13) },
      { id: "v2", name: "report.xlsx", type: "application/octet-stream", content: bytes(64, 17) },
    ]);
    const small = { ...list[1], size: 40 };
    // Outlook's sizes may differ from the file's (Exchange counts its own overhead): then order decides.
    const inexact = list.map((a) => ({ ...a, size: a.size + 200 }));
    expect(
      await storedNames(raw, skipPositions(raw, [small, list[0], ...list.slice(2)], new Set(["small"]))),
    ).toEqual(["image001.png:500", "Report.xlsx:64", "report.xlsx:64"]);
    const mail = await parseEmail(Buffer.from(raw));
    const [v2] = skipPositions(raw, inexact, new Set(["v2"]));
    expect(mail.attachments[v2].filename).toBe("report.xlsx");
    expect(mail.attachments[v2].content.equals(bytes(64, 17))).toBe(true);
  });

  it("R-SB-3: an attached mail, named after its subject in Outlook, is paired by order; an unticked attachment the message lacks stops the logging", async () => {
    const forwarded = "From: a@b.example\r\nSubject: Old thread\r\n\r\nHello\r\n";
    const { raw, list } = outlookMessage([
      { id: "mail", name: "attachment-1.eml", type: "message/rfc822", content: forwarded },
      { id: "pdf", name: "oferta.pdf", type: "application/pdf", content: bytes(300, 9) },
    ]);
    // The rebuilt part carries the name; Outlook's EML for an item attachment may not: rename it in Outlook's list.
    const outlookList = list.map((a) => (a.id === "mail" ? { ...a, name: "Old thread" } : a));
    expect(await storedNames(raw, skipPositions(raw, outlookList, new Set(["mail"])))).toEqual([
      "oferta.pdf:300",
    ]);

    const missing: AttachmentSummary = { ...list[1], id: "ghost", name: "not-there.pdf" };
    const both = [...outlookList, missing];
    expect(() => skipPositions(raw, both, new Set(["ghost"]))).toThrow(UnmatchedAttachment);
    expect(() => skipPositions(raw, both, new Set(["mail"]))).toThrow(/Old thread/);
  });
});
