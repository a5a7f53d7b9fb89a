// R-P-1 on PostgreSQL: API servers and workers run on several hosts with nothing shared but the
// database, so attachment bytes live in the database, written with the rows that use them.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { eml } from "../harness/eml.js";
import { anaWithCarla, CARLA, logRaw } from "../harness/logged-mail.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const files = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).length : 0);

describe.runIf(engines.includes("postgres"))("attachment blobs on PostgreSQL", () => {
  let first: TestServer;
  let second: TestServer;
  let ana: { token: string };

  const log = (server: TestServer, messageId: string, file: { name: string; bytes: Buffer }) =>
    logRaw(
      server,
      ana.token,
      eml({ from: CARLA, to: "ana@acme.test", messageId, files: [{ ...file, type: "application/pdf" }] }),
    );
  const download = async (server: TestServer, activityId: string) => {
    const get = (url: string) =>
      server.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${ana.token}` } });
    const [file] = (await get(`/api/v1/activities/${activityId}`)).json().email.attachments;
    return get(`/api/v1/activities/${activityId}/attachments/${file.id}`);
  };
  const blobRows = async (server: TestServer, sha256: string) =>
    (await server.ctx.database.query("select 1 from blobs where sha256 = $1", [sha256])).rows.length;

  beforeAll(async () => {
    first = await startTestServer({ engine: "postgres" });
    // A second server process: the same database, its own data folder (another host).
    second = await startTestServer({ joinDatabase: first.ctx.config.DATABASE_URL });
    ana = await anaWithCarla(first);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it("R-P-1: an attachment logged through one server is downloaded byte-exact through another with its own data folder", async () => {
    expect(second.ctx.config.dataDir).not.toBe(first.ctx.config.dataDir);
    expect(second.ctx.config.blobDir).not.toBe(first.ctx.config.blobDir);
    const offer = Buffer.concat([
      Buffer.from("%PDF-1.4 offer\n"),
      randomBytes(3000),
      Buffer.from([0, 13, 10]),
    ]);
    const logged = await log(first, `offer.${randomBytes(4).toString("hex")}@client.test`, {
      name: "offer.pdf",
      bytes: offer,
    });
    expect(logged.statusCode, logged.body).toBe(201);

    const got = await download(second, logged.json().activityId);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.rawPayload.equals(offer)).toBe(true);

    const reply = Buffer.concat([Buffer.from("%PDF-1.4 signed\n"), randomBytes(1000)]);
    const back = await log(second, `signed.${randomBytes(4).toString("hex")}@client.test`, {
      name: "signed.pdf",
      bytes: reply,
    });
    expect(back.statusCode, back.body).toBe(201);
    expect((await download(first, back.json().activityId)).rawPayload.equals(reply)).toBe(true);
    // Nothing went through a folder.
    expect(files(first.ctx.config.blobDir) + files(second.ctx.config.blobDir)).toBe(0);
  });

  it("R-P-1: a logging whose transaction rolls back leaves no blob row", async () => {
    await first.ctx.database.query(`
      create or replace function refuse_attachment() returns trigger language plpgsql as $$
      begin raise exception 'attachment refused'; end $$`);
    await first.ctx.database.query(
      "create trigger refuse_attachment before insert on attachments for each row execute function refuse_attachment()",
    );
    const bytes = randomBytes(2000);
    try {
      const r = await log(first, `rolled.${randomBytes(4).toString("hex")}@client.test`, {
        name: "rolled.pdf",
        bytes,
      });
      expect(r.statusCode).toBe(500);
    } finally {
      await first.ctx.database.query("drop trigger refuse_attachment on attachments");
    }
    expect(await blobRows(first, sha(bytes))).toBe(0);
    expect(await second.ctx.blobs.has(sha(bytes))).toBe(false);
  });

  it("R-P-1: attachments logged while blobs were files stay readable from the blob folder", async () => {
    const old = Buffer.concat([Buffer.from("%PDF-1.3 from before\n"), randomBytes(800)]);
    const logged = await log(first, `old.${randomBytes(4).toString("hex")}@client.test`, {
      name: "old.pdf",
      bytes: old,
    });
    expect(logged.statusCode, logged.body).toBe(201);
    // What the upgrade leaves of a blob stored before: a row without bytes (the migration) and the
    // file in the folder named by CONCILIA_BLOB_DIR.
    await first.ctx.database.query("update blobs set bytes = null where sha256 = $1", [sha(old)]);
    const file = path.join(first.ctx.config.blobDir, sha(old).slice(0, 2), sha(old));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, old);
    const got = await download(first, logged.json().activityId);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.rawPayload.equals(old)).toBe(true);
  });
});
