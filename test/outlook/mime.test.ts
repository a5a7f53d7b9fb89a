// The message the pane rebuilds on hosts without getAsFileAsync must read back, through the server's
// MIME parser, as the message the user saw: headers, HTML, attachments with exact bytes, inline images.
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { buildMessage } from "../../outlook-addin/src/log/mime.js";

const pdf = Buffer.from("%PDF-1.4\n% a tiny pdf: áé\n%%EOF\n");
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mPgz9lLEmIY1TCqYfhqAAAxAzgQZ74R2AAAAABJRU5ErkJggg==",
  "base64",
);

describe("rebuilt RFC 822 message", () => {
  it("R-SB-3 / R-MAIL-1: headers, body and attachments survive the round trip", async () => {
    const raw = buildMessage({
      from: { name: "Núñez, Marta", email: "marta.nunez@acme-iberia.example" },
      to: [{ name: "Sara Ventas", email: "sara@concilia.demo" }],
      cc: [{ name: "", email: "pablo.ortega@acme-iberia.example" }],
      subject: "Ampliación a 200 puestos — ¿firmamos el jueves?",
      date: new Date("2026-11-20T09:12:00Z"),
      messageId: "<abc.123@acme-iberia.example>",
      html: `<p>Hola Sara, adjunto la orden.</p><img src="cid:image001.png@01DB3C2A.5E6F7080">`,
      attachments: [
        {
          name: "orden de compra.pdf",
          contentType: "application/pdf",
          inline: false,
          content: { base64: pdf.toString("base64") },
        },
        {
          name: "image001.png",
          contentType: "image/png",
          inline: true,
          content: { base64: png.toString("base64") },
        },
      ],
    });
    expect(raw.split("\r\n").every((line) => line.length <= 998)).toBe(true);
    const m = await simpleParser(raw);
    expect(m.subject).toBe("Ampliación a 200 puestos — ¿firmamos el jueves?");
    expect(m.messageId).toBe("<abc.123@acme-iberia.example>");
    expect(m.from?.value).toEqual([{ name: "Núñez, Marta", address: "marta.nunez@acme-iberia.example" }]);
    expect((m.to as any).value[0]).toEqual({ name: "Sara Ventas", address: "sara@concilia.demo" });
    expect((m.cc as any).value[0].address).toBe("pablo.ortega@acme-iberia.example");
    expect(m.date?.toISOString()).toBe("2026-11-20T09:12:00.000Z");
    expect(m.html).toContain("Hola Sara, adjunto la orden.");
    const file = m.attachments.find((a) => a.filename === "orden de compra.pdf")!;
    expect(file.contentType).toBe("application/pdf");
    expect(Buffer.compare(file.content, pdf)).toBe(0);
    const image = m.attachments.find((a) => a.filename === "image001.png")!;
    expect(image.contentId).toBe("<image001.png@01DB3C2A.5E6F7080>");
    expect(image.related).toBe(true);
    expect(Buffer.compare(image.content, png)).toBe(0);
  });

  it("R-SB-3: a message without attachments is a single HTML part", async () => {
    const raw = buildMessage({
      from: { name: "Nina Weber", email: "nina.weber@nordlicht.example" },
      to: [{ name: "", email: "sara@concilia.demo" }],
      cc: [],
      subject: "Pricing",
      date: new Date("2026-11-20T11:40:00Z"),
      messageId: null,
      html: "<p>Hi Sara</p>",
      attachments: [],
    });
    expect(raw).not.toContain("multipart");
    const m = await simpleParser(raw);
    expect(m.html).toContain("Hi Sara");
    expect(m.attachments).toEqual([]);
  });
});
