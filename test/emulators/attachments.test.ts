import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GoogleEmulator } from "../../emulators/google/emulator.js";
import { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";

const google = new GoogleEmulator();
const microsoft = new MicrosoftEmulator();
const server = setupServer(...google.handlers(), ...microsoft.handlers());

const PDF = Buffer.from("%PDF-1.4\n% déjà vu\n%%EOF\n", "utf8");
const RAW = [
  "From: Bo <bo@client.example>",
  "To: ana@example.com",
  "Subject: =?UTF-8?Q?Oferta_y_contrato_=E2=82=AC?=",
  "Message-ID: <att-1@client.example>",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="outer"',
  "",
  "--outer",
  'Content-Type: multipart/alternative; boundary="inner"',
  "",
  "--inner",
  "Content-Type: text/plain; charset=utf-8",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "Precio: 12.500 =E2=82=AC",
  "--inner",
  "Content-Type: text/html; charset=utf-8",
  "",
  "<p>Precio: 12.500 &euro;</p>",
  "--inner--",
  "--outer",
  "Content-Type: application/pdf",
  "Content-Transfer-Encoding: base64",
  "Content-Disposition: attachment; filename*=utf-8''contrato%20firmado.pdf",
  "",
  PDF.toString("base64"),
  "--outer",
  "Content-Type: message/rfc822",
  'Content-Disposition: attachment; filename="reenviado.eml"',
  "",
  "From: x@y.example",
  "Subject: forwarded",
  "",
  "old mail",
  "--outer--",
  "",
].join("\r\n");

let googleToken = "";
let graphToken = "";

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  await google.addAccount("ana@example.com").addRaw(RAW, ["INBOX"]);
  await microsoft.addAccount("ana@example.com").addRaw(RAW, "inbox");
  googleToken = google.issueTokens("ana@example.com").accessToken;
  graphToken = microsoft.issueTokens("ana@example.com").accessToken;
});
afterAll(() => server.close());

const gmail = (path: string) =>
  fetch(`https://gmail.googleapis.com/gmail/v1/users/me${path}`, {
    headers: { authorization: `Bearer ${googleToken}` },
  });
const graph = (path: string) =>
  fetch(`https://graph.microsoft.com/v1.0/me${path}`, { headers: { authorization: `Bearer ${graphToken}` } });

describe("attachments", () => {
  it("Gmail format=full gives the MIME tree, inline text data and ephemeral attachment ids", async () => {
    const id = google.mailbox("ana@example.com").findByMessageId("<att-1@client.example>")!.id;
    const full = await (await gmail(`/messages/${id}?format=full`)).json();
    const payload = full.payload;
    expect(payload.mimeType).toBe("multipart/mixed");
    expect(payload.parts.map((p: { partId: string; mimeType: string }) => [p.partId, p.mimeType])).toEqual([
      ["0", "multipart/alternative"],
      ["1", "application/pdf"],
      ["2", "message/rfc822"],
    ]);
    expect(Buffer.from(payload.parts[0].parts[0].body.data, "base64url").toString()).toBe("Precio: 12.500 €");
    const pdf = payload.parts[1];
    expect(pdf.filename).toBe("contrato firmado.pdf");
    const data = await (await gmail(`/messages/${id}/attachments/${pdf.body.attachmentId}`)).json();
    expect(Buffer.from(data.data, "base64url").equals(PDF)).toBe(true);
    expect(data.size).toBe(PDF.length);

    const again = await (await gmail(`/messages/${id}?format=full`)).json();
    expect(again.payload.parts[1].body.attachmentId).not.toBe(pdf.body.attachmentId);
    expect((await gmail(`/messages/${id}/attachments/${pdf.body.attachmentId}`)).status).toBe(400);
  });

  it("Graph lists a fileAttachment with contentBytes and an itemAttachment without bytes", async () => {
    const message = microsoft.mailbox("ana@example.com").findByMessageId("<att-1@client.example>")!;
    const list = await (await graph(`/messages/${message.restId}/attachments`)).json();
    expect(
      list.value.map((a: { "@odata.type": string; name: string }) => [a["@odata.type"], a.name]),
    ).toEqual([
      ["#microsoft.graph.fileAttachment", "contrato firmado.pdf"],
      ["#microsoft.graph.itemAttachment", "reenviado.eml"],
    ]);
    expect(Buffer.from(list.value[0].contentBytes, "base64").equals(PDF)).toBe(true);
    expect(list.value[1].contentBytes).toBeUndefined();
    const one = await (await graph(`/messages/${message.restId}/attachments/${list.value[0].id}`)).json();
    expect(one.size).toBe(PDF.length);
    const summary = await (await graph(`/messages/${message.restId}?$select=hasAttachments,subject`)).json();
    expect(summary).toMatchObject({ hasAttachments: true, subject: "Oferta y contrato €" });
  });
});
