// R-MAIL-4: one email is one activity. A message is known by its Message-ID, read the same way
// everywhere (shared/message-id.ts), and, when it has none, by a substitute derived from what a
// person reads in it, so that copies differing only in bytes are logged once.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMessage } from "../../outlook-addin/src/log/mime.js";
import { activities } from "../../server/db/schema.js";
import { bracketMessageId, messageIdsOf, normalizeMessageId } from "../../shared/message-id.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { anaWithCarla, logRaw } from "../harness/logged-mail.js";

const qp = (s: string) =>
  Buffer.from(s, "utf8")
    .toString("latin1")
    .replace(/[=\x80-\xff]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)
    .replace(/.{70}(?!$)/g, "$&=\n");
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64").replace(/.{76}/g, "$&\n");

const TEXT = "Buenos días Carla,\n\nadjunto la oferta: 1.250 € al año, renovación en enero.\n\nSaludos,\nAna";
const HTML =
  "<p>Buenos días Carla,</p><p>adjunto la oferta: <b>1.250 €</b> al año, renovación en enero.</p><p>Saludos,<br>Ana</p>";

/** The same message (no Message-ID) in the shapes it reaches the server in. */
function variant(opts: {
  boundary: string;
  encoding: "quoted-printable" | "base64";
  eol: "\r\n" | "\n";
  text?: string;
}) {
  const enc = opts.encoding === "base64" ? b64 : qp;
  const part = (type: string, body: string) =>
    `--${opts.boundary}\nContent-Type: ${type}; charset=utf-8\nContent-Transfer-Encoding: ${opts.encoding}\n\n${enc(body)}\n`;
  const message =
    "From: Carla Client <carla@client.test>\nTo: Ana <ana@acme.test>\nSubject: =?utf-8?Q?Oferta_renovaci=C3=B3n?=\n" +
    "Date: Tue, 04 Mar 2025 10:15:00 +0100\nMIME-Version: 1.0\n" +
    `Content-Type: multipart/alternative; boundary="${opts.boundary}"\n\n` +
    part("text/plain", opts.text ?? TEXT) +
    part("text/html", opts.text ? `<p>${opts.text}</p>` : HTML) +
    `--${opts.boundary}--\n`;
  return Buffer.from(message.replace(/\n/g, opts.eol));
}

describe("Message-ID normaliser (shared)", () => {
  it("R-MAIL-4: brackets, whitespace and NULs are dropped, case is kept, several ids are split", () => {
    expect(normalizeMessageId("  <AbC.1@Mail.Example> ")).toBe("AbC.1@Mail.Example");
    expect(normalizeMessageId("<<abc.\r\n def@x.test>>")).toBe("abc.def@x.test");
    expect(normalizeMessageId("a\u0000b@x")).toBe("ab@x");
    expect(normalizeMessageId("<>")).toBe("");
    expect(bracketMessageId(" <a@b> ")).toBe("<a@b>");
    expect(bracketMessageId("a@b")).toBe("<a@b>");
    expect(messageIdsOf("<a@x> <b@x>\r\n <a@x>")).toEqual(["a@x", "b@x"]);
    expect(messageIdsOf("a@x b@x")).toEqual(["a@x", "b@x"]);
  });

  it("R-MAIL-4: the Outlook pane's rebuilt message carries the id in one pair of brackets", () => {
    const parts = {
      from: { name: "A", email: "a@x.test" },
      to: [],
      cc: [],
      subject: "s",
      date: new Date(0),
      html: "<p>x</p>",
      attachments: [],
    };
    expect(buildMessage({ ...parts, messageId: " <id-1@x.test> " })).toContain(
      "\r\nMessage-ID: <id-1@x.test>\r\n",
    );
    expect(buildMessage({ ...parts, messageId: "<>" })).not.toContain("Message-ID");
  });
});

