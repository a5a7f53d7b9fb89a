// R-MAIL-5: how text in a declared charset is read (server/mail/charset.ts).
import { describe, expect, it } from "vitest";
import { decodeText, resolveCharset } from "../../server/mail/charset.js";

const bytes = (...b: number[]) => Buffer.from(b);
const CP1252 = bytes(0x80, 0x20, 0x93, 0x71, 0x94, 0x20, 0x96, 0x20, 0x85); // € “q” – …

describe("charsets", () => {
  it("R-MAIL-5: Windows-1252 bytes 0x80-0x9F are €, curly quotes, dashes and ellipsis, however the charset is spelled", () => {
    for (const label of [
      "windows-1252",
      "Windows-1252",
      "cp1252",
      "win-1252",
      "iso-8859-1",
      "latin1",
      "us-ascii",
    ])
      expect(decodeText(CP1252, label), label).toEqual({
        text: "€ “q” – …",
        charset: "windows-1252",
        repair: null,
      });
  });

  it("R-MAIL-5: text declared in a single-byte charset but written in UTF-8 is read as UTF-8, with a note", () => {
    const r = decodeText(Buffer.from("Grüße €", "utf8"), "iso-8859-1");
    expect(r.text).toBe("Grüße €");
    expect(r.repair).toBe('text declared "iso-8859-1" is UTF-8 and was read as UTF-8');
  });

  it("R-MAIL-5: bytes declared UTF-8 that are not UTF-8 (a raw Windows-1252 header) are read as Windows-1252", () => {
    expect(decodeText(CP1252, "utf-8")).toMatchObject({ text: "€ “q” – …", charset: "windows-1252" });
    expect(decodeText(Buffer.from("Grüße", "utf8"), "UTF-8")).toEqual({
      text: "Grüße",
      charset: "utf-8",
      repair: null,
    });
  });

  it("R-MAIL-5: unknown charsets fall back to UTF-8 or Windows-1252; pure ASCII needs no repair", () => {
    expect(decodeText(CP1252, "bad-charset")).toMatchObject({
      text: "€ “q” – …",
      repair: expect.stringContaining("Windows-1252"),
    });
    expect(decodeText(Buffer.from("ä", "utf8"), "x-unknown")).toMatchObject({ text: "ä", charset: "utf-8" });
    expect(decodeText(Buffer.from("plain"), "iso-8859-1").repair).toBeNull();
    expect(decodeText(Buffer.from("plain"), "no-such-charset").repair).toBeNull();
  });

  it("R-MAIL-5: UTF-7 is not decoded (it smuggles markup past filters); ISO-2022-JP, KOI8-R, Mac Cyrillic are", () => {
    expect(decodeText(Buffer.from("+ADw-script+AD4-"), "utf-7").text).toBe("+ADw-script+AD4-");
    expect(resolveCharset("utf-7")).toBeNull();
    expect(decodeText(Buffer.from("\x1b$BF|K\\8l\x1b(B", "latin1"), "ISO-2022-JP").text).toBe("日本語");
    expect(decodeText(bytes(0xf3, 0xde, 0xa3, 0xd4), "koi8-r").text).toBe("Счёт");
    expect(resolveCharset("x-mac-cyrillic")).toEqual({ codec: "iconv", name: "maccyrillic" });
  });
});
