// Configuration comes from environment variables only, validated once at start-up so that a wrong
// value stops the server with a message naming the variable, not with a crash later on.
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { allowanceEntryProblem } from "./providers/private-hosts.js";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

const entraTenant = z
  .string()
  .regex(
    /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|common|organizations)$/,
    "must be tenant ids (GUIDs), or 'organizations' (any work account) or 'common' (any account)",
  );

/** proxy-addr's names for address ranges, accepted beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = ["loopback", "linklocal", "uniquelocal"];

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address, bits, extra] = entry.split("/");
  const version = isIP(address);
  if (!version || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/**
 * Which hops in front of the server may say who the client is (X-Forwarded-For): off (the default:
 * the peer is the client), the number of proxies in front, or their addresses and CIDRs.
 */
const trustProxy = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .transform((v, c): false | number | string[] => {
    if (["", "0", "off", "false", "no"].includes(v)) return false;
    if (/^\d+$/.test(v)) return Number(v);
    const entries = v
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    const bad = entries.filter((e) => !isAddressOrCidr(e));
    if (bad.length)
      c.addIssue({
        code: "custom",
        message: `must be off, a number of proxies, or proxy addresses and CIDRs (not: ${bad.join(", ")})`,
      });
    return entries;
  });

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  CONCILIA_DATA: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  CONCILIA_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  CONCILIA_DEV: bool.default(false),
  CONCILIA_SECRET_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes in base64 (openssl rand -base64 32)")
    .optional(),
  CONCILIA_OLD_SECRET_KEYS: list.default([]),
  CONCILIA_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  CONCILIA_MAX_EMAIL_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(35 * 1024 * 1024),
  CONCILIA_BLOB_DIR: z.string().optional(),
  CONCILIA_WORKER: z.enum(["inline", "off"]).default("inline"),
  /**
   * The nice value a `concilia worker` process sets on itself (0: leave its priority alone), so that
   * sync work on a machine shared with API processes does not slow the sidebars (docs/operations.md).
   */
  CONCILIA_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** `concilia worker` serves /metrics and /healthz on HOST at this port (off when unset). */
  CONCILIA_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  CONCILIA_PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(43_200).default(3600),
  CONCILIA_TRUST_PROXY: trustProxy.default(false),
  /** Custom mail servers allowed to be private, loopback or link-local (SSRF guard): hosts, CIDRs or `*`. */
  CONCILIA_ALLOW_PRIVATE_HOSTS: list
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        const problem = allowanceEntryProblem(entry);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }
    })
    .default([]),
  /**
   * Sync (server/sync/): how often due connections are looked for (0: never, sync runs only through
   * `concilia sync run`), and the polling fallback of push.
   */
  CONCILIA_SYNC_TICK_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  CONCILIA_SYNC_POLL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** IMAP push: each working process keeps an IDLE watch on the INBOX of every active IMAP connection. */
  CONCILIA_IMAP_IDLE: z.enum(["on", "off"]).default("on"),
  /**
   * How often a step whose worker died (its lease gone) is looked for and queued again, apart from the
   * tick: a killed worker's connections resume within this, whatever the tick's interval (never later
   * than the tick; off with it when the tick is 0).
   */
  CONCILIA_SYNC_WATCHDOG_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  /** A step holding its connection longer than this is freed by the watchdog. */
  CONCILIA_SYNC_STUCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** First retry delay after a failed step, doubled per consecutive failure (at most an hour). */
  CONCILIA_SYNC_RETRY_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Consecutive unexpected failures after which a connection's sync is `failed`. */
  CONCILIA_SYNC_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** Tries of one item before it is parked among the failed items. */
  CONCILIA_SYNC_ITEM_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  /** Items per page (one transaction with its cursor) and per step. */
  CONCILIA_SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  CONCILIA_SYNC_STEP_ITEMS: z.coerce.number().int().min(1).max(100_000).default(500),
  /**
   * Provider HTTP: concurrent requests per account, timeout, retries of idempotent requests (the Gmail,
   * Google Calendar and Graph clients of a sync step retry this many times, with backoff from 0.5 s).
   */
  CONCILIA_PROVIDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  CONCILIA_PROVIDER_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(600).default(30),
  CONCILIA_PROVIDER_RETRIES: z.coerce.number().int().min(0).max(10).default(5),
  GOOGLE_CLIENT_IDS: list.default([]),
  GOOGLE_JWKS_URL: z.url().default("https://www.googleapis.com/oauth2/v3/certs"),
  GOOGLE_ISSUERS: list.default(["https://accounts.google.com", "accounts.google.com"]),
  ENTRA_CLIENT_IDS: list.default([]),
  /** R-SB-7: the Entra tenants whose accounts may sign in; required once ENTRA_CLIENT_IDS is set. */
  ENTRA_TENANT_IDS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(entraTenant))
    .default([]),
  /** The single tenant of earlier versions; added to ENTRA_TENANT_IDS. */
  ENTRA_TENANT_ID: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(entraTenant)
    .optional(),
  ENTRA_JWKS_URL: z.url().default("https://login.microsoftonline.com/common/discovery/v2.0/keys"),
  ENTRA_ISSUER: z.string().optional(),
  // R-CON-3: the OAuth clients that connect Google and Microsoft accounts for sync. The endpoints
  // default to the real services; the emulators are reached by pointing them elsewhere.
  GOOGLE_OAUTH_CLIENT_ID: z.string().trim().min(1).optional(),
  GOOGLE_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_AUTH_URL: z.url({ protocol: /^https?$/ }).default("https://accounts.google.com/o/oauth2/v2/auth"),
  GOOGLE_TOKEN_URL: z.url({ protocol: /^https?$/ }).default("https://oauth2.googleapis.com/token"),
  GOOGLE_REVOKE_URL: z.url({ protocol: /^https?$/ }).default("https://oauth2.googleapis.com/revoke"),
  GOOGLE_API_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/$/, ""))
    .default("https://www.googleapis.com"),
  MICROSOFT_OAUTH_CLIENT_ID: z.string().trim().min(1).optional(),
  MICROSOFT_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  /** The authority, tenant included: …/common (any account), …/organizations, …/consumers or …/<tenant id>. */
  MICROSOFT_LOGIN_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/$/, ""))
    .default("https://login.microsoftonline.com/common"),
  GRAPH_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/$/, ""))
    .default("https://graph.microsoft.com/v1.0"),
  /**
   * R-X-5: contact folders other users shared, as "owner/folderId" separated by commas: listed in the
   * Exchange settings as not synced (Graph cannot list what was shared with a user).
   */
  EXCHANGE_SHARED_CONTACT_FOLDERS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^/\s]+\/[^\s]+$/, "must be owner/folderId")))
    .transform((refs) => refs.map((r) => [r.slice(0, r.indexOf("/")), r.slice(r.indexOf("/") + 1)] as const)),
  /** Where iCloud and Yahoo calendar discovery starts instead of their service URLs (a test CalDAV server). */
  CALDAV_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The Pub/Sub topic Gmail watches publish to (projects/<p>/topics/<t>); unset: no Gmail push. */
  GOOGLE_PUBSUB_TOPIC: z
    .string()
    .regex(/^projects\/[^/]+\/topics\/[^/]+$/, "must be projects/<project>/topics/<topic>")
    .optional(),
  /**
   * The secret in the Pub/Sub push endpoint's URL (`/push/google?token=…`): pushes without it are refused.
   * At least 32 characters (openssl rand -hex 32).
   */
  GOOGLE_PUSH_TOKEN: z.string().min(32, "must be at least 32 characters (openssl rand -hex 32)").optional(),
});

