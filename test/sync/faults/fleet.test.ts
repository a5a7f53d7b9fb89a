// R-P-1, R-P-3 at small scale: the fleet run of `npm run bench -- faults` (test/sync/faults/fleet/),
// with 7 connections, one of each kind (mail: Gmail, Graph, IMAP on Dovecot; calendars: CalDAV on
// Radicale, Google, Graph; Exchange contacts), the API and 2 `concilia worker` processes on PostgreSQL, every kind of provider fault a few times, a worker killed twice and
// every PostgreSQL session ended once, and the sidebars' context endpoint asked meanwhile. At the end
// every provider item is in the CRM exactly once and every CRM event and person at the provider exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services } from "../../../bench/_services.js";
import { freshPostgresDatabase } from "../../harness/app.js";
import { FAULTS } from "./fleet/chaos.js";
import { type FleetResult, runFleet } from "./fleet/run.js";

describe("the fleet under faults and crashes on PostgreSQL", () => {
  let fresh: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let r: FleetResult;
  beforeAll(async () => {
    fresh = await freshPostgresDatabase();
    r = await runFleet({
      databaseUrl: fresh.url,
      apiPort: await services.freePort(),
      connections: 7,
      workers: 2,
      items: 10,
      runSeconds: 24,
      kills: 2,
      terminations: 1,
      faultsPerSecond: 2,
      changesPerSecond: 1,
      settleSeconds: 45,
      context: { rate: 20, persons: 500 },
    });
  }, 180_000);
  afterAll(async () => {
    await fresh?.drop();
  });

  it("R-P-1, R-P-3: every provider item is in the CRM once and every CRM event at the provider once, after every kind of fault", () => {
    expect(r.kinds).toEqual({
      gmail: 1,
      graph: 1,
      imap: 1,
      caldav: 1,
      "google-calendar": 1,
      "graph-calendar": 1,
      "exchange-contacts": 1,
    });
    expect(r.audits.filter((a) => a.audit.missing + a.audit.doubled + a.audit.extra > 0)).toEqual([]);
    expect(r.totals.expected).toBeGreaterThan(20);
    for (const f of FAULTS) expect(r.faults[f].armed, f).toBeGreaterThanOrEqual(1);
    // The faults that answer a request hit the sync, not only an idle account.
    for (const f of FAULTS.slice(0, 6)) expect(r.faults[f].hit, f).toBeGreaterThanOrEqual(1);
    expect(r.changes).toBeGreaterThan(10);
  });

  it("R-P-3: a killed worker's connections make progress again within 30 s and none stays stuck", () => {
    expect(r.kills).toHaveLength(2);
    for (const k of r.kills.filter((k) => k.held > 0)) {
      expect(k.connections).toHaveLength(k.held);
      expect(k.progressMs, JSON.stringify(k.connections)).not.toBeNull();
      expect(k.progressMs).toBeLessThan(30_000);
    }
    expect(r.stuck).toEqual([]);
    expect(r.settleSeconds).not.toBeNull();
  });

  it("R-P-3: with every PostgreSQL session ended, the API and the workers live on and work again", () => {
    expect(r.terminations).toHaveLength(1);
    const [t] = r.terminations;
    expect(t.sessions).toBeGreaterThan(2);
    expect(t.processesAlive).toBe(true);
    expect(t.apiRecoveredMs).not.toBeNull();
    expect(t.workersRecoveredMs).not.toBeNull();
    expect(r.processes.every((p) => p.alive)).toBe(true);
  });

  it("the sidebars' context answers while the fleet syncs", () => {
    expect(r.context?.sent).toBeGreaterThan(0);
    // Requests in flight when the sessions were ended may fail; the rest are answered.
    expect(r.context!.ok).toBeGreaterThan(r.context!.sent * 0.9);
  });
});
