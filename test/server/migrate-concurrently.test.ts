// Several API and worker processes start together on one PostgreSQL database (docs/operations.md), and
// each migrates it at start: they must not fail on one another, nor apply a migration twice.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Database,
  migrate,
  migrationsApplied,
  migrationsFolder,
  openDatabase,
} from "../../server/db/index.js";
import { freshPostgresDatabase } from "../harness/app.js";

describe("migrations on PostgreSQL", () => {
  const opened: Database[] = [];
  const dropped: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.close()));
    for (const drop of dropped) await drop();
  });

  it("R-P-1: six processes migrating one new database at once all start, and each migration is applied once", async () => {
    const fresh = await freshPostgresDatabase();
    dropped.push(fresh.drop);
    const processes = await Promise.all(Array.from({ length: 6 }, () => openDatabase({ url: fresh.url })));
    opened.push(...processes);
    const outcomes = await Promise.allSettled(processes.map((d) => migrate(d)));
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    expect(await migrationsApplied(processes[0]!)).toBe(true);
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta/_journal.json"), "utf8"));
    const { rows } = await processes[0]!.query<{ n: number }>(
      "select count(*)::int as n from drizzle.__drizzle_migrations",
    );
    expect(rows[0]!.n).toBe(journal.entries.length);
  });
});
