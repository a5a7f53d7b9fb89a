// The environment every process of a fleet gets: the shared PostgreSQL and sealing key, the emulators
// served over HTTP in place of Google and Microsoft, the real Dovecot and Radicale, and short sync
// intervals so that a run of minutes sees many ticks and polls.
import { DEMO_GOOGLE_CLIENT } from "../../../../emulators/google/emulator.js";
import { DEMO_MICROSOFT_CLIENT } from "../../../../emulators/microsoft/emulator.js";

export function fleetEnv(o: {
  databaseUrl: string;
  apiPort: number;
  /** The https address the API is known by (push subscriptions need one), routed to apiPort by the run; the API's own address if not given. */
  publicUrl?: string;
  secretKey: Buffer;
  googleUrl: string;
  microsoftUrl: string;
  topic: string;
  pushToken: string;
  /** TEST_CALDAV's value (`http://host:port/:dir`), or "" without CalDAV. */
  caldav: string;
  pollSeconds: number;
}): Record<string, string> {
  return {
    DATABASE_URL: o.databaseUrl,
    CONCILIA_SECRET_KEY: o.secretKey.toString("base64"),
    CONCILIA_LOG_LEVEL: "warn",
    CONCILIA_DEV: "1",
    HOST: "127.0.0.1",
    PORT: String(o.apiPort),
    CONCILIA_PUBLIC_URL: o.publicUrl ?? `http://127.0.0.1:${o.apiPort}`,
    GOOGLE_API_URL: o.googleUrl,
    GOOGLE_AUTH_URL: `${o.googleUrl}/o/oauth2/v2/auth`,
    GOOGLE_TOKEN_URL: `${o.googleUrl}/token`,
    GOOGLE_REVOKE_URL: `${o.googleUrl}/revoke`,
    GOOGLE_OAUTH_CLIENT_ID: DEMO_GOOGLE_CLIENT.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: DEMO_GOOGLE_CLIENT.clientSecret ?? "",
    GOOGLE_PUBSUB_TOPIC: o.topic,
    GOOGLE_PUSH_TOKEN: o.pushToken,
    MICROSOFT_LOGIN_URL: `${o.microsoftUrl}/common`,
    GRAPH_URL: `${o.microsoftUrl}/v1.0`,
    MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
    MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret ?? "",
    CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8",
    ...(o.caldav ? { CALDAV_URL: o.caldav.slice(0, o.caldav.lastIndexOf(":/")) } : {}),
    CONCILIA_SYNC_TICK_SECONDS: "2",
    CONCILIA_SYNC_POLL_SECONDS: String(o.pollSeconds),
    CONCILIA_SYNC_RETRY_SECONDS: "1",
    CONCILIA_SYNC_STUCK_SECONDS: "120",
    CONCILIA_SYNC_BATCH_SIZE: "25",
    CONCILIA_SYNC_STEP_ITEMS: "100",
  };
}
