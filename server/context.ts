// Everything a request handler or a job needs, built once at start-up and passed down explicitly.
import type { Config } from "./config.js";
import type { ImapTester } from "./connections/imap-test.js";
import type { Database, Db } from "./db/index.js";
import type { Jobs } from "./jobs/queue.js";
import type { Logger } from "./log.js";
import type { BlobStore } from "./mail/blobs.js";
import type { SecretBox } from "./secrets/box.js";

export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  log: Logger;
  blobs: BlobStore;
  jobs: Jobs;
  secrets: SecretBox;
  /** R-CON-6: the IMAP connectivity test (server/providers/imap/). */
  imapTester: ImapTester;
}
