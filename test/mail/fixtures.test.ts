// The repository's own mail fixtures (test/fixtures/mail, written by make-fixtures.ts), one kind of
// real-world trouble each, read the way a correct parser must read them (R-MAIL-1, R-MAIL-5).
// inspectMail is what the ingest pipeline would store. The same kinds are covered by the shared
// corpus of real mail (corpus.test.ts), which a plain clone does not have.
import { describe, expect, it } from "vitest";
import { parseEmail } from "../../server/mail/parse.js";
import { mailFixture, mailFixtureNames } from "../harness/corpus.js";
import { inspectRaw, names, sha256 } from "./inspected.js";

const inspect = (name: string) => inspectRaw(mailFixture(name));
/** The fake PDF make-fixtures.ts attaches, binary bytes included. */
const PDF_SHA = sha256(
  Buffer.concat([
    Buffer.from("%PDF-1.4\n"),
    Buffer.from([0, 1, 2, 0x80, 0xff, 13, 10]),
    Buffer.from("\n%%EOF\n"),
  ]),
);

describe("mail fixtures", () => {
  it("R-MAIL-1: every fixture but the broken-beyond-repair one parses, with a sender and a stable Message-ID", async () => {
    const files = mailFixtureNames();
    expect(files.length).toBeGreaterThanOrEqual(25);
    for (const f of files.filter((f) => f !== "wrong-boundary.eml")) {
      const m = await inspect(f);
      expect(m.from?.address, f).toMatch(/@/);
      expect(m.messageId, f).toMatch(/\S@\S/);
      expect(m.messageId, f).not.toMatch(/[<>\s]/);
      expect(`${m.subject}${m.text}${m.html ?? ""}`, f).not.toMatch(/[\u0000\ufffd\u0080-\u009f]/);
      expect(names(m).join(""), f).not.toMatch(/[\ufffd\u0080-\u009f]/);
      expect((await inspect(f)).messageId, `${f} again`).toBe(m.messageId);
    }
  });

  describe("charsets", () => {
    it("R-MAIL-5: a windows-1252 Outlook message keeps €, curly quotes, – and … in body, subject, sender and file name", async () => {
      const m = await inspect("windows-1252-outlook.eml");
      expect(m.subject).toBe("Presupuesto 2025 – 1.250 € …");
      expect(m.from).toEqual({ name: "María “Mari” Núñez", address: "maria.nunez@acme-iberia.example" });
      expect(m.text).toContain("el presupuesto es de 1.250 € – “precio cerrado” hasta el 31 de marzo…");
      expect(m.html).toContain("<b>1.250 €</b> – “precio cerrado” hasta el 31 de marzo…");
      // The RFC 2231 file name of the disposition wins over the encoded word of the type.
      expect(m.attachments).toEqual([
        expect.objectContaining({ filename: "Presupuesto € 2025 – año.pdf", sha256: PDF_SHA }),
      ]);
      expect(m.notes).toEqual([]);
    });

    it("R-MAIL-5: mail declared iso-8859-1 but written in windows-1252 keeps € in raw subject, body, sender and RFC 2231 name", async () => {
      const m = await inspect("iso-8859-1-really-windows-1252.eml");
      expect(m.subject).toBe("Fattura n° 12 – 300 €");
      expect(m.from?.name).toBe("Niccolò “Nico”");
      expect(m.text).toBe("Buongiorno,\nil totale è 300 € – grazie dell’attenzione…\n");
      expect(names(m)).toEqual(["Fattura n° 12 €.pdf"]);
    });

    it("R-MAIL-5: iso-8859-15 has € and œ where Latin-1 has ¤ and ½", async () => {
      const m = await inspect("iso-8859-15.eml");
      expect(m.subject).toBe("Œuvre à 20 €");
      expect(m.from?.name).toBe("Zoé");
      expect(m.text).toContain("Le cœur de l'offre : 20 € par œuvre.");
    });

    it("R-MAIL-1: a UTF-8 byte order mark before the message and before the text is not kept", async () => {
      const m = await inspect("utf-8-bom.eml");
      expect(m.subject).toBe("Grüße aus München");
      expect(m.text).toBe("Grüße aus München, und 5 € für den Kaffee.\n");
    });

    it("R-MAIL-5: unknown charsets in body parts, encoded words and RFC 2231 names are read as UTF-8 or Windows-1252", async () => {
      const m = await inspect("unknown-charset.eml");
      expect(m.subject).toBe("Mätterhorn – 5 €");
      expect(m.from?.name).toBe("Jörg");
      expect(m.text).toBe("Mätterhorn – 5 €\n");
      expect(m.html).toContain("Matterhörn – 5 €");
      expect(names(m)).toEqual(["Präsentation.ppt"]);
      expect(m.notes).toEqual(
        expect.arrayContaining([
          'Subject: unknown charset "unknown-8bit" read as Windows-1252',
          'unknown charset "x-bad" read as UTF-8',
        ]),
      );
    });

    it("R-MAIL-5: a pure-ASCII part declared iso-8859-1 gets no repair note", async () => {
      const m = await inspect("tnef-winmail.eml");
      expect(m.text).toBe("Plain ASCII text, declared Latin-1, as Outlook sends it.");
      expect(m.notes).toEqual([]);
    });

    it("R-MAIL-1: GB2312 subject, sender, text and encoded-word file name", async () => {
      const m = await inspect("gb2312.eml");
      expect(m.subject).toBe("报价单 2025");
      expect(m.from?.name).toBe("王小明");
      expect(m.text).toBe("您好，报价单见附件。\n");
      expect(names(m)).toEqual(["报价单.xls"]);
    });

    it("R-MAIL-1: ISO-2022-JP subject and Shift_JIS 8bit text", async () => {
      const m = await inspect("shift_jis.eml");
      expect(m.subject).toBe("日本語テスト (Japanese)");
      expect(m.text).toContain("見積書を添付します。");
    });

    it("R-MAIL-1: a raw KOI8-R subject is read in the message's charset", async () => {
      const m = await inspect("koi8-r-raw-header.eml");
      expect(m.subject).toBe("Счёт на оплату");
      expect(m.text).toContain("Добрый день! Счёт во вложении.");
    });

    it("R-MAIL-1: x-mac-cyrillic sender, subject and text", async () => {
      const m = await inspect("x-mac-cyrillic.eml");
      expect(m.from?.name).toBe("Ольга");
      expect(m.subject).toBe("Конференция 2025");
      expect(m.text).toContain("Приглашаем на конференцию.");
    });

    it("R-MAIL-1: ks_c_5601-1987 text and an RFC 2047 file name inside a quoted parameter", async () => {
      const m = await inspect("ks_c_5601-1987.eml");
      expect(m.subject).toBe("[Korea] 사진");
      expect(m.text).toContain("사진을 보냅니다.");
      expect(names(m)).toEqual(["사진.JPG"]);
    });
  });

  describe("broken MIME", () => {
    it("R-MAIL-1: a missing closing boundary still gives the body and the cut attachment", async () => {
      const m = await inspect("missing-end-boundary.eml");
      expect(m.text.trim()).toBe("The body is here.");
      expect(names(m)).toEqual(["data.bin"]);
      const parsed = await parseEmail(mailFixture("missing-end-boundary.eml"));
      expect(parsed.attachments[0].content.toString()).toBe("The attachment is here.");
    });

    it("R-MAIL-1: an unquoted boundary containing '=' still splits the parts", async () => {
      const m = await inspect("unquoted-boundary-with-equals.eml");
      expect(m.text.trim()).toBe("Plain part of the message.");
      expect(m.html).toContain("HTML part of the message.");
    });

    it("R-MAIL-5: a boundary on a text/html message still gives the HTML", async () => {
      const m = await inspect("boundary-on-text-html.eml");
      expect(m.html).toContain("Single HTML part „offer“.");
      expect(m.attachments).toEqual([]);
    });

    it("R-P-4: a multipart whose declared boundary never appears is refused with a clear 422", async () => {
      await expect(parseEmail(mailFixture("wrong-boundary.eml"))).rejects.toMatchObject({
        status: 422,
        detail: expect.stringContaining('boundary "declared" never appears'),
      });
    });

    it("R-MAIL-1: mbox From line, duplicate headers (the first counts), whitespace-only folds, no Message-ID", async () => {
      const m = await inspect("duplicate-and-folded-headers.eml");
      expect(m.subject).toBe("Badly folded subject");
      expect(m.from).toEqual({ address: "first@example.com" });
      expect(m.to).toEqual([{ name: "Recipient  with  spaces", address: "recipient@example.com" }]);
      expect(m.date).toBe("2025-03-17T09:00:00.000Z");
      expect(m.syntheticMessageId).toBe(true);
      expect(m.text.trim()).toBe("Body of a message without Message-ID.");
    });
  });

  describe("S/MIME, TNEF and attached messages", () => {
    it("R-MAIL-1: an S/MIME signed message keeps its text and stores the signature as smime.p7s", async () => {
      const m = await inspect("smime-signed.eml");
      expect(m.text.trim()).toBe("The signed text.");
      expect(m.html).toContain("The signed text.");
      expect(m.attachments).toEqual([
        expect.objectContaining({ filename: "smime.p7s", contentType: "application/pkcs7-signature" }),
      ]);
    });

    it("R-MAIL-1: an opaque S/MIME message is stored as its smime.p7m with the exact bytes", async () => {
      const m = await inspect("smime-opaque.eml");
      expect(m.html).toBeNull();
      expect(m.text).toBe("");
      const parsed = await parseEmail(mailFixture("smime-opaque.eml"));
      expect(names(m)).toEqual(["smime.p7m"]);
      expect(parsed.attachments[0].content.subarray(0, 4)).toEqual(Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    });

    it("R-MAIL-5: winmail.dat (TNEF) is kept as a file with its exact bytes", async () => {
      const parsed = await parseEmail(mailFixture("tnef-winmail.eml"));
      expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
        ["winmail.dat", "application/ms-tnef"],
      ]);
      expect(parsed.attachments[0].content.readUInt32LE(0)).toBe(0x223e9f78);
    });

    it("R-MAIL-1: an attached message is one .eml with its exact bytes; an inline one gives its files; an empty one nothing", async () => {
      const raw = mailFixture("nested-rfc822.eml");
      const parsed = await parseEmail(raw);
      expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
        ["The original offer.eml", "message/rfc822"],
        ["precios año.csv", "text/csv"],
      ]);
      const eml = parsed.attachments[0].content;
      const start = raw.indexOf("From: client@example.com");
      expect(eml.equals(raw.subarray(start, start + eml.length))).toBe(true);
      expect(eml.toString()).toMatch(/--inner--\n$/);
      const inner = await parseEmail(eml);
      expect(inner.subject).toBe("The original offer");
      expect(inner.attachments.map((a) => a.sha256)).toEqual([PDF_SHA]);
      expect(parsed.text).toContain("Inline forwarded text.");
    });
  });

  describe("attachment names and inline images", () => {
    it("R-MAIL-1: RFC 2231 names: UTF-8 split between continuations, ISO-8859-1, quoted continuations, a language tag", async () => {
      const m = await inspect("rfc2231-names.eml");
      expect(names(m)).toEqual([
        "€ Angebot für München.pdf",
        "Año 2025.txt",
        "a very long name that was split in two.txt",
        "Città.txt",
      ]);
    });

    it("R-MAIL-1: encoded-word and raw 8-bit names: folded UTF-8 words, Q in a quoted filename, raw UTF-8, raw Windows-1252", async () => {
      const m = await inspect("encoded-word-names.eml");
      expect(names(m)).toEqual(["Übersicht für Q1 ✔.pdf", "Français.doc", "ciële.txt", "Präsentation €.pdf"]);
    });

    it("R-MAIL-5: a cid image is inline and shown from its attachment; an unreferenced one is a plain file", async () => {
      const m = await inspect("inline-cid-images.eml");
      expect(m.attachments.map((a) => [a.filename, a.inline, a.contentId])).toEqual([
        ["logo.png", true, "logo.png@01DB1234"],
        ["spacer.gif", false, "spacer@01DB1234"],
        ["plan.pdf", false, null],
      ]);
      expect(m.html).toContain('<img alt="logo" src="attachments/0" />');
      expect(m.html).not.toContain("cid:");
    });
  });

  describe("bodies and headers", () => {
    it("R-MAIL-5: HTML only: script, style, meta refresh, handlers and javascript: links removed, the tracking pixel not loaded, text derived", async () => {
      const m = await inspect("html-only.eml");
      for (const bad of [
        "<script",
        "HiddenCity",
        "<style",
        "opacity",
        "<meta",
        "localhost",
        "onclick",
        "onerror",
        "<object",
        "javascript:",
      ])
        expect(m.html, bad).not.toContain(bad);
      expect(m.html).not.toMatch(/\ssrc="https?:/);
      expect(m.html).toContain('data-remote-src="https://tracker.example.com/open.gif?u=1"');
      expect(m.html).toContain('href="https://example.com/offer"');
      expect(m.text).toContain("Offer for Münster: AT&T < 5 €");
      expect(m.text).not.toMatch(/HiddenCity|opacity/);
    });

    it("R-MAIL-5: an empty text part of Word HTML is replaced by the HTML's text; Office markup is removed", async () => {
      const m = await inspect("outlook-word-html.eml");
      expect(m.text).toBe("Buongiorno, la riunione è confermata – a presto…");
      expect(m.html).toContain("<p>Buongiorno, la riunione è confermata – a presto…</p>");
      expect(m.html).not.toMatch(/<o:p|<!--|xmlns|mso/);
    });

    it("R-MAIL-1: format=flowed delsp=yes text is joined where the sender wrapped it", async () => {
      const m = await inspect("format-flowed.eml");
      expect(m.text).toBe(
        "This is a long line that was wrapped by the sender, café included.\n> A quoted line.",
      );
    });

    it("R-MAIL-1: both alternatives (body and footer) are kept and text/watch-html is neither body nor file", async () => {
      const m = await inspect("watch-html-and-footer.eml");
      expect(m.text).toBe("Dear Sir,\nThe footer");
      expect(m.html).toBe("<p>Dear Sir,</p><br />\n<p>The footer</p>");
      expect(m.attachments).toEqual([]);
    });

    it("R-MAIL-1: NUL bytes in a body never reach the stored text", async () => {
      const m = await inspect("nul-bytes.eml");
      expect(m.text).toBe("Text with a NUL byte inside.\n");
    });

    it("R-MAIL-1: huge headers (300 Received, 500 References, a 40-line subject, a 20 kB field) are read whole", async () => {
      const m = await inspect("huge-headers.eml");
      expect(m.subject).toBe(Array.from({ length: 40 }, (_, i) => `part${i}`).join(" "));
      expect(m.references).toHaveLength(500);
      expect(m.references[499]).toBe(`ref-499.${"x".repeat(20)}@example.com`);
      expect(m.text.trim()).toBe("Short body after huge headers.");
    });

    it("R-MAIL-1: a message that is one base64 attachment has no body and that file", async () => {
      const m = await inspect("base64-root-attachment.eml");
      expect(m.subject).toBe("");
      expect(m.html).toBeNull();
      expect(m.attachments).toEqual([
        expect.objectContaining({ filename: "scan.png", contentType: "image/png", size: 70 }),
      ]);
    });

    it("R-MAIL-1: raw UTF-8 subject and sender name, emoji included", async () => {
      const m = await inspect("raw-utf8-headers.eml");
      expect(m.subject).toBe("Reunión 🎉 del lunes");
      expect(m.from).toEqual({ name: "José Ñandú", address: "jose@example.com" });
    });

    it("R-MAIL-1: an invitation stores invite.ics, not the text/calendar twin of its body", async () => {
      const m = await inspect("calendar-invite.eml");
      expect(names(m)).toEqual(["invite.ics"]);
      expect(m.text.trim()).toBe("You are invited to the review.");
    });
  });
});
