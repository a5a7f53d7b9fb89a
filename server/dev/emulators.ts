// Dev mode without a Google or Microsoft account: when CONCILIA_DEV is on and no real OAuth client is
// configured, `concilia serve` starts the provider emulators on loopback (emulators/dev-mode.ts, loaded
// here with a dynamic import only, so a production install without devDependencies never loads msw),
// points the OAuth and API settings at them with their demo clients, and seeds the demo user's Gmail
// and Microsoft mailboxes through the emulators' admin route.
import { type Config, configSchema } from "../config.js";
import type { Logger } from "../log.js";
import { DEMO_MAILBOX, type DemoMail, demoArrivals, demoMailbox, rawDemoMail } from "./demo-mailbox.js";

export interface RunningEmulators {
  googleUrl: string;
  microsoftUrl: string;
  /** emulatorEnv: for a second process (or a test server) on the same emulators. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Whether dev mode should run the emulators: only when neither provider has a real OAuth client. */
export function wantsEmulators(config: Config): boolean {
  return config.CONCILIA_DEV && !config.GOOGLE_OAUTH_CLIENT_ID && !config.MICROSOFT_OAUTH_CLIENT_ID;
}

type Started = {
  googleUrl: string;
  microsoftUrl: string;
  google: { clientId: string; clientSecret: string };
  microsoft: { clientId: string; clientSecret: string };
};

/** The environment that points every Google and Microsoft endpoint at the emulators, with their demo clients. */
export function emulatorEnv(e: Started): Record<string, string> {
  return {
    GOOGLE_OAUTH_CLIENT_ID: e.google.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: e.google.clientSecret,
    GOOGLE_AUTH_URL: `${e.googleUrl}/o/oauth2/v2/auth`,
    GOOGLE_TOKEN_URL: `${e.googleUrl}/token`,
    GOOGLE_REVOKE_URL: `${e.googleUrl}/revoke`,
    GOOGLE_API_URL: e.googleUrl,
    MICROSOFT_OAUTH_CLIENT_ID: e.microsoft.clientId,
    MICROSOFT_OAUTH_CLIENT_SECRET: e.microsoft.clientSecret,
    MICROSOFT_LOGIN_URL: `${e.microsoftUrl}/common`,
    GRAPH_URL: `${e.microsoftUrl}/v1.0`,
  };
}

const EMULATED = {
  GOOGLE_OAUTH_CLIENT_ID: true,
  GOOGLE_OAUTH_CLIENT_SECRET: true,
  GOOGLE_AUTH_URL: true,
  GOOGLE_TOKEN_URL: true,
  GOOGLE_REVOKE_URL: true,
  GOOGLE_API_URL: true,
  MICROSOFT_OAUTH_CLIENT_ID: true,
  MICROSOFT_OAUTH_CLIENT_SECRET: true,
  MICROSOFT_LOGIN_URL: true,
  GRAPH_URL: true,
} as const;

/** The configuration with those settings, validated as any other configuration is. */
export function configForEmulators(config: Config, e: Started): Config {
  return { ...config, ...configSchema.pick(EMULATED).parse(emulatorEnv(e)) };
}

/** The emulators behind this configuration (dev mode pointed them at loopback), or null. */
export function emulatorOrigins(config: Config): { google: string; microsoft: string } | null {
  if (!config.CONCILIA_DEV) return null;
  const google = new URL(config.GOOGLE_API_URL);
  const microsoft = new URL(config.GRAPH_URL);
  const loopback = (u: URL) =>
    u.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
  return loopback(google) && loopback(microsoft)
    ? { google: google.origin, microsoft: microsoft.origin }
    : null;
}

/** Puts a message in both emulated mailboxes of the demo user (Gmail labels, Graph folder). */
export async function deliverDemoMail(
  config: Config,
  mail: DemoMail,
  date = new Date(),
  id?: string,
): Promise<void> {
  const origins = emulatorOrigins(config);
  if (!origins) throw new Error("The emulators are not running (a real OAuth client is configured).");
  const raw = rawDemoMail(mail, date, id);
  const account = encodeURIComponent(DEMO_MAILBOX.email);
  const targets = [
    { origin: origins.google, where: mail.sent ? ["SENT"] : ["INBOX", "UNREAD"] },
    { origin: origins.microsoft, where: [mail.sent ? "sentitems" : "inbox"] },
  ];
  for (const t of targets) {
    const res = await fetch(`${t.origin}/__emulator/accounts/${account}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ raw, where: t.where }),
    });
    if (!res.ok)
      throw new Error(
        `The emulator at ${t.origin} refused a demo message: ${res.status} ${await res.text()}`,
      );
  }
}

/** Seeds the demo mailboxes: the messages spread over the last ten days, oldest first. */
export async function seedDemoMailboxes(config: Config, now = Date.now()): Promise<number> {
  const span = 10 * 24 * 3600_000;
  for (const [i, mail] of demoMailbox.entries())
    await deliverDemoMail(
      config,
      mail,
      new Date(now - span + (span * i) / demoMailbox.length),
      `mailbox-${i + 1}`,
    );
  return demoMailbox.length;
}

let arrivals = 0;
/** The next "new" demo message, in turn; returns what was sent. */
export async function sendNextDemoMail(config: Config): Promise<DemoMail> {
  const mail = demoArrivals[arrivals++ % demoArrivals.length];
  await deliverDemoMail(config, mail);
  return mail;
}

/**
 * Starts and seeds the emulators when dev mode wants them; the configuration to run with, and the
 * running emulators (null when a real OAuth client is configured or outside dev mode).
 */
export async function startEmulatorsForDev(
  config: Config,
  log: Logger,
): Promise<{ config: Config; emulators: RunningEmulators | null }> {
  if (!wantsEmulators(config)) return { config, emulators: null };
  // A path the type checker follows but no static import: production never evaluates this.
  let startDevEmulators: typeof import("../../emulators/dev-mode.js").startDevEmulators;
  try {
    ({ startDevEmulators } = await import("../../emulators/dev-mode.js"));
  } catch (err) {
    // An install without devDependencies (msw) runs dev mode without them, as with no OAuth client.
    log.warn({ err: (err as Error).message }, "dev mode: the provider emulators cannot be loaded");
    return { config, emulators: null };
  }
  // Free ports: another developer's emulators (`npm run emulators`) may hold 4010 and 4011.
  const started = await startDevEmulators({ accounts: [DEMO_MAILBOX] });
  const next = configForEmulators(config, started);
  const seeded = await seedDemoMailboxes(next);
  log.info(
    { google: started.googleUrl, microsoft: started.microsoftUrl, messages: seeded },
    "dev mode: Google and Microsoft emulators started",
  );
  return { config: next, emulators: { ...started, env: emulatorEnv(started) } };
}
