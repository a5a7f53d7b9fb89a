import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer } from "@mswjs/http-middleware";
import type { RequestHandler } from "msw";
import { adminHandlers } from "./admin.js";
import { calendarAdminHandlers } from "./admin-calendar.js";
import { contactAdminHandlers } from "./admin-contacts.js";
import { GoogleEmulator, type GoogleEmulatorOptions } from "./google/emulator.js";
import { MicrosoftEmulator, type MicrosoftEmulatorOptions } from "./microsoft/emulator.js";

/**
 * The emulators as real HTTP servers on loopback (for multi-process, browser and demo runs): the
 * same msw handlers through @mswjs/http-middleware, one server per provider, each with its admin
 * route. A "lost response" (msw's network error) destroys the socket, as a dropped connection would.
 */
export type ServeOptions = {
  host?: string;
  /** 0 picks a free port. */
  googlePort?: number;
  microsoftPort?: number;
  google?: GoogleEmulatorOptions;
  microsoft?: MicrosoftEmulatorOptions;
};

export type ServedEmulators = {
  google: GoogleEmulator;
  microsoft: MicrosoftEmulator;
  googleUrl: string;
  microsoftUrl: string;
  /** Environment for a client process: the base URLs the sync engine reads. */
  env: Record<string, string>;
  close(): Promise<void>;
};

function listen(handlers: RequestHandler[], host: string, port: number): Promise<Server> {
  const app = createServer(...handlers);
  const server = createHttpServer((req, res) => {
    const end = res.end.bind(res);
    // msw's HttpResponse.error() reaches the middleware as status 0 with no body.
    res.end = ((...args: Parameters<typeof res.end>) => {
      if (res.statusCode === 0) {
        res.socket?.destroy();
        return res;
      }
      return end(...args);
    }) as typeof res.end;
    app(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function serveEmulators(options: ServeOptions = {}): Promise<ServedEmulators> {
  const host = options.host ?? "127.0.0.1";
  const google = new GoogleEmulator(options.google);
  const microsoft = new MicrosoftEmulator({ allowHttpNotificationUrls: true, ...options.microsoft });
  const googleServer = await listen(
    [...adminHandlers(google), ...calendarAdminHandlers(google), ...google.handlers("any")],
    host,
    options.googlePort ?? 4010,
  );
  const microsoftServer = await listen(
    [
      ...adminHandlers(microsoft),
      ...calendarAdminHandlers(microsoft),
      ...contactAdminHandlers(microsoft),
      ...microsoft.handlers("any"),
    ],
    host,
    options.microsoftPort ?? 4011,
  );
  const url = (server: Server) => `http://${host}:${(server.address() as AddressInfo).port}`;
  const googleUrl = url(googleServer);
  const microsoftUrl = url(microsoftServer);
  return {
    google,
    microsoft,
    googleUrl,
    microsoftUrl,
    env: {
      GOOGLE_OAUTH_URL: googleUrl,
      GOOGLE_API_URL: googleUrl,
      MICROSOFT_LOGIN_URL: microsoftUrl,
      GRAPH_URL: `${microsoftUrl}/v1.0`,
    },
    close: async () => {
      await Promise.all([close(googleServer), close(microsoftServer)]);
    },
  };
}