describe.each(engines)("one activity per message (%s)", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string };

  const log = (raw: Buffer | string) => logRaw(s, ana.token, raw);
  const emailsWithSubject = (subject: string) =>
    s.ctx.db
      .select({ id: activities.id, messageId: activities.messageId })
      .from(activities)
      .where(and(eq(activities.ownerId, ana.id), eq(activities.subject, subject)));

  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await anaWithCarla(s);
  });
  afterAll(() => s?.close());

  it("R-MAIL-4: a message without Message-ID sent as CRLF, LF, with another boundary and re-encoded base64 is one activity", async () => {
    const first = await log(variant({ boundary: "b-1", encoding: "quoted-printable", eol: "\r\n" }));
    expect(first.statusCode, first.body).toBe(201);
    const copies = [
      variant({ boundary: "b-1", encoding: "quoted-printable", eol: "\n" }),
      variant({ boundary: "=_Part_0_98765.1741079700", encoding: "quoted-printable", eol: "\r\n" }),
      variant({ boundary: "b-1", encoding: "base64", eol: "\r\n" }),
      variant({ boundary: "other", encoding: "base64", eol: "\n" }),
    ];
    for (const copy of copies) {
      const r = await log(copy);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ activityId: first.json().activityId, alreadyLogged: true });
    }
    const rows = await emailsWithSubject("Oferta renovación");
    expect(rows).toHaveLength(1);
    expect(rows[0].messageId).toMatch(/^sha256-[0-9a-f]{64}@concilia\.invalid$/);

    const other = await log(
      variant({ boundary: "b-1", encoding: "quoted-printable", eol: "\r\n", text: "Otra cosa" }),
    );
    expect(other.statusCode, other.body).toBe(201);
    expect(await emailsWithSubject("Oferta renovación")).toHaveLength(2);
  });

  it("R-MAIL-4: a message the Outlook pane rebuilds twice (fresh boundaries, no Message-ID) is one activity", async () => {
    const rebuild = () =>
      buildMessage({
        from: { name: "Carla Client", email: "carla@client.test" },
        to: [{ name: "Ana", email: "ana@acme.test" }],
        cc: [],
        subject: "Logo firmado",
        date: new Date("2025-03-05T09:00:00Z"),
        messageId: null,
        html: '<p>Aquí está el logo <img src="cid:logo.png"></p>',
        attachments: [
          { name: "logo.png", contentType: "image/png", inline: true, content: { base64: "iVBORw0KGgo=" } },
        ],
      });
    const a = rebuild();
    const b = rebuild();
    expect(a).not.toBe(b);
    expect((await log(a)).statusCode).toBe(201);
    const again = await log(b);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().alreadyLogged).toBe(true);
    expect(await emailsWithSubject("Logo firmado")).toHaveLength(1);
  });

  it("R-MAIL-4: scans without text or Message-ID are told apart by their files, whatever their boundary", async () => {
    const scan = (boundary: string, pdf: string) =>
      [
        "From: carla@client.test",
        "To: ana@acme.test",
        "Subject: Scan",
        "Date: Wed, 05 Mar 2025 12:00:00 +0100",
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        "",
        `--${boundary}`,
        'Content-Type: application/pdf; name="scan.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        Buffer.from(pdf).toString("base64"),
        `--${boundary}--`,
        "",
      ].join("\r\n");
    expect((await log(scan("s1", "%PDF-1 page one"))).statusCode).toBe(201);
    expect((await log(scan("s2", "%PDF-1 page one"))).json().alreadyLogged).toBe(true);
    expect((await log(scan("s1", "%PDF-1 page two"))).statusCode).toBe(201);
    expect(await emailsWithSubject("Scan")).toHaveLength(2);
  });

  it("R-MAIL-4: a sidebar asking about a folded Message-ID finds the message logged under it", async () => {
    const raw =
      "From: carla@client.test\r\nTo: ana@acme.test\r\nSubject: Folded id\r\n" +
      "Message-ID: <CAB.Folded.Id.0001.\r\n XyZ@mail.client.test>\r\n\r\nHola\r\n";
    const r = await log(raw);
    expect(r.statusCode, r.body).toBe(201);
    const ctx = await s.app.inject({
      method: "GET",
      url: `/api/v1/context?address=carla@client.test&messageId=${encodeURIComponent("<CAB.Folded.Id.0001. XyZ@mail.client.test>")}`,
      headers: { authorization: `Bearer ${ana.token}` },
    });
    expect(ctx.statusCode, ctx.body).toBe(200);
    expect(ctx.json().messageId).toBe("CAB.Folded.Id.0001.XyZ@mail.client.test");
    expect(ctx.json().logged?.activityId).toBe(r.json().activityId);
  });
});
