// What a fleet's processes run against: the emulators in place of Google and Microsoft (Gmail's push
// topic pointed at the API), the environment every process gets (env.ts) and the world the kinds are
// given (kinds.ts). The fault run and the context-under-sync benchmark both start here.
import { randomBytes } from "node:crypto";
import { type ServedEmulators, serveEmulators } from "../../../../emulators/serve.js";
import type { Db } from "../../../../server/db/index.js";
import { secretBox } from "../../../../server/secrets/box.js";
import { fleetEnv } from "./env.js";
import { type FleetWorld, fleetWorld } from "./kinds.js";

export interface FleetStage {
  emulators: ServedEmulators;
  /** The environment of the API and of every worker. */
  env: Record<string, string>;
  w: FleetWorld;
  /** TEST_CALDAV's value, or "" when no Radicale is there (the CalDAV kind is then left out). */
  caldav: string;
}

export async function stageFleet(o: {
  /** Names the Gmail push topic (`projects/NAME/topics/gmail`). */
  name: string;
  databaseUrl: string;
  db: Db;
  apiPort: number;
  /**
   * An https address for the API: Google Calendar channels and Graph subscriptions are opened only for
   * one (as the providers require); the emulators' pushes to it go to the API's port.
   */
  publicUrl?: string;
  pollSeconds: number;
}): Promise<FleetStage> {
  const secretKey = randomBytes(32);
  const apiUrl = `http://127.0.0.1:${o.apiPort}`;
  const topic = `projects/${o.name}/topics/gmail`;
  const pushToken = randomBytes(24).toString("hex");
  const publicUrl = o.publicUrl;
  const toApi: typeof fetch | undefined = publicUrl
    ? (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (!url.startsWith(publicUrl)) return fetch(input, init);
        const target = apiUrl + url.slice(publicUrl.length);
        return input instanceof Request ? fetch(new Request(target, input), init) : fetch(target, init);
      }
    : undefined;
  const emulators = await serveEmulators({
    googlePort: 0,
    microsoftPort: 0,
    google: { pushMinIntervalMs: 0, ...(toApi ? { fetch: toApi } : {}) },
    microsoft: toApi ? { fetch: toApi } : {},
  });
  emulators.google.push.registerTopic(topic, `${apiUrl}/push/google?token=${pushToken}`);
  const caldav = process.env.TEST_CALDAV ?? "";
  const env = fleetEnv({
    databaseUrl: o.databaseUrl,
    apiPort: o.apiPort,
    publicUrl,
    secretKey,
    googleUrl: emulators.googleUrl,
    microsoftUrl: emulators.microsoftUrl,
    topic,
    pushToken,
    caldav,
    pollSeconds: o.pollSeconds,
  });
  const w = fleetWorld({
    db: o.db,
    secrets: secretBox(secretKey),
    apiUrl,
    emulators,
    imap: process.env.TEST_IMAP,
    caldav,
  });
  return { emulators, env, w, caldav };
}
