// The email ingest pipeline through the real server: POST /api/v1/emails with the raw message.

import { createHash } from "node:crypto";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../server/auth/authenticate.js";
import { activities, activityLinks, attachments, blobs } from "../../server/db/schema.js";
import { ingestEmail } from "../../server/mail/ingest.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { mailFixture } from "../harness/corpus.js";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.concat([
  Buffer.from("%PDF-1.4\n"),
  Buffer.from([0, 1, 2, 255, 254, 13, 10, 128]),
  Buffer.from("\n%%EOF"),
]);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const b64 = (b: Buffer) => b.toString("base64").replace(/.{76}/g, "$&\r\n");

let seq = 0;
interface Msg {
  from: string;
  to?: string;
  cc?: string;
  subject?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  date?: string;
  html?: string;
  text?: string;
  files?: { name: string; type: string; bytes: Buffer; cid?: string }[];
}

/** A raw RFC 5322 message; with files it is multipart/mixed with base64 parts. */
function eml(m: Msg): Buffer {
  const id = m.messageId === undefined ? `<m${++seq}.${Date.now()}@mail.test>` : m.messageId;
  const head = [
    `From: ${m.from}`,
    m.to && `To: ${m.to}`,
    m.cc && `Cc: ${m.cc}`,
    `Subject: ${m.subject ?? "Hello"}`,
    `Date: ${m.date ?? "Tue, 04 Mar 2025 10:15:00 +0100"}`,
    id && `Message-ID: ${id}`,
    m.inReplyTo && `In-Reply-To: ${m.inReplyTo}`,
    m.references && `References: ${m.references}`,
    "MIME-Version: 1.0",
  ].filter(Boolean);
  const body = m.html
    ? `Content-Type: text/html; charset=utf-8\r\n\r\n${m.html}`
    : `Content-Type: text/plain; charset=utf-8\r\n\r\n${m.text ?? "Hi there"}`;
  if (!m.files?.length) return Buffer.from(`${head.join("\r\n")}\r\n${body}\r\n`);
  const parts = [
    body,
    ...m.files.map(
      (f) =>
        `Content-Type: ${f.type}; name="${f.name}"\r\nContent-Disposition: ${f.cid ? "inline" : "attachment"}; filename="${f.name}"\r\n` +
        `${f.cid ? `Content-ID: <${f.cid}>\r\n` : ""}Content-Transfer-Encoding: base64\r\n\r\n${b64(f.bytes)}`,
    ),
  ];
  return Buffer.from(
    `${head.join("\r\n")}\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n` +
      parts.map((p) => `--b1\r\n${p}\r\n`).join("") +
      "--b1--\r\n",
  );
}

