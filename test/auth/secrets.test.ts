import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.js";
import { createUser } from "../../server/crm/users.js";
import { type Database, migrate, openDatabase } from "../../server/db/index.js";
import { secrets } from "../../server/db/schema.js";
import { keyFingerprint, secretBox } from "../../server/secrets/box.js";
import { KEY_FILE, loadSecretBox, NEXT_KEY_FILE, PREVIOUS_KEY_FILE } from "../../server/secrets/key.js";
import { rotateKeyFile, rotateSecrets } from "../../server/secrets/rotate.js";
import {
  deleteSecret,
  getSecret,
  putSecret,
  SecretUnreadable,
  secretContext,
} from "../../server/secrets/store.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const REFRESH = "1//0gRefreshTokenOfAna-very-secret-value";

describe.each(engines)("R-CON-11 secrets at rest on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string };
  let bruno: { id: string };

  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@acme.test");
    bruno = await s.user("bruno@acme.test");
  });
  afterAll(() => s?.close());

  it("R-CON-11: a stored credential's row holds no plaintext, and it opens back", async () => {
    const id = await putSecret(s.ctx, ana.id, "google-refresh-token", REFRESH);
    const { rows } = await s.ctx.database.query("select * from secrets where id = $1", [id]);
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain(REFRESH);
    expect(raw).not.toContain(Buffer.from(REFRESH).toString("base64").slice(0, 20));
    expect(rows[0].key_id).toBe(s.ctx.secrets.keyId);
    expect(await getSecret(s.ctx, ana.id, "google-refresh-token")).toBe(REFRESH);
  });

  it("R-CON-11: storing again replaces the secret; deleting removes it", async () => {
    await putSecret(s.ctx, ana.id, "imap-password", "first");
    await putSecret(s.ctx, ana.id, "imap-password", "second");
    expect(await getSecret(s.ctx, ana.id, "imap-password")).toBe("second");
    const rows = await s.ctx.db.select().from(secrets).where(eq(secrets.kind, "imap-password"));
    expect(rows).toHaveLength(1);
    expect(await deleteSecret(s.ctx, ana.id, "imap-password")).toBe(true);
    expect(await getSecret(s.ctx, ana.id, "imap-password")).toBeNull();
  });

  it("R-CON-11: a ciphertext copied onto another user's row does not open there", async () => {
    await putSecret(s.ctx, ana.id, "graph-refresh-token", "ana's graph token");
    await putSecret(s.ctx, bruno.id, "graph-refresh-token", "bruno's graph token");
    const kind = "graph-refresh-token";
    const [stolen] = await s.ctx.db
      .select()
      .from(secrets)
      .where(and(eq(secrets.userId, ana.id), eq(secrets.kind, kind)));
    await s.ctx.db
      .update(secrets)
      .set({ keyId: stolen.keyId, ciphertext: stolen.ciphertext })
      .where(and(eq(secrets.userId, bruno.id), eq(secrets.kind, kind)));
    await expect(getSecret(s.ctx, bruno.id, kind)).rejects.toThrow(SecretUnreadable);
    await expect(getSecret(s.ctx, bruno.id, kind)).rejects.toThrow(/altered or belongs to another row/);
    expect(await getSecret(s.ctx, ana.id, kind)).toBe("ana's graph token");
    await deleteSecret(s.ctx, bruno.id, kind);
  });

  it("R-CON-11: rotation re-seals every row; the old key is needed only until then", async () => {
    await putSecret(s.ctx, ana.id, "caldav-password", "ana caldav");
    await putSecret(s.ctx, bruno.id, "caldav-password", "bruno caldav");
    const before = await s.ctx.db.select().from(secrets);
    const newKey = randomBytes(32);
    const onlyNew = secretBox(newKey);
    expect(before.every((r) => !onlyNew.canOpen(r.keyId))).toBe(true);

    const rotating = secretBox(newKey, [
      randomBytes(32),
      Buffer.from(s.ctx.config.CONCILIA_SECRET_KEY!, "base64"),
    ]);
    const result = await s.ctx.db.transaction((tx) => rotateSecrets({ db: tx, secrets: rotating }));
    expect(result).toEqual({ keyId: keyFingerprint(newKey), resealed: before.length });

    const after = await s.ctx.db.select().from(secrets);
    expect(after.map((r) => r.keyId)).toEqual(after.map(() => keyFingerprint(newKey)));
    const withNewKeyOnly = { db: s.ctx.db, secrets: onlyNew };
    expect(await getSecret(withNewKeyOnly, ana.id, "caldav-password")).toBe("ana caldav");
    expect(await getSecret(withNewKeyOnly, bruno.id, "caldav-password")).toBe("bruno caldav");
    expect(await getSecret(withNewKeyOnly, ana.id, "google-refresh-token")).toBe(REFRESH);
    await expect(getSecret(s.ctx, ana.id, "caldav-password")).rejects.toThrow(/not configured/);
    expect((await rotateSecrets({ db: s.ctx.db, secrets: rotating })).resealed).toBe(0);
  });

  it("R-CON-11: rotation without the key that sealed a row fails and changes nothing", async () => {
    const stranger = secretBox(randomBytes(32));
    const before = await s.ctx.db.select().from(secrets);
    await expect(s.ctx.db.transaction((tx) => rotateSecrets({ db: tx, secrets: stranger }))).rejects.toThrow(
      /not configured/,
    );
    expect(await s.ctx.db.select().from(secrets)).toEqual(before);
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
    const before = { db: database.db, secrets: loadSecretBox(config()) };
    await putSecret(before, u.id, "google-refresh-token", REFRESH);
    await putSecret(before, u.id, "imap-password", "hunter2");
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
    expect(await getSecret(after, u.id, "google-refresh-token")).toBe(REFRESH);
    expect(await getSecret(after, u.id, "imap-password")).toBe("hunter2");
  });

  it("R-CON-11: a rotation interrupted after its commit leaves secrets readable and finishes on the next run", async () => {
    const [u] = await database.db.select().from(secrets);
    const next = randomBytes(32);
    fs.writeFileSync(file(NEXT_KEY_FILE), `${next.toString("base64")}\n`, { mode: 0o600 });
    // As if the transaction had committed and the process died before swapping the files.
    const sealed = secretBox(next).seal("hunter3", secretContext(u));
    await database.db.update(secrets).set(sealed).where(eq(secrets.id, u.id));
    expect(await getSecret({ db: database.db, secrets: loadSecretBox(config()) }, u.userId, u.kind)).toBe(
      "hunter3",
    );

    const result = await rotateKeyFile(config(), database);
    expect(result.keyId).toBe(keyFingerprint(next));
    const box = secretBox(next);
    expect(await getSecret({ db: database.db, secrets: box }, u.userId, u.kind)).toBe("hunter3");
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
