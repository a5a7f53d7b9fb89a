import { DEMO_GOOGLE_CLIENT } from "./google/emulator.js";
import { DEMO_MICROSOFT_CLIENT } from "./microsoft/emulator.js";
import { serveEmulators } from "./serve.js";

/**
 * What `concilia serve --dev` starts when no real OAuth client is configured (server/dev/emulators.ts
 * loads this file with a dynamic import, in dev mode only, so a production install without
 * devDependencies never reaches msw): both emulators on loopback with the demo user's mailboxes,
 * empty. The server seeds them through the admin route, as it adds a demo message later.
 */
export type DevEmulators = {
  googleUrl: string;
  microsoftUrl: string;
  google: { clientId: string; clientSecret: string };
  microsoft: { clientId: string; clientSecret: string };
  close(): Promise<void>;
};

export async function startDevEmulators(o: {
  host?: string;
  googlePort?: number;
  microsoftPort?: number;
  accounts: { email: string; name: string }[];
}): Promise<DevEmulators> {
  const served = await serveEmulators({
    host: o.host ?? "127.0.0.1",
    googlePort: o.googlePort ?? 0,
    microsoftPort: o.microsoftPort ?? 0,
  });
  for (const a of o.accounts) {
    served.google.addAccount(a.email, a.name);
    served.microsoft.addAccount(a.email, a.name);
  }
  return {
    googleUrl: served.googleUrl,
    microsoftUrl: served.microsoftUrl,
    google: { clientId: DEMO_GOOGLE_CLIENT.clientId, clientSecret: DEMO_GOOGLE_CLIENT.clientSecret! },
    microsoft: {
      clientId: DEMO_MICROSOFT_CLIENT.clientId,
      clientSecret: DEMO_MICROSOFT_CLIENT.clientSecret!,
    },
    close: () => served.close(),
  };
}
