// R-MAIL-5: repairing the header sections of parts (raw 8-bit names, unknown charsets) must never
// change a byte of what is stored as content: part bodies and attached messages stay exact.
import { describe, expect, it } from "vitest";
import { parseEmail } from "../../server/mail/parse.js";

const cp1252 = (s: string) =>
  Buffer.from(s.replace(/€/g, "\x80").replace(/–/g, "\x96"), "latin1").toString("latin1");

describe("part header repair", () => {
  it("R-MAIL-5: part headers are repaired while part bodies and an attached 8-bit message keep their exact bytes", async () => {
    const attached = cp1252(
      "From: old@example.com\nSubject: Precio – 5 €\n\nFilename: é.txt – kept as written\n",
    );
    const raw = Buffer.from(
      cp1252(
        [
          "From: sender@example.com",
          "To: sara@concilia.example",
          "Subject: Parts",
          "Message-ID: <parts@example.com>",
          "MIME-Version: 1.0",
          'Content-Type: multipart/mixed; boundary="p"',
          "",
          "--p",
          "Content-Type: text/plain; charset=windows-1252",
          "Content-Transfer-Encoding: 8bit",
          "",
          "Name: looks like a header – 5 €",
          "",
          "--p",
          "",
          "A part without headers – é",
          "--p",
          'Content-Type: application/octet-stream; name="Precio €.bin"',
          "Content-Transfer-Encoding: 8bit",
          "",
          "bytes – €",
          "--p",
          'Content-Type: message/rfc822; name="old.eml"',
          "Content-Disposition: attachment",
          "Content-Transfer-Encoding: 8bit",
          "",
          attached,
          "--p--",
          "",
        ].join("\n"),
      ),
      "latin1",
    );
    const mail = await parseEmail(raw);
    expect(mail.text).toContain("Name: looks like a header – 5 €");
    expect(mail.attachments.map((a) => a.filename)).toEqual(["Precio €.bin", "old.eml"]);
    expect(mail.attachments[0].content.equals(Buffer.from(cp1252("bytes – €"), "latin1"))).toBe(true);
    expect(mail.attachments[1].content.equals(Buffer.from(attached, "latin1"))).toBe(true);
  });
});
