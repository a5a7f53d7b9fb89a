import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.js";
import { createConnection, deleteConnection } from "../../server/connections/connections.js";
import { createUser } from "../../server/crm/users.js";
import { type Database, migrate, openDatabase } from "../../server/db/index.js";
import { connectionSecrets } from "../../server/db/schema.js";
import { keyFingerprint, type SecretBox, secretBox } from "../../server/secrets/box.js";
import { KEY_FILE, loadSecretBox, NEXT_KEY_FILE, PREVIOUS_KEY_FILE } from "../../server/secrets/key.js";
import { rotateKeyFile, rotateSecrets } from "../../server/secrets/rotate.js";
import {
  deleteSecret,
  getSecret,
  putSecret,
  refreshSecret,
  SecretUnreadable,
  SecretVersionConflict,
  secretContext,
} from "../../server/secrets/store.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const REFRESH = "1//0gRefreshTokenOfAna-very-secret-value";

describe.each(engines)("R-CON-11 connection secrets at rest on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string };
  let bruno: { id: string };
  let anaGoogle: string;
  let anaMicrosoft: string;
  let brunoGoogle: string;

  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@acme.test");
    bruno = await s.user("bruno@acme.test");
    const connect = async (userId: string, provider: string, accountAddress: string) =>
      (await createConnection(s.ctx.db, userId, { provider, accountAddress })).id;
    anaGoogle = await connect(ana.id, "google", "Ana.Ruiz@gmail.test");
    anaMicrosoft = await connect(ana.id, "microsoft", "ana@acme.test");
    brunoGoogle = await connect(bruno.id, "google", "bruno@gmail.test");
  });
  afterAll(() => s?.close());

  it("R-CON-11: a stored credential's row holds no plaintext, and it opens back with its version", async () => {
    expect(await putSecret(s.ctx, anaGoogle, "refresh-token", REFRESH, null)).toBe(1);
    const { rows } = await s.ctx.database.query("select * from connection_secrets where connection_id = $1", [
      anaGoogle,
    ]);
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain(REFRESH);
    expect(raw).not.toContain(Buffer.from(REFRESH).toString("base64").slice(0, 20));
    expect(rows[0].key_id).toBe(s.ctx.secrets.keyId);
    expect(await getSecret(s.ctx, anaGoogle, "refresh-token")).toEqual({ value: REFRESH, version: 1 });
  });

  it("R-CON-11: each connection of a user keeps its own credentials (a Google and a Microsoft account)", async () => {
    await putSecret(s.ctx, anaMicrosoft, "refresh-token", "ana's microsoft token", null);
    expect((await getSecret(s.ctx, anaGoogle, "refresh-token"))?.value).toBe(REFRESH);
    expect((await getSecret(s.ctx, anaMicrosoft, "refresh-token"))?.value).toBe("ana's microsoft token");
    expect(await getSecret(s.ctx, anaMicrosoft, "app-password")).toBeNull();
  });

  it("R-CON-11: a write names the version it replaces; a stale one is refused with what is stored", async () => {
    expect(await putSecret(s.ctx, anaGoogle, "app-password", "first", null)).toBe(1);
    const again = putSecret(s.ctx, anaGoogle, "app-password", "also first", null);
    await expect(again).rejects.toThrow(SecretVersionConflict);
    expect(await putSecret(s.ctx, anaGoogle, "app-password", "second", 1)).toBe(2);
    const stale = await putSecret(s.ctx, anaGoogle, "app-password", "from a stale read", 1).catch((e) => e);
    expect(stale).toBeInstanceOf(SecretVersionConflict);
    expect(stale.currentVersion).toBe(2);
    expect(JSON.stringify(stale)).not.toContain("second"); // nothing to leak when logged
    expect(await getSecret(s.ctx, anaGoogle, "app-password")).toEqual({ value: "second", version: 2 });
    expect(await deleteSecret(s.ctx, anaGoogle, "app-password")).toBe(true);
    expect(await getSecret(s.ctx, anaGoogle, "app-password")).toBeNull();
  });

  it("R-CON-11: two workers refreshing a rotating refresh token at once: one write wins, the other reads the winner's token", async () => {
    await putSecret(s.ctx, brunoGoogle, "refresh-token", "rt-1", null);
    // A provider that rotates: every use of a refresh token answers a new one. Both workers read
    // rt-1 before either has stored its successor.
    let issued = 1;
    let arrived = 0;
    let release: () => void = () => {};
    const bothRead = new Promise<void>((r) => {
      release = r;
    });
    const provider = async (current: string) => {
      expect(current).toBe("rt-1");
      if (++arrived === 2) release();
      await bothRead;
      return `rt-${++issued}`;
    };
    const [a, b] = await Promise.all([
      refreshSecret(s.ctx, brunoGoogle, "refresh-token", provider),
      refreshSecret(s.ctx, brunoGoogle, "refresh-token", provider),
    ]);
    expect([a.stored, b.stored].sort()).toEqual([false, true]);
    const winner = a.stored ? a : b;
    const loser = a.stored ? b : a;
    expect(winner.version).toBe(2);
    // The loser carries on with the winner's token, not with its own (which is dropped) nor with rt-1.
    expect(loser).toEqual({ value: winner.value, version: 2, stored: false });
    expect(await getSecret(s.ctx, brunoGoogle, "refresh-token")).toEqual({ value: winner.value, version: 2 });
    // And the next refresh starts from the winner's token.
    const next = await refreshSecret(s.ctx, brunoGoogle, "refresh-token", async (t) => `${t}+next`);
    expect(next).toEqual({ value: `${winner.value}+next`, version: 3, stored: true });
  });

  it("R-CON-11: a ciphertext copied onto another row, or back onto a newer version, does not open", async () => {
    const rowOf = async (connectionId: string) =>
      (
        await s.ctx.db
          .select()
          .from(connectionSecrets)
          .where(
            and(
              eq(connectionSecrets.connectionId, connectionId),
              eq(connectionSecrets.name, "refresh-token"),
            ),
          )
      )[0];
    const anas = await rowOf(anaMicrosoft);
    const brunos = await rowOf(brunoGoogle);
    await s.ctx.db
      .update(connectionSecrets)
      .set({ keyId: anas.keyId, ciphertext: anas.ciphertext })
      .where(eq(connectionSecrets.id, brunos.id));
    await expect(getSecret(s.ctx, brunoGoogle, "refresh-token")).rejects.toThrow(
      /altered or belongs to another row/,
    );
    await s.ctx.db.update(connectionSecrets).set(brunos).where(eq(connectionSecrets.id, brunos.id));

    // An older ciphertext of the same row, put back under the current version: refused too.
    const v3 = await getSecret(s.ctx, brunoGoogle, "refresh-token");
    await putSecret(s.ctx, brunoGoogle, "refresh-token", "rt-newest", v3!.version);
    await s.ctx.db
      .update(connectionSecrets)
      .set({ ciphertext: brunos.ciphertext })
      .where(eq(connectionSecrets.id, brunos.id));
    await expect(getSecret(s.ctx, brunoGoogle, "refresh-token")).rejects.toThrow(SecretUnreadable);
    // Put back as it was (the whole row, version included), it opens again.
    await s.ctx.db.update(connectionSecrets).set(brunos).where(eq(connectionSecrets.id, brunos.id));
    expect(await getSecret(s.ctx, brunoGoogle, "refresh-token")).toEqual(v3);
    expect((await getSecret(s.ctx, anaMicrosoft, "refresh-token"))?.value).toBe("ana's microsoft token");
  });

  it("R-CON-11: the API lists connections and the names of their credentials, never a credential", async () => {
    const r = await s.app.inject({
      url: "/api/v1/connections",
      headers: { authorization: `Bearer ${ana.token}` },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().items).toEqual([
      expect.objectContaining({
        provider: "google",
        accountAddress: "ana.ruiz@gmail.test",
        secrets: [expect.objectContaining({ name: "refresh-token", version: 1 })],
      }),
      expect.objectContaining({
        provider: "microsoft",
        secrets: [expect.objectContaining({ name: "refresh-token", version: 1 })],
      }),
    ]);
    expect(r.body).not.toContain(REFRESH);
    expect(r.body).not.toContain("ana's microsoft token");
    const { rows } = await s.ctx.database.query<{ ciphertext: string }>(
      "select ciphertext from connection_secrets",
    );
    for (const row of rows) expect(r.body).not.toContain(row.ciphertext.slice(0, 16));
  });

  it("R-CON-11: rotation re-seals every connection secret; the old key is needed only until then", async () => {
    const before = await s.ctx.db.select().from(connectionSecrets);
    expect(before.length).toBeGreaterThanOrEqual(3);
    const brunos = (await getSecret(s.ctx, brunoGoogle, "refresh-token"))?.value;
    const newKey = randomBytes(32);
    const onlyNew = secretBox(newKey);
    expect(before.every((r) => !onlyNew.canOpen(r.keyId))).toBe(true);

    const rotating = secretBox(newKey, [
      randomBytes(32),
      Buffer.from(s.ctx.config.CONCILIA_SECRET_KEY!, "base64"),
    ]);
    const result = await s.ctx.db.transaction((tx) => rotateSecrets({ db: tx, secrets: rotating }));
    expect(result).toEqual({ keyId: keyFingerprint(newKey), resealed: before.length });

    const after = await s.ctx.db.select().from(connectionSecrets);
    expect(after.map((r) => r.keyId)).toEqual(after.map(() => keyFingerprint(newKey)));
    // Versions stay: a worker's pending write still names the right one.
    expect(after.map((r) => [r.id, r.version]).sort()).toEqual(before.map((r) => [r.id, r.version]).sort());
    const withNewKeyOnly = { db: s.ctx.db, secrets: onlyNew };
    expect((await getSecret(withNewKeyOnly, anaGoogle, "refresh-token"))?.value).toBe(REFRESH);
    expect((await getSecret(withNewKeyOnly, anaMicrosoft, "refresh-token"))?.value).toBe(
      "ana's microsoft token",
    );
    expect((await getSecret(withNewKeyOnly, brunoGoogle, "refresh-token"))?.value).toBe(brunos);
    await expect(getSecret(s.ctx, anaGoogle, "refresh-token")).rejects.toThrow(/not configured/);
    expect((await rotateSecrets({ db: s.ctx.db, secrets: rotating })).resealed).toBe(0);
  });

  it("R-CON-11: rotation without the key that sealed a row fails and changes nothing", async () => {
    const stranger = secretBox(randomBytes(32));
    const before = await s.ctx.db.select().from(connectionSecrets);
    await expect(s.ctx.db.transaction((tx) => rotateSecrets({ db: tx, secrets: stranger }))).rejects.toThrow(
      /not configured/,
    );
    expect(await s.ctx.db.select().from(connectionSecrets)).toEqual(before);
  });

  // Only PostgreSQL runs a refresh and a rotation at the same moment (the embedded database takes turns).
  if (engine === "postgres")
    it("R-CON-11: a token refreshed while rotate-key runs is kept, and re-sealed with the new key", async () => {
      await s.ctx.db.delete(connectionSecrets); // the earlier rotations' rows are under keys gone now
      const carla = await s.user("carla@acme.test");
      const conn = (
        await createConnection(s.ctx.db, carla.id, { provider: "google", accountAddress: "c@gmail.test" })
      ).id;
      await putSecret(s.ctx, conn, "refresh-token", "rt-old", null);
      const [row] = await s.ctx.db
        .select()
        .from(connectionSecrets)
        .where(eq(connectionSecrets.connectionId, conn));
      const newKey = randomBytes(32);
      const previous = [Buffer.from(s.ctx.config.CONCILIA_SECRET_KEY!, "base64")];
      const rotating = secretBox(newKey, previous);
      const waitingForLock = async () => {
        for (;;) {
          const { rows } = await s.ctx.database.query(
            "select 1 from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'update %connection_secrets%'",
          );
          if (rows.length) return;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      let rotation: Promise<unknown> = Promise.resolve();
      // A worker (still on the old key) holds the row, the rotation reads it and waits for it, then the
      // worker stores the provider's new token and commits: the rotation must not write rt-old back.
      await s.ctx.db.transaction(async (worker) => {
        await worker.select().from(connectionSecrets).where(eq(connectionSecrets.id, row.id)).for("update");
        rotation = s.ctx.db.transaction((tx) => rotateSecrets({ db: tx, secrets: rotating }));
        await Promise.race([
          waitingForLock(),
          rotation.then(() => Promise.reject(new Error("rotation did not wait"))),
        ]);
        await putSecret({ db: worker, secrets: s.ctx.secrets }, conn, "refresh-token", "rt-from-worker", 1);
      });
      await rotation;
      const [after] = await s.ctx.db.select().from(connectionSecrets).where(eq(connectionSecrets.id, row.id));
      expect(after.keyId).toBe(keyFingerprint(newKey));
      expect(await getSecret({ db: s.ctx.db, secrets: secretBox(newKey) }, conn, "refresh-token")).toEqual({
        value: "rt-from-worker",
        version: 2,
      });
    });

  it("R-CON-11: deleting a connection deletes its credentials", async () => {
    await putSecret(s.ctx, anaGoogle, "app-password", "to be deleted", null);
    expect(await deleteConnection(s.ctx.db, bruno.id, anaGoogle)).toBe(false); // not his
    expect((await getSecret(s.ctx, anaGoogle, "app-password"))?.value).toBe("to be deleted");
    expect(await deleteConnection(s.ctx.db, ana.id, anaGoogle)).toBe(true);
    const left = await s.ctx.db
      .select()
      .from(connectionSecrets)
      .where(eq(connectionSecrets.connectionId, anaGoogle));
    expect(left).toEqual([]);
  });
});

describe("R-CON-11 key file of the embedded default", () => {
  let dataDir: string;
  let database: Database;
  const config = () => loadConfig({ CONCILIA_DATA: dataDir, CONCILIA_LOG_LEVEL: "silent" });
  const file = (name: string) => path.join(dataDir, name);

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-key-"));
    database = await openDatabase({ memory: true });
    await migrate(database);
  });
  afterAll(async () => {
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("R-CON-11: the first start generates a key readable by its owner only", () => {
    const box = loadSecretBox(config());
    const stat = fs.statSync(file(KEY_FILE));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(loadSecretBox(config()).keyId).toBe(box.keyId);
  });

  it("R-CON-11: rotate-key replaces the key file and every secret opens with the new key alone", async () => {
    const u = await createUser(database.db, { email: "ana@acme.test", name: "Ana" });
    const google = await createConnection(database.db, u.id, {
      provider: "google",
      accountAddress: "ana@gmail.test",
    });
    const imap = await createConnection(database.db, u.id, {
      provider: "imap",
      accountAddress: "ana@acme.test",
    });
    const before = { db: database.db, secrets: loadSecretBox(config()) };
    await putSecret(before, google.id, "refresh-token", REFRESH, null);
    await putSecret(before, imap.id, "password", "hunter2", null);
    const oldKey = fs.readFileSync(file(KEY_FILE), "utf8");

    const result = await rotateKeyFile(config(), database);
    expect(result.resealed).toBe(2);
    expect(fs.readFileSync(file(KEY_FILE), "utf8")).not.toBe(oldKey);
    expect(fs.existsSync(file(NEXT_KEY_FILE))).toBe(false);
    expect(fs.existsSync(file(PREVIOUS_KEY_FILE))).toBe(false);
    expect(fs.statSync(file(KEY_FILE)).mode & 0o777).toBe(0o600);

    const after = { db: database.db, secrets: loadSecretBox(config()) };
    expect(after.secrets.keyId).toBe(result.keyId);
    expect(after.secrets.canOpen(before.secrets.keyId)).toBe(false);
    expect((await getSecret(after, google.id, "refresh-token"))?.value).toBe(REFRESH);
    expect((await getSecret(after, imap.id, "password"))?.value).toBe("hunter2");
  });

  it("R-CON-11: a rotation interrupted after its commit leaves secrets readable and finishes on the next run", async () => {
    const [u] = await database.db.select().from(connectionSecrets);
    const next = randomBytes(32);
    fs.writeFileSync(file(NEXT_KEY_FILE), `${next.toString("base64")}\n`, { mode: 0o600 });
    // As if the transaction had committed and the process died before swapping the files.
    const sealed = secretBox(next).seal("hunter3", secretContext(u));
    await database.db.update(connectionSecrets).set(sealed).where(eq(connectionSecrets.id, u.id));
    const read = (secrets: SecretBox) => getSecret({ db: database.db, secrets }, u.connectionId, u.name);
    expect((await read(loadSecretBox(config())))?.value).toBe("hunter3");

    const result = await rotateKeyFile(config(), database);
    expect(result.keyId).toBe(keyFingerprint(next));
    expect((await read(secretBox(next)))?.value).toBe("hunter3");
    expect(fs.existsSync(file(NEXT_KEY_FILE))).toBe(false);
  });

  it("R-CON-11: with CONCILIA_SECRET_KEY the key file is not touched", async () => {
    const c = loadConfig({ CONCILIA_DATA: dataDir, CONCILIA_SECRET_KEY: randomBytes(32).toString("base64") });
    await expect(rotateKeyFile(c, database)).rejects.toThrow(/CONCILIA_OLD_SECRET_KEYS/);
  });
});

describe("R-CON-11 the sealing itself", () => {
  it("R-CON-11: a ciphertext whose GCM tag was cut short is refused, however little it hides", () => {
    const box = secretBox(randomBytes(32));
    const sealed = box.seal("", "concilia-secret:row");
    const raw = Buffer.from(sealed.ciphertext, "base64");
    expect(raw).toHaveLength(12 + 16);
    expect(box.open(sealed.keyId, sealed.ciphertext, "concilia-secret:row")).toBe("");
    // The first 4 bytes of the right tag: GCM without a fixed tag length would take them (2^32 tries to forge).
    for (const tagBytes of [4, 8, 12, 15]) {
      const truncated = raw.subarray(0, 12 + tagBytes).toString("base64");
      expect(() => box.open(sealed.keyId, truncated, "concilia-secret:row")).toThrow();
    }
    const text = box.seal("refresh-token", "concilia-secret:row");
    const long = Buffer.from(text.ciphertext, "base64");
    const flipped = Buffer.from(long);
    flipped[long.length - 1] ^= 1;
    expect(() => box.open(text.keyId, flipped.toString("base64"), "concilia-secret:row")).toThrow();
    expect(box.open(text.keyId, text.ciphertext, "concilia-secret:row")).toBe("refresh-token");
  });
});
