// The address look-up behind mail logging and event attendees runs for every synced item: one statement
// text whatever the number of addresses, prepared once per session on PostgreSQL, and still exact about
// which addresses match and which records the user may see.
import { drizzle } from "drizzle-orm/node-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchAddresses } from "../../server/crm/match.js";
import type { Tx } from "../../server/db/index.js";
import * as schema from "../../server/db/schema.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { genericPlanSession } from "../harness/generic-plan-session.js";
import { person } from "../sync/contacts/harness.js";

describe.each(engines)("address look-ups on %s", (engine) => {
  let s: TestServer;
  let n = 0;
  const newUser = () => s.user(`p${++n}@acme.test`, { name: `User ${n}` });
  beforeAll(async () => {
    s = await startTestServer({ engine, work: false });
  });
  afterAll(async () => s?.close());

  it("R-MAIL-1: addresses match the records the user sees, quotes and backslashes included, through one prepared statement for any number of addresses", async () => {
    const ana = await newUser();
    const bob = await newUser();
    const quoted = '"o\\"neil, jr"@acme.example';
    // The API refuses such an address; a record may still hold one (an import, an older version).
    const odd = await person(s, ana, { firstName: "Odd", lastName: "Address" });
    await s.ctx.database.query(
      "insert into record_emails (record_type, record_id, email) values ('person', $1, $2)",
      [odd.id, quoted],
    );
    const marta = await person(s, ana, {
      firstName: "Marta",
      lastName: "Núñez",
      emails: ["marta@acme.example"],
    });
    const hidden = await person(s, bob, {
      firstName: "Bob's",
      lastName: "Contact",
      emails: ["hidden@acme.example"],
    });
    const user = { id: ana.id, role: "member" as const };
    const pool = genericPlanSession(s);
    const db = pool ? (drizzle(pool, { schema }) as unknown as Tx) : s.ctx.db;
    try {
      const one = await matchAddresses(db, user, ["MARTA@acme.example"]);
      expect([...one.entries()]).toEqual([["marta@acme.example", [{ type: "person", id: marta.id }]]]);
      const three = await matchAddresses(db, user, [quoted, "hidden@acme.example", "nobody@acme.example"]);
      expect([...three.entries()]).toEqual([[quoted, [{ type: "person", id: odd.id }]]]);
      // Bob's own look-up (another session) finds it: the address is there, hidden from Ana by access.
      const bobs = await matchAddresses(s.ctx.db, { id: bob.id, role: "member" }, ["hidden@acme.example"]);
      expect([...bobs.entries()]).toEqual([["hidden@acme.example", [{ type: "person", id: hidden.id }]]]);
      if (!pool) return;
      const { rows } = await pool.query<{ generic_plans: string }>(
        "select generic_plans from pg_prepared_statements where statement like '%from \"record_emails\"%'",
      );
      expect(rows).toHaveLength(1); // one text for one and for three addresses
      expect(Number(rows[0].generic_plans)).toBe(2);
    } finally {
      await pool?.end();
    }
  });
});