export type Config = z.infer<typeof configSchema> & {
  /** ENTRA_TENANT_IDS and ENTRA_TENANT_ID together. */
  entraTenants: string[];
  dataDir: string;
  blobDir: string;
  publicUrl: string;
};

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([k, v]) => k in configSchema.shape && v !== undefined)),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const entraTenants = [
    ...new Set([...c.ENTRA_TENANT_IDS, ...(c.ENTRA_TENANT_ID ? [c.ENTRA_TENANT_ID] : [])]),
  ];
  // Accepting every tenant's accounts must be a decision, not what an unset variable means.
  if (c.ENTRA_CLIENT_IDS.length > 0 && entraTenants.length === 0 && !c.ENTRA_ISSUER)
    throw new ConfigError(
      "Invalid configuration:\n  ENTRA_TENANT_IDS: required with ENTRA_CLIENT_IDS: the ids of the Entra tenants whose accounts may sign in ('organizations' or 'common' to accept any)",
    );
  for (const p of ["GOOGLE", "MICROSOFT"] as const)
    if (!c[`${p}_OAUTH_CLIENT_ID`] !== !c[`${p}_OAUTH_CLIENT_SECRET`])
      throw new ConfigError(
        `Invalid configuration:\n  ${p}_OAUTH_CLIENT_ID and ${p}_OAUTH_CLIENT_SECRET: give both (the OAuth client that connects ${p === "GOOGLE" ? "Google" : "Microsoft"} accounts), or neither`,
      );
  const dataDir = path.resolve(c.CONCILIA_DATA);
  return {
    ...c,
    entraTenants,
    dataDir,
    blobDir: path.resolve(c.CONCILIA_BLOB_DIR ?? path.join(dataDir, "blobs")),
    publicUrl: (c.CONCILIA_PUBLIC_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/$/, ""),
  };
}
