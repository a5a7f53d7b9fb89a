// Builds the application context: database (migrated), blob store, secret box, job queue.
import type { Config } from "./config.js";
import { imapProviderTester } from "./connections/imap-provider-tester.js";
import type { ImapTester } from "./connections/imap-test.js";
import type { AppContext } from "./context.js";
import { ensureDefaults } from "./crm/defaults.js";
import { type Database, migrate, openDatabase } from "./db/index.js";
import { createJobs } from "./jobs/pgboss.js";
import type { Jobs } from "./jobs/queue.js";
import type { Logger } from "./log.js";
import { databaseBlobStore } from "./mail/blob-database.js";
import { folderBlobStore } from "./mail/blob-folder.js";
import { createPushHooks } from "./providers/push-hooks.js";
import { loadSecretBox } from "./secrets/key.js";
import { syncOnPush } from "./sync/push-trigger.js";
import { stopWorking } from "./working.js";

export async function createContext(
  config: Config,
  log: Logger,
  opts: {
    database?: Database;
    memory?: boolean;
    loadDataDir?: Blob;
    jobs?: boolean;
    /**
     * Whether this process works the queue (false for an API process beside separate workers): only
     * then does it run the queue's maintenance, so that none of the queue's work lands on the API.
     */
    worksQueue?: boolean;
    imapTester?: ImapTester;
  } = {},
): Promise<AppContext> {
  const secrets = loadSecretBox(config);
  const database =
    opts.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.dataDir,
      memory: opts.memory,
      loadDataDir: opts.loadDataDir,
    }));
  await migrate(database);
  await ensureDefaults(database.db);
  const jobs =
    opts.jobs === false
      ? noJobs
      : await createJobs(database, log, undefined, { supervise: opts.worksQueue ?? true });
  // On PostgreSQL every process on every host must read every blob: they live in the database. The
  // folder is read only for attachments logged before that.
  const folder = folderBlobStore(config.blobDir);
  const blobs = database.kind === "postgres" ? databaseBlobStore(database.db, folder) : folder;
  const imapTester = opts.imapTester ?? imapProviderTester(config.CONCILIA_ALLOW_PRIVATE_HOSTS);
  const push = createPushHooks(config, database.db, log);
  const ctx: AppContext = { config, database, db: database.db, log, blobs, jobs, secrets, imapTester, push };
  syncOnPush(ctx);
  return ctx;
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await stopWorking(ctx);
  await ctx.jobs.stop();
  await ctx.database.close();
}

/** For short commands that queue nothing: skips starting the queue (its schema costs seconds on a new folder). */
const noJobs: Jobs = {
  send: async (_tx, name) => {
    throw new Error(`This command does not run the job queue, so it cannot queue '${name}'.`);
  },
  sendMany: async (_tx, name) => {
    throw new Error(`This command does not run the job queue, so it cannot queue '${name}'.`);
  },
  work: async () => {},
  counts: async () => ({}),
  stop: async () => {},
};
