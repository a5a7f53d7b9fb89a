// The real-world messages of ../shared/corpus/mail, each read the way its README entry says a
// correct parser must read it (R-MAIL-1, R-MAIL-5). inspectMail is what the pipeline would store.
// The corpus is beside the repository, not in it: where it is missing (a plain clone) this file is not
// collected (vitest.config.ts) and `npm test` says so; test/mail/fixtures.test.ts covers the same kinds
// of mail.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEmail } from "../../server/mail/parse.js";
import { corpusDir, corpusPresent } from "../harness/corpus.js";
import { inspectRaw, names, sha256 } from "./inspected.js";

const DIR = corpusDir("mail");
const raw = (name: string) => fs.readFileSync(path.join(DIR, name));

const inspect = (name: string) => inspectRaw(raw(name));

// Collected only where the corpus exists (vitest.config.ts); run by hand without it, this says why.
if (!corpusPresent("mail"))
  throw new Error(`The shared corpus is not at ${corpusDir("mail")} (set CONCILIA_CORPUS).`);
describe("mail corpus", corpusTests);

function corpusTests(): void {
  it("R-MAIL-1: every corpus file parses, with a subject or a sender and a stable Message-ID", async () => {
    const files = fs.readdirSync(DIR);
    expect(files).toHaveLength(29);
    for (const f of files) {
      const m = await inspect(f);
      expect(m.from?.address ?? m.to[0]?.address, f).toMatch(/@/);
      expect(m.messageId, f).toMatch(/\S@\S/);
      expect(m.messageId, f).not.toMatch(/[<>\s]/);
      expect(m.text, f).not.toContain("\u0000");
      expect((await inspect(f)).messageId, `${f} again`).toBe(m.messageId);
    }
  });

  it("R-MAIL-1: 30-plaintext+(HTML+embedded-image)+attachment: windows-1252 QP text and HTML, the cid image points at its attachment", async () => {
    const m = await inspect("comm-central__30-plaintext+(HTML+embedded-image)+attachment.eml");
    expect(m.subject).toBe("30 plaintext + (HTML + embedded image) + attachment");
    expect(m.text).toContain("hähä");
    expect(m.html).toContain("höhö");
    expect(names(m)).toEqual(["kigaaldcbanejcbi.png", "attach2.png"]);
    expect(m.attachments.map((a) => a.inline)).toEqual([true, false]);
    expect(m.attachments[0].contentId).toBe("part1.8C5E6A81.D0C1B91A@example.com");
    expect(m.html).toContain('<img alt="" src="attachments/0" />');
    expect(m.html).not.toContain("cid:");
  });

  it("R-MAIL-1: bad-charset: each part of an unknown charset is decoded sensibly (Mätterhorn, Matterhörn)", async () => {
    const m = await inspect("comm-central__bad-charset.eml");
    expect(m.subject).toBe("plaintext + HMTL, both with a bad charset");
    expect(m.text).toContain("Mätterhorn");
    expect(m.html).toContain("Matterhörn");
    expect(`${m.text}${m.html}`).not.toContain("\ufffd");
    expect(m.attachments).toHaveLength(0);
  });

  it("R-MAIL-1: badly-folded-headers: folds and whitespace-only continuation lines are unfolded as Thunderbird does", async () => {
    const m = await inspect("comm-central__badly-folded-headers.eml");
    expect(m.subject).toBe("Badly folded headers, one line with   space   between   To and From");
    expect(m.to).toEqual([{ name: "Recipient  with  spaces", address: "recipient@example.com" }]);
    expect(m.from).toEqual({ address: "sender@example.com" });
    expect(m.text.trim()).toBe("Here's our body");
    expect(m.html).toBeNull();
    expect(m.syntheticMessageId).toBe(true);
  });

  it("R-MAIL-5: evil-meta-msg: meta refresh, object and onerror are removed, KABOOM! stays", async () => {
    const m = await inspect("comm-central__evil-meta-msg.eml");
    expect(m.subject).toBe("test case 17");
    expect(m.html).toContain("KABOOM!");
    for (const bad of ["<meta", "refresh", "localhost:8090", "<object", "onerror", "alert("])
      expect(m.html).not.toContain(bad);
    expect(m.text).toContain("KABOOM!");
  });

  it("R-MAIL-1: evil.eml: of duplicate headers the first one counts", async () => {
    const m = await inspect("comm-central__evil.eml");
    expect(m.subject).toBe("An email");
    expect(m.from?.address).toBe("from@example.com");
    expect(m.sender?.address).toBe("send1@example.com");
    expect(m.messageId).toBe("11111111-bdfd-ca83-6479-3427940164a8@invalid");
    expect(m.date).toBe("2011-01-10T17:00:00.000Z");
    expect(m.references).toEqual([
      "aaaaaaaa-3d7b-22d2-f859-4c1e6a2164d6@invalid",
      "bbbbbbb-3d7b-22d2-f859-4c1e6a2164d6@invalid",
    ]);
    expect(m.text.trim()).toBe("Hello there");
  });

  it("R-MAIL-5: html-entities-and-styles: script and style never reach HTML or text; entities are decoded", async () => {
    const m = await inspect("comm-central__html-entities-and-styles.eml");
    expect(m.subject).toBe("Test HTML Parsing");
    for (const hidden of ["city", "City", "opacity", "<script", "<style"]) {
      expect(m.text).not.toContain(hidden);
      expect(m.html).not.toContain(hidden);
    }
    for (const shown of ["Münster", "AT&T", "A < B", "beautiful", "coworker", "Sale Today"])
      expect(m.text).toContain(shown);
    expect(m.text).not.toContain("SaleToday");
    expect(m.html).toContain("AT&amp;T");
  });

  it("R-MAIL-1: outlook-test-invite: Word HTML kept, the empty text part replaced by the HTML's text, no file attachment", async () => {
    const m = await inspect("comm-central__outlook-test-invite.eml");
    expect(m.subject).toBe("Testaus");
    expect(m.from).toEqual({ name: "Marge", address: "marge@example.org" });
    expect(m.html).toContain("<p>");
    expect(m.html).not.toMatch(/<o:p|<!--|xmlns/);
    expect(m.attachments).toHaveLength(0);
  });

  it("R-MAIL-1: base64encodedroot: the whole message is one attachment with the exact bytes", async () => {
    const m = await inspect("mailparser__base64encodedroot.eml");
    expect(m.subject).toBe("");
    expect(m.html).toBeNull();
    expect(m.attachments).toEqual([
      expect.objectContaining({
        filename: "screenshot.png",
        contentType: "image/png",
        sha256: "3d0c2d17edd1fed968f66ca200e7c165efd63834b488eec53deb24cca49c3d7b",
      }),
    ]);
  });

  it("R-MAIL-1: decoderended: ISO-8859-1 8bit HTML, the exact text, and no empty forwarded message stored", async () => {
    const m = await inspect("mailparser__decoderended.eml");
    expect(m.subject).toBe("Fwd: fotos");
    expect(m.html).toContain("html sectionÜ");
    expect(m.text).toBe(
      "\n\nNote: forwarded message attached.\n       \n---------------------------------\nBe a better something.\nCheck it out.",
    );
    expect(m.attachments).toHaveLength(0);
  });

  it("R-MAIL-1: nested: both alternatives (body and footer) are kept", async () => {
    const m = await inspect("mailparser__nested.eml");
    expect(m.subject).toBe("");
    expect(m.text).toBe("\nDear Sir,\n\nGood evening.\n\n\n\n\n\n\n\nThe footer\n");
    expect(m.html).toBe("<p>Dear Sir</p>\n<p>Good evening.</p>\n<p></p><br />\n<p>The footer</p>\n");
    expect(m.attachments).toHaveLength(0);
  });

  it("R-MAIL-1: nodemailer: RFC 2047 subject with the space kept, RFC 2231 file name, cid images inline", async () => {
    const m = await inspect("mailparser__nodemailer.eml");
    expect(m.subject).toBe("Nodemailer is unicode friendly ✔ (1476358788189)");
    expect(names(m)).toEqual(["image.png", "nyan cat ✔.gif", "notes.txt"]);
    expect(m.attachments.map((a) => a.inline)).toEqual([true, true, false]);
    expect(m.html).toContain('src="attachments/0"');
    expect(m.html).toContain('src="attachments/1"');
    expect(m.text).toContain("Hello to myself");
  });

  it("R-MAIL-5: spam: a boundary on a text/html message still gives the HTML; its links open safely", async () => {
    const m = await inspect("mailparser__spam.eml");
    expect(m.subject).toBe("123.042 Euro pro Jahr GRARANTIERT von einer Bank! KOSTENLOS");
    expect(m.html).toContain("„asozialer Penner“");
    expect(m.html).toContain(
      '<a href="http://www.geheimesgeld.ru" target="_blank" rel="noopener noreferrer nofollow">',
    );
    expect(m.attachments).toHaveLength(0);
  });

  it("R-MAIL-1: attachment_message_rfc822: the forwarded message is kept as one .eml with its bytes", async () => {
    const m = await inspect("mikel-mail__attachment_message_rfc822.eml");
    expect(m.subject).toBe("testing");
    expect(m.text).toContain("This is the first part.");
    expect(m.attachments).toEqual([
      expect.objectContaining({ filename: "ForwardedMessage.eml", contentType: "message/rfc822" }),
    ]);
    const parsed = await parseEmail(raw("mikel-mail__attachment_message_rfc822.eml"));
    expect(parsed.attachments[0].content.toString("latin1")).toContain("broken.pdf");
  });

  it("R-MAIL-1: attachment_nonascii_filename: a raw UTF-8 file name", async () => {
    const m = await inspect("mikel-mail__attachment_nonascii_filename.eml");
    expect(names(m)).toEqual(["ciële.txt"]);
  });

  it("R-MAIL-1: attachment_pdf_non_ascii: raw UTF-8 subject with emoji, broken.pdf of 1026 bytes", async () => {
    const m = await inspect("mikel-mail__attachment_pdf_non_ascii.eml");
    expect(m.subject).toBe("Another PDF with 🎉 Unicode chars in it 🍿");
    expect(m.attachments).toEqual([
      expect.objectContaining({ filename: "broken.pdf", size: 1026, contentType: "application/pdf" }),
    ]);
  });

  it("R-MAIL-1: attachment_with_encoded_name: RFC 2231 name in iso-2022-jp with an invalid byte", async () => {
    const m = await inspect("mikel-mail__attachment_with_encoded_name.eml");
    expect(m.subject).toBe("Fwd: Signed email causes file attachments");
    expect(m.attachments).toHaveLength(1);
    // mail-gem shows the invalid byte %8A as U+FFFD; mailparser drops it. The rest of the name is exact.
    expect(m.attachments[0].filename).toMatch(/^01 Quien Te Dij\ufffd?at\. Pitbull\.mp3$/);
    expect(m.messageId).toBe("e85734b90505081209eaaa17b@mail.gmail.com");
  });

  it("R-MAIL-1: japanese_attachment_long_name: split UTF-8 encoded words and RFC 2231 continuations", async () => {
    const m = await inspect("mikel-mail__japanese_attachment_long_name.eml");
    expect(m.subject).toBe("まみむめも".repeat(10));
    expect(names(m)).toEqual(["かきくけこ".repeat(5) + ".txt"]);
    expect(m.html).toBeNull();
  });

  it("R-MAIL-1: raw_email_with_illegal_boundary: an unquoted boundary with '=' still splits the parts", async () => {
    const m = await inspect("mikel-mail__raw_email_with_illegal_boundary.eml");
    expect(m.subject).toBe("Testing outlook");
    expect(m.text).toContain("This is an outlook test");
    expect(m.html).toContain("outlook");
    expect(m.attachments).toHaveLength(0);
  });

  it("R-MAIL-1: raw_email_with_nested_attachment: S/MIME parts, the disposition file name wins", async () => {
    const m = await inspect("mikel-mail__raw_email_with_nested_attachment.eml");
    expect(m.subject).toBe("Testing attachments");
    expect(names(m)).toEqual(["truncated.png", "smime.p7s"]);
  });

  it("R-MAIL-1: japanese.txt: ISO-2022-JP subject and body", async () => {
    const m = await inspect("mimekit__japanese.txt");
    expect(m.subject).toBe("日本語メールテスト (testing Japanese emails)");
    expect(m.text).toBe(
      "Let's see if both subject and body works fine...\n\n日本語が\n正常に\n送れているか\nテスト.\n",
    );
  });

  it("R-MAIL-1: missing-multipart-end-boundary: the body and the cut attachment are recovered", async () => {
    const m = await inspect("mimekit__missing-multipart-end-boundary.eml");
    expect(m.subject).toBe("This is a test message");
    expect(m.text).toContain("This is the message body");
    expect(names(m)).toEqual(["attachment.dat"]);
    const parsed = await parseEmail(raw("mimekit__missing-multipart-end-boundary.eml"));
    expect(parsed.attachments[0].content.toString()).toBe("This is the zip attachment.");
  });

  it("R-MAIL-1: raw-koi8r-header: raw KOI8-R bytes in Subject are read as KOI8-R", async () => {
    const m = await inspect("mimekit__raw-koi8r-header.eml");
    expect(m.subject).toBe("Откуда он появился?");
    expect(m.text.trim()).toBe("Откуда он появился?");
  });

  it("R-MAIL-1: ukr: KOI8-R QP text and winmail.dat kept as a file", async () => {
    const m = await inspect("mimekit__ukr.eml");
    expect(m.subject).toBe("rr test 7");
    expect(m.text).toContain("шостий");
    expect(m.attachments).toEqual([
      expect.objectContaining({ filename: "winmail.dat", contentType: "application/ms-tnef" }),
    ]);
  });

  it("R-MAIL-1: issue230: conflicting x-mac-cyrillic declarations still give subject and text", async () => {
    const m = await inspect("php-mime-mail-parser__issue230");
    expect(m.subject).toBe("Scientific conferences, Bulgaria 2019");
    expect(m.text).toContain("ACADEMIC NEWSLETTER #11");
    expect(m.attachments).toHaveLength(0);
  });

  it("R-MAIL-5: m0015: the 1×1 tracking pixel and remote images are not fetched when viewed", async () => {
    const m = await inspect("php-mime-mail-parser__m0015");
    expect(m.subject).toBe("Up to $30 Off Multivitamins!");
    expect(m.text).toContain("Hi,");
    expect(m.html).toContain("<strong>*How The Sale Works</strong>");
    expect(m.html).not.toMatch(/\ssrc="https?:/);
    expect(m.html).not.toMatch(/url\(/);
    expect(m.html).toContain(
      'data-remote-src="https://healthmarketing.infusionsoft.com/app/emailOpened/4852414/61286"',
    );
    expect(m.html).toContain('alt="Vitamart.ca"');
    expect(m.attachments).toHaveLength(0);
  });

  it("R-MAIL-1: m0018: ks_c_5601-1987 text and an RFC 2047 file name inside a quoted parameter", async () => {
    const m = await inspect("php-mime-mail-parser__m0018");
    expect(m.subject).toBe("[Korea] Name");
    expect(m.text).toContain("My traveling companions!");
    expect(names(m)).toEqual(["사진.JPG", "ATT00001.txt"]);
    expect(m.html).toBeNull();
  });

  it("R-MAIL-1: calendar-event: folded RFC 2047 subject; invite.ics stored, its text/calendar body twin not", async () => {
    const m = await inspect("postal-mime__calendar-event.eml");
    expect(m.subject).toBe(
      "Invitation: Test event ⏰ @ Thu Apr 11, 2024 11am - 12pm (GMT+3) (andris@ethereal.email)",
    );
    expect(names(m)).toEqual(["invite.ics"]);
    const parsed = await parseEmail(raw("postal-mime__calendar-event.eml"));
    expect(parsed.attachments[0].content.toString()).toContain("METHOD:REQUEST");
    expect(m.text).toContain("Test event");
  });

  it("R-MAIL-1: mimetorture: the nine leaf files of the nested messages, unnamed ones named by type", async () => {
    const m = await inspect("postal-mime__mimetorture.eml");
    expect(m.subject).toBe("Ryan Finnie's MIME Torture Test v1.0");
    expect(names(m)).toEqual([
      "foo.gz",
      "blah.gz",
      "blah1.gz",
      "attachment-4.gz",
      "htmlfile.html",
      "smiley-3.png",
      "dot.gif",
      "signature.asc",
      "attachment-9.gif",
    ]);
    expect(m.attachments.filter((a) => a.inline).map((a) => a.filename)).toEqual([
      "smiley-3.png",
      "attachment-9.gif",
    ]);
  });

  it("R-MAIL-1: m0010: Windows-1252 subject, To name and body; of two From headers the first counts", async () => {
    const m = await inspect("zbateson-mmp__m0010.txt");
    expect(m.subject).toBe("Die Hasen und die Frösche (Microsoft Outlook 00)");
    expect(m.to).toEqual([{ name: "Heinz Müller", address: "mueller@example.com" }]);
    expect(m.from).toEqual({ name: "Doug Sauder", address: "doug@example.com" });
    expect(m.text).toContain("mißliche Lage");
  });

  it("R-MAIL-5: attachment bytes are exact: SHA-256 of each stored part equals the hash reported", async () => {
    const parsed = await parseEmail(raw("mailparser__nodemailer.eml"));
    for (const a of parsed.attachments) {
      expect(sha256(a.content)).toBe(a.sha256);
      expect(a.content.length).toBe(a.size);
    }
    expect(parsed.attachments.find((a) => a.filename === "notes.txt")?.content.toString()).toMatch(
      /^Some notes/,
    );
  });
}