describe.each(engines)("email ingest (%s)", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string; email: string };
  let bo: { id: string; token: string; email: string };
  const ids: Record<string, string> = {};

  const api = (token: string, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: unknown) =>
    s.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  const log = (raw: Buffer | string, token = ana.token, contentType = "message/rfc822") =>
    s.app.inject({
      method: "POST",
      url: "/api/v1/emails",
      headers: { authorization: `Bearer ${token}`, "content-type": contentType },
      payload: raw,
    });
  const stored = async () => {
    const [a] = await s.ctx.db.select({ n: count() }).from(activities);
    const [l] = await s.ctx.db.select({ n: count() }).from(activityLinks);
    const [f] = await s.ctx.db.select({ n: count() }).from(attachments);
    return { activities: Number(a.n), links: Number(l.n), attachments: Number(f.n) };
  };
  const blobRows = async () => Number((await s.ctx.db.select({ n: count() }).from(blobs))[0].n);

  beforeAll(async () => {
    s = await startTestServer({ engine, env: { CONCILIA_MAX_EMAIL_BYTES: "200000" } });
    ana = await s.user("ana@acme.test", { name: "Ana", aliases: ["ana.lopez@acme-mail.test"] });
    bo = await s.user("bo@acme.test", { name: "Bo" });
    const make = async (token: string, url: string, body: object) => {
      const r = await api(token, "POST", url, body);
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    ids.company = await make(ana.token, "/api/v1/companies", {
      name: "Client AG",
      emails: ["info@client.test"],
    });
    ids.person = await make(ana.token, "/api/v1/persons", {
      firstName: "Carla",
      lastName: "Client",
      companyId: ids.company,
      emails: ["carla@client.test", "carla.private@home.test"],
    });
    ids.lead = await make(ana.token, "/api/v1/leads", { firstName: "Lee", emails: ["lee@prospect.test"] });
    ids.bosPerson = await make(bo.token, "/api/v1/persons", {
      firstName: "Secret",
      emails: ["secret@hidden.test"],
    });
    ids.corpusPerson = await make(ana.token, "/api/v1/persons", {
      firstName: "Test",
      emails: ["designer@example.com"],
    });
    ids.deal = await make(ana.token, "/api/v1/deals", { name: "Big deal", personId: ids.person });
  });
  afterAll(() => s?.close());

  it("R-MAIL-1: one email activity linked to every CRM participant (person by any address, company, lead), with subject, content, attachments, direction, date and Message-ID", async () => {
    const raw = eml({
      from: '"Carla Client" <Carla.Private@Home.test>',
      to: "Ana <ana@acme.test>, stranger@nowhere.test",
      cc: "info@client.test, LEE@prospect.test",
      subject: "=?UTF-8?Q?Angebot_f=C3=BCr_M=C3=BCnchen?=",
      messageId: "<  offer-1@client.test >",
      html: '<p>See the plan <img src="cid:plan@client.test" alt="plan"></p>',
      files: [
        { name: "plan.png", type: "image/png", bytes: PNG, cid: "plan@client.test" },
        { name: "Angebot Nr. 1.pdf", type: "application/pdf", bytes: PDF },
      ],
    });
    const r = await log(raw);
    expect(r.statusCode, r.body).toBe(201);
    const out = r.json();
    expect(out).toMatchObject({ alreadyLogged: false, subject: "Angebot für München", attachments: 2 });
    expect(out.links).toEqual(
      expect.arrayContaining([
        { type: "person", id: ids.person },
        { type: "company", id: ids.company },
        { type: "lead", id: ids.lead },
      ]),
    );
    expect(out.links).toHaveLength(3);

    const a = (await api(ana.token, "GET", `/api/v1/activities/${out.activityId}`)).json();
    expect(a).toMatchObject({
      type: "email",
      state: "done",
      subject: "Angebot für München",
      startAt: "2025-03-04T09:15:00.000Z",
    });
    expect(a.email).toMatchObject({
      messageId: "offer-1@client.test",
      direction: "incoming",
      from: { name: "Carla Client", address: "carla.private@home.test" },
      threadId: "offer-1@client.test",
    });
    expect(a.email.to.map((t: { address: string }) => t.address)).toEqual([
      "ana@acme.test",
      "stranger@nowhere.test",
    ]);
    expect(a.email.text).toContain("See the plan");
    const [png, pdf] = a.email.attachments;
    expect(png).toMatchObject({
      filename: "plan.png",
      contentType: "image/png",
      size: PNG.length,
      inline: true,
      sha256: sha(PNG),
    });
    expect(pdf).toMatchObject({
      filename: "Angebot Nr. 1.pdf",
      contentType: "application/pdf",
      size: PDF.length,
      inline: false,
    });

    const pngUrl = `/api/v1/activities/${out.activityId}/attachments/${png.id}`;
    expect(a.email.html).toContain(`<img alt="plan" src="${pngUrl}" />`);
    const gotPng = await api(ana.token, "GET", pngUrl);
    expect(gotPng.statusCode).toBe(200);
    expect(gotPng.rawPayload.equals(PNG)).toBe(true);
    expect(gotPng.headers["content-type"]).toBe("image/png");
    const gotPdf = await api(ana.token, "GET", `/api/v1/activities/${out.activityId}/attachments/${pdf.id}`);
    expect(gotPdf.rawPayload.equals(PDF)).toBe(true);
    expect(gotPdf.headers["content-type"]).toBe("application/pdf");
    expect(gotPdf.headers["content-disposition"]).toBe(
      `attachment; filename="Angebot Nr. 1.pdf"; filename*=UTF-8''Angebot%20Nr.%201.pdf`,
    );
    expect(gotPdf.headers["x-content-type-options"]).toBe("nosniff");
    expect((await api(bo.token, "GET", pngUrl)).statusCode).toBe(404);
  });

  it("R-MAIL-1: a message with a cid image and files (fixture) is stored with exact attachment bytes", async () => {
    const raw = mailFixture("inline-cid-images.eml");
    const r = await log(raw);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().links).toEqual([{ type: "person", id: ids.corpusPerson }]);
    const a = (await api(ana.token, "GET", `/api/v1/activities/${r.json().activityId}`)).json();
    expect(a.email.text).toContain("Our logo:");
    expect(a.email.html).toContain('alt="logo"');
    const files = a.email.attachments as { id: string; filename: string; sha256: string }[];
    expect(files.map((f) => f.filename)).toEqual(["logo.png", "spacer.gif", "plan.pdf"]);
    for (const f of files) {
      const got = await api(ana.token, "GET", `/api/v1/activities/${a.id}/attachments/${f.id}`);
      expect(sha(got.rawPayload)).toBe(f.sha256);
    }
    expect(a.email.html).toContain(`/api/v1/activities/${a.id}/attachments/${files[0].id}`);
  });

  it("R-MAIL-1: mail from one of the user's own addresses is outgoing, and the user is not a participant", async () => {
    const r = await log(
      eml({ from: "Ana <ANA.LOPEZ@acme-mail.test>", to: "carla@client.test", subject: "Our offer" }),
    );
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().links).toEqual([{ type: "person", id: ids.person }]);
    const a = (await api(ana.token, "GET", `/api/v1/activities/${r.json().activityId}`)).json();
    expect(a.email.direction).toBe("outgoing");
  });

  it("R-MAIL-2: an email with no CRM participant is refused with the reason, and nothing is stored", async () => {
    const before = await stored();
    const blobsBefore = await blobRows();
    const r = await log(
      eml({
        from: "nobody@nowhere.test",
        to: "ana@acme.test",
        files: [{ name: "x.bin", type: "application/octet-stream", bytes: Buffer.from("never stored") }],
      }),
    );
    expect(r.statusCode).toBe(422);
    expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(r.json().detail).toMatch(/no CRM participant.*nobody@nowhere\.test/);
    expect(await stored()).toEqual(before);
    expect(await blobRows()).toBe(blobsBefore);
    const own = await log(eml({ from: "ana@acme.test", to: "ana.lopez@acme-mail.test" }));
    expect(own.statusCode).toBe(422);
    expect(own.json().detail).toMatch(/your own/);
  });

  it("R-1: records of another user that are not shared are not linked", async () => {
    const raw = eml({ from: "secret@hidden.test", to: "ana@acme.test, carla@client.test" });
    const r = await log(raw);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().links).toEqual([{ type: "person", id: ids.person }]);
    const onlyHidden = await log(eml({ from: "secret@hidden.test", to: "ana@acme.test" }));
    expect(onlyHidden.statusCode).toBe(422);
    const forBo = await log(raw, bo.token);
    expect(forBo.statusCode).toBe(201);
    expect(forBo.json().links).toEqual([{ type: "person", id: ids.bosPerson }]);
  });

  it("R-MAIL-4: the same message logged again answers alreadyLogged with the same activity, once per user", async () => {
    const raw = eml({ from: "carla@client.test", to: "ana@acme.test", messageId: "<repeat-1@client.test>" });
    const first = await log(raw);
    expect(first.statusCode).toBe(201);
    const again = await log(raw);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      activityId: first.json().activityId,
      alreadyLogged: true,
      links: first.json().links,
    });
    const retried = await log(
      eml({ from: "carla@client.test", to: "ana@acme.test", messageId: "repeat-1@client.test" }),
    );
    expect(retried.json()).toMatchObject({ activityId: first.json().activityId, alreadyLogged: true });
    const list = (
      await api(ana.token, "GET", `/api/v1/activities?recordType=person&recordId=${ids.person}&limit=200`)
    ).json();
    expect(
      list.items.filter(
        (x: { email: { messageId: string } | null }) => x.email?.messageId === "repeat-1@client.test",
      ),
    ).toHaveLength(1);
  });

  it("R-MAIL-4: concurrent repeats of one message store one activity; the others answer alreadyLogged", async () => {
    const raw = eml({
      from: "carla@client.test",
      to: "ana@acme.test",
      files: [{ name: "c.pdf", type: "application/pdf", bytes: PDF }],
    });
    const before = await stored();
    const answers = await Promise.all(Array.from({ length: 6 }, () => log(raw)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().activityId)).size).toBe(1);
    const after = await stored();
    expect(after.activities - before.activities).toBe(1);
    expect(after.attachments - before.attachments).toBe(1);
  });

  it("R-MAIL-4: a message without Message-ID still de-duplicates (an id derived from its bytes)", async () => {
    const raw = eml({ from: "carla@client.test", to: "ana@acme.test", messageId: null, text: "no id here" });
    const first = await log(raw);
    expect(first.statusCode, first.body).toBe(201);
    const again = await log(raw);
    expect(again.json()).toMatchObject({ activityId: first.json().activityId, alreadyLogged: true });
    const a = (await api(ana.token, "GET", `/api/v1/activities/${first.json().activityId}`)).json();
    expect(a.email.messageId).toMatch(/^sha256-[0-9a-f]{64}@concilia\.invalid$/);
  });

  it("R-MAIL-5: logged HTML is sanitised and a plain-text rendition without script is kept", async () => {
    const r = await log(
      eml({
        from: "carla@client.test",
        to: "ana@acme.test",
        html:
          '<html><head><style>body{background:url(https://t.test/bg)}</style><script>var leak="SECRET"</script></head>' +
          '<body><p onclick="alert(1)">Dear Ana,</p><img src="https://t.test/pixel.gif" width="1" alt="">' +
          '<a href="javascript:alert(2)">click</a><iframe src="https://t.test"></iframe><p>Regards</p></body></html>',
      }),
    );
    expect(r.statusCode, r.body).toBe(201);
    const a = (await api(ana.token, "GET", `/api/v1/activities/${r.json().activityId}`)).json();
    for (const bad of [
      "<script",
      "SECRET",
      "onclick",
      "javascript:",
      "<iframe",
      "<style",
      ' src="https://t.test',
    ])
      expect(a.email.html).not.toContain(bad);
    expect(a.email.html).toContain("<p>Dear Ana,</p>");
    expect(a.email.text).toBe("Dear Ana,\n\nclick\n\nRegards");
  });

  it("R-MAIL-9: a reply is linked to the records and deal of the message it answers, though its participant differs", async () => {
    const first = await log(
      eml({ from: "carla@client.test", to: "ana@acme.test", messageId: "<thread-1@client.test>" }),
    );
    expect(first.statusCode).toBe(201);
    const patched = await api(ana.token, "PATCH", `/api/v1/activities/${first.json().activityId}`, {
      dealId: ids.deal,
    });
    expect(patched.statusCode, patched.body).toBe(200);

    const reply = await log(
      eml({
        from: "ana@acme.test",
        to: "assistant@elsewhere.test",
        subject: "Re: Hello",
        inReplyTo: "<thread-1@client.test>",
        references: "<thread-1@client.test>",
      }),
    );
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json().links).toEqual([{ type: "person", id: ids.person }]);
    const r = (await api(ana.token, "GET", `/api/v1/activities/${reply.json().activityId}`)).json();
    expect(r.dealId).toBe(ids.deal);
    expect(r.email.threadId).toBe("thread-1@client.test");

    const later = await log(
      eml({
        from: "assistant@elsewhere.test",
        to: "ana@acme.test",
        cc: "lee@prospect.test",
        references: "<unknown-root@x.test> <thread-1@client.test> <never-logged@x.test>",
      }),
    );
    expect(later.statusCode, later.body).toBe(201);
    expect(later.json().links).toEqual(
      expect.arrayContaining([
        { type: "person", id: ids.person },
        { type: "lead", id: ids.lead },
      ]),
    );
    const l = (await api(ana.token, "GET", `/api/v1/activities/${later.json().activityId}`)).json();
    expect(l).toMatchObject({ dealId: ids.deal, email: { threadId: "thread-1@client.test" } });
  });

  it("R-MAIL-3: mail logged by automatic sync is read-only: edit and delete answer 409", async () => {
    const user = await authenticate(s.ctx, `Bearer ${ana.token}`);
    if (!user) throw new Error("token not accepted");
    const result = await ingestEmail(s.ctx, user, eml({ from: "carla@client.test", to: "ana@acme.test" }), {
      source: "auto",
    });
    expect(result.alreadyLogged).toBe(false);
    const id = result.activity.id;
    const edit = await api(ana.token, "PATCH", `/api/v1/activities/${id}`, { subject: "changed" });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().detail).toMatch(/read-only/);
    expect((await api(ana.token, "DELETE", `/api/v1/activities/${id}`)).statusCode).toBe(409);
    expect((await api(ana.token, "GET", `/api/v1/activities/${id}`)).json()).toMatchObject({
      subject: "Hello",
      readOnly: true,
    });
  });

  it("Bad input: each answers a 4xx problem+json naming the fault, stores nothing, and the next good message is logged", async () => {
    const good = () => eml({ from: "carla@client.test", to: "ana@acme.test" });
    const cases: [string, () => ReturnType<typeof log>, number, RegExp][] = [
      ["empty body", () => log(Buffer.alloc(0)), 400, /empty/],
      [
        "garbage text",
        () => log("this is not an email at all\r\njust words\r\n"),
        400,
        /does not start with a header field/,
      ],
      [
        "binary junk",
        () => log(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 1])),
        400,
        /binary|header field/,
      ],
      ["header cut off", () => log("From: carla@client.test\r\nTo: ana@acme.test\r\nSubj"), 400, /cut off/],
      [
        "no sender, no recipients",
        () => log("Subject: lonely\r\nX-Foo: bar\r\n\r\nbody\r\n"),
        422,
        /no sender and no recipients/,
      ],
      [
        "multipart without any part",
        () =>
          log(
            'From: carla@client.test\r\nTo: ana@acme.test\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\njust text\r\n',
          ),
        422,
        /contains no part/,
      ],
      [
        "multipart without boundary",
        () =>
          log("From: carla@client.test\r\nTo: ana@acme.test\r\nContent-Type: multipart/mixed\r\n\r\nx\r\n"),
        422,
        /no boundary/,
      ],
      [
        "JSON instead of the message",
        () => log(JSON.stringify({ raw: "x" }), ana.token, "application/json"),
        415,
        /message\/rfc822/,
      ],
      ["text/plain", () => log(good(), ana.token, "text/plain"), 415, /Content-Type/],
      ["image/png", () => log(PNG, ana.token, "image/png"), 415, /not accepted/],
      [
        "over the size cap",
        () => log(eml({ from: "carla@client.test", to: "ana@acme.test", text: "x".repeat(250_000) })),
        413,
        /larger/,
      ],
    ];
    for (const [name, send, status, detail] of cases) {
      const before = await stored();
      const r = await send();
      expect(r.statusCode, `${name}: ${r.body}`).toBe(status);
      expect(r.headers["content-type"], name).toMatch(/^application\/problem\+json/);
      expect(r.json().detail, name).toMatch(detail);
      expect(await stored(), name).toEqual(before);
      const ok = await log(good());
      expect(ok.statusCode, `good message after ${name}`).toBe(201);
    }
  });

  it("R-1: logging needs a signed-in user", async () => {
    const r = await s.app.inject({
      method: "POST",
      url: "/api/v1/emails",
      headers: { "content-type": "message/rfc822" },
      payload: eml({ from: "carla@client.test", to: "ana@acme.test" }),
    });
    expect(r.statusCode).toBe(401);
  });
});
