// Attachment blobs are shared by content (a signature logo by every message that carries it), so
// removing one must never race a message being logged with the same bytes; and deleting an email
// gives back the blobs that no other email uses.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBlobs } from "../../server/mail/blobs.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { eml } from "../harness/eml.js";
import { anaWithCarla, CARLA, logRaw } from "../harness/logged-mail.js";
import { until } from "../harness/until.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)("attachment blob collection (%s)", (engine) => {
  let s: TestServer;
  let token: string;
  let seq = 0;

  const api = (method: "GET" | "DELETE", url: string) =>
    s.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
  /** Logs a message from a CRM person with these files; returns the activity id. */
  const log = async (...files: { name: string; bytes: Buffer }[]) => {
    const r = await logRaw(
      s,
      token,
      eml({
        from: CARLA,
        to: "ana@acme.test",
        messageId: `blob${++seq}.${randomBytes(4).toString("hex")}@client.test`,
        files: files.map((f) => ({ ...f, type: "application/octet-stream" })),
      }),
    );
    expect(r.statusCode, r.body).toBe(201);
    return r.json().activityId as string;
  };
  /** Every attachment of the email, downloaded: its bytes must be the ones logged. */
  const downloads = async (activityId: string) => {
    const a = (await api("GET", `/api/v1/activities/${activityId}`)).json();
    return Promise.all(
      a.email.attachments.map(async (f: { id: string; filename: string }) => {
        const r = await api("GET", `/api/v1/activities/${activityId}/attachments/${f.id}`);
        return { name: f.filename, status: r.statusCode, sha: sha(r.rawPayload) };
      }),
    );
  };
  const remove = async (activityId: string) =>
    expect((await api("DELETE", `/api/v1/activities/${activityId}`)).statusCode).toBe(204);
  const collect = (shas: string[]) => collectBlobs(s.ctx.db, s.ctx.blobs, shas);

  beforeAll(async () => {
    s = await startTestServer({ engine });
    token = (await anaWithCarla(s)).token;
  });
  afterAll(() => s?.close());

  it("R-MAIL-1: a collection running while two emails with the same logo are logged never removes bytes a logged email points at", async () => {
    const logo = Buffer.concat([Buffer.from("GIF89a signature logo "), randomBytes(2000)]);
    const lost: string[] = [];
    for (let round = 0; round < 30; round++) {
      // The logo is unused at the start of each round: the one email that had it was deleted.
      await remove(await log({ name: "logo.gif", bytes: logo }));
      const [first, second] = await Promise.all([
        log({ name: "logo.gif", bytes: logo }),
        log({ name: "logo.gif", bytes: logo }),
        (async () => {
          for (let i = 0; i < 4; i++) {
            await pause((round * 3 + i * 5) % 12);
            await collect([sha(logo)]);
          }
        })(),
      ]);
      for (const id of [first, second])
        for (const d of await downloads(id))
          if (d.status !== 200 || d.sha !== sha(logo)) lost.push(`round ${round}: ${d.name} ${d.status}`);
      await remove(first);
      await remove(second);
    }
    expect(lost).toEqual([]);
  }, 120_000);

  it("R-MAIL-1: deleting a logged email releases its blobs, and a blob another email still uses stays", async () => {
    const logo = Buffer.concat([Buffer.from("shared logo "), randomBytes(500)]);
    const contract = Buffer.concat([Buffer.from("%PDF contract "), randomBytes(500)]);
    const withBoth = await log({ name: "logo.png", bytes: logo }, { name: "contract.pdf", bytes: contract });
    const withLogo = await log({ name: "logo.png", bytes: logo });
    expect(await s.ctx.blobs.has(sha(contract))).toBe(true);

    await remove(withBoth);
    expect(await until(async () => !(await s.ctx.blobs.has(sha(contract))), 15_000, 100)).toBe(true);
    expect(await s.ctx.blobs.has(sha(logo))).toBe(true);
    expect(await downloads(withLogo)).toEqual([{ name: "logo.png", status: 200, sha: sha(logo) }]);
    // Collecting again, as a retried job would, keeps what is used.
    await collect([sha(logo), sha(contract)]);
    expect(await downloads(withLogo)).toEqual([{ name: "logo.png", status: 200, sha: sha(logo) }]);

    await remove(withLogo);
    expect(await until(async () => !(await s.ctx.blobs.has(sha(logo))), 15_000, 100)).toBe(true);
  });

  it("R-MAIL-1: a logging that fails after storing its attachment leaves no blob behind", async () => {
    // A database fault in the middle of the logging transaction, after the blob was stored.
    await s.ctx.database.query(`
      create or replace function refuse_boom() returns trigger language plpgsql as $$
      begin
        if new.filename = 'boom.bin' then raise exception 'disk on fire'; end if;
        return new;
      end $$`);
    await s.ctx.database.query(
      "create trigger refuse_boom before insert on attachments for each row execute function refuse_boom()",
    );
    const boom = randomBytes(700);
    const r = await logRaw(
      s,
      token,
      eml({
        from: CARLA,
        to: "ana@acme.test",
        messageId: `boom.${randomBytes(4).toString("hex")}@client.test`,
        files: [{ name: "boom.bin", type: "application/octet-stream", bytes: boom }],
      }),
    );
    await s.ctx.database.query("drop trigger refuse_boom on attachments");
    expect(r.statusCode).toBe(500);
    // On PostgreSQL nothing is left at all; the embedded store's file goes with the queued collection.
    if (engine === "postgres") expect(await s.ctx.blobs.has(sha(boom))).toBe(false);
    expect(await until(async () => !(await s.ctx.blobs.has(sha(boom))), 15_000, 100)).toBe(true);
  });
});
