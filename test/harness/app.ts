// A real Concilia server for tests: the same bootstrap as `concilia serve`, on a fresh database
// (in-memory PGlite, or a new database on the test PostgreSQL cluster) and a temporary data folder.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { buildApp } from "../../server/app.js";
import { createApiToken } from "../../server/auth/tokens.js";
import { closeContext, createContext } from "../../server/bootstrap.js";
import { loadConfig } from "../../server/config.js";
import type { ImapTester } from "../../server/connections/imap-test.js";
import type { AppContext } from "../../server/context.js";
import { createUser } from "../../server/crm/users.js";
import { createLogger } from "../../server/log.js";
import { startWorking } from "../../server/working.js";
import { pgliteTemplate } from "./pglite-template.js";

export type Engine = "pglite" | "postgres";

export interface TestServer {
  ctx: AppContext;
  app: FastifyInstance;
  /** Base URL once `listen()` was called. */
  url: string;
  listen(): Promise<string>;
  /** Adds a user and returns a bearer token for it. */
  user(
    email: string,
    opts?: { name?: string; role?: "admin" | "member"; locale?: string; aliases?: string[] },
  ): Promise<{ id: string; token: string; email: string }>;
  close(): Promise<void>;
}

/**
 * Every server test runs on both engines. Without TEST_DATABASE_URL the PostgreSQL variants fail (they
 * are never skipped, so a run without PostgreSQL cannot pass for a complete one): use `npm test`.
 */
export const engines: Engine[] = ["pglite", "postgres"];

export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin)
    throw new Error(
      "TEST_DATABASE_URL is not set, so this PostgreSQL test cannot run: run the tests through `npm test` " +
        "(it starts a throwaway PostgreSQL), or set TEST_DATABASE_URL=postgres://…/postgres.",
    );
  const name = `t_${randomBytes(6).toString("hex")}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const url = admin.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  return {
    url,
    async drop() {
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`drop database if exists ${name} with (force)`);
      await c2.end();
    },
  };
}

export async function startTestServer(
  opts: {
    engine?: Engine;
    env?: Record<string, string>;
    /**
     * PostgreSQL only: join the database of this URL (another test server's) instead of creating one,
     * as a second server process would; it keeps its own data folder and leaves the database to its owner.
     */
    joinDatabase?: string;
    /** R-CON-6: the IMAP connectivity test the server uses (default: none available). */
    imapTester?: ImapTester;
    /** Collects every log line (at debug level and above) instead of discarding them. */
    logLines?: string[];
    /**
     * false: this server works no job (no sync step runs), for tests that set the sync state themselves
     * to see how a view shows it, without the engine moving it meanwhile.
     */
    work?: boolean;
  } = {},
): Promise<TestServer> {
  const engine = opts.joinDatabase ? "postgres" : (opts.engine ?? "pglite");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-test-"));
  const pgdb =
    engine !== "postgres"
      ? null
      : opts.joinDatabase
        ? { url: opts.joinDatabase, drop: async () => {} }
        : await freshPostgresDatabase();
  const config = loadConfig({
    CONCILIA_DATA: dataDir,
    CONCILIA_LOG_LEVEL: "silent",
    CONCILIA_DEV: "1",
    CONCILIA_SECRET_KEY: randomBytes(32).toString("base64"),
    PORT: "0",
    // IMAP IDLE watches trigger steps of their own; the tests that prove them turn them on.
    CONCILIA_IMAP_IDLE: "off",
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...opts.env,
  });
  const lines = opts.logLines;
  const log = lines
    ? createLogger("debug", { write: (line: string) => void lines.push(line) })
    : createLogger(config.CONCILIA_LOG_LEVEL);
  const ctx = await createContext(config, log, {
    imapTester: opts.imapTester,
    memory: engine === "pglite",
    loadDataDir: engine === "pglite" ? await pgliteTemplate() : undefined,
  });
  if (opts.work !== false) await startWorking(ctx);
  const app = await buildApp(ctx);
  await app.ready();
  const server: TestServer = {
    ctx,
    app,
    url: "",
    async listen() {
      const address = await app.listen({ host: "127.0.0.1", port: 0 });
      server.url = address;
      return address;
    },
    async user(email, o = {}) {
      const u = await createUser(ctx.db, {
        email,
        name: o.name ?? email.split("@")[0],
        role: o.role ?? "member",
        locale: o.locale ?? "en",
        aliases: o.aliases ?? [],
      });
      const { token } = await createApiToken(ctx.db, u.id, { name: "test", scopes: ["crm", "admin"] });
      return { id: u.id, token, email: u.email };
    },
    async close() {
      await app.close();
      await closeContext(ctx);
      await pgdb?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** A request as the holder of `token` makes it: its status, content type and JSON body (null if empty). */
export async function callAs(s: TestServer, token: string, method: string, url: string, payload?: unknown) {
  const r = await s.app.inject({
    method: method as "GET",
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, type: r.headers["content-type"], body: r.body ? r.json() : null };
}
