// The kinds of connection the fleet run syncs. Each kind knows how to make one connection with data
// at its provider (seed), how to change things while the run goes on (change: new mail, new events at
// the provider, new CRM events to go out), and how to compare the CRM with the provider's ground truth
// (audit: every provider item in the CRM exactly once, every CRM change at the provider exactly once).
// Mail (Gmail, Graph, IMAP), calendars (Google, Graph, CalDAV) and Exchange contacts: a further kind is
// a file with its ConnectionKind, listed in `fleetKinds`.
import type { ServedEmulators } from "../../../../emulators/serve.js";
import type { Db } from "../../../../server/db/index.js";
import type { SecretBox } from "../../../../server/secrets/box.js";
import { caldavKind } from "./kind-caldav.js";
import { exchangeContactsKind } from "./kind-exchange-contacts.js";
import { imapKind } from "./kind-imap.js";
import { googleCalendarKind, graphCalendarKind } from "./kind-oauth-calendar.js";
import { gmailKind, graphKind } from "./kind-oauth-mail.js";

/** What every kind may use: the run's database, the API process, the emulators, the real servers. */
export interface FleetWorld {
  db: Db;
  secrets: SecretBox;
  apiUrl: string;
  emulators: ServedEmulators;
  /** `host:plainPort:tlsPort:dir` of the Dovecot in use (TEST_IMAP's format). */
  imap?: string;
  /** `http://host:port/:dir` of the Radicale in use (TEST_CALDAV's format). */
  caldav?: string;
  /** A number unique in this run, for names, Message-IDs and UIDs. */
  serial(): number;
  /** A call to the API process as this user: status and parsed body. */
  api(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** The world the kinds are given: the API reached over HTTP as each user, names numbered in this run. */
export function fleetWorld(o: Omit<FleetWorld, "serial" | "api">): FleetWorld {
  let n = 0;
  return {
    ...o,
    serial: () => ++n,
    async api(token, method, path, body) {
      const r = await fetch(o.apiUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    },
  };
}

/** The body of an API answer that must have `status`; else an error saying `failure` and what came. */
export function expectStatus(r: { status: number; body: any }, status: number, failure: string): any {
  if (r.status !== status) throw new Error(`${failure}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** One connection of the fleet, with whatever its kind keeps to audit it. */
export interface FleetConnection {
  kind: string;
  connectionId: string;
  userId: string;
  token: string;
  /** The account at the provider. */
  account: string;
  /** Items seeded at the start (provider items to sync in, CRM items to push out). */
  seeded: number;
  /** The OAuth scope a new grant of this connection carries (a reconnect after a revoked grant). */
  scope?: string;
  /** The kind's own ground-truth bookkeeping. */
  truth: any;
}

export interface Audit {
  /** Provider items that must be in the CRM, plus CRM items that must be at the provider. */
  expected: number;
  missing: number;
  doubled: number;
  /** In the CRM (or at the provider) without a reason: a duplicate under another key, a stray. */
  extra: number;
  /** A few offending ids, for the report. */
  examples: string[];
}

export interface ConnectionKind {
  name: string;
  /** The emulator whose fault knobs reach this kind's provider (HTTP faults, pushes, cursors, grants). */
  emulator?: "google" | "microsoft";
  /** The emulator endpoints its sync calls, for the HTTP faults (`calendar.*`, `graph.*`). */
  endpoints?: string[];
  /**
   * Whether the provider pushes to this kind in the run (Gmail's Pub/Sub, Google Calendar channels,
   * Graph subscriptions), for the push faults.
   */
  pushes?: boolean;
  seed(w: FleetWorld, items: number): Promise<FleetConnection>;
  /** One change while the run goes on; answers what it did. */
  change(w: FleetWorld, c: FleetConnection): Promise<string>;
  audit(w: FleetWorld, c: FleetConnection): Promise<Audit>;
}

export const fleetKinds: ConnectionKind[] = [
  gmailKind,
  graphKind,
  imapKind,
  caldavKind,
  googleCalendarKind,
  graphCalendarKind,
  exchangeContactsKind,
];

/** `count` connections, round robin over `kinds`, seeded a few at a time (each kind talks to its provider). */
export async function seedConnections(
  w: FleetWorld,
  kinds: ConnectionKind[],
  count: number,
  items: number,
): Promise<{ c: FleetConnection; kind: ConnectionKind }[]> {
  const plan = Array.from({ length: count }, (_, i) => kinds[i % kinds.length]);
  const fleet: { c: FleetConnection; kind: ConnectionKind }[] = [];
  for (let i = 0; i < plan.length; i += 8)
    fleet.push(
      ...(await Promise.all(
        plan.slice(i, i + 8).map(async (kind) => ({ c: await kind.seed(w, items), kind })),
      )),
    );
  return fleet;
}

export const cleanAudit = (a: Audit) => a.missing === 0 && a.doubled === 0 && a.extra === 0;
