// What the sync looks up for each item it writes, among many rows: the right rows, and on PostgreSQL
// through an index (the plan of the real statement), since a look-up that reads a whole table per synced
// item is what made the sync's database work grow with the size of the CRM.
import { eq, sql } from "drizzle-orm";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toAuthUser } from "../../server/auth/authenticate.js";
import type { Tx } from "../../server/db/index.js";
import { users } from "../../server/db/schema.js";
import { othersEventOfItem, ownEventsOfItem } from "../../server/sync/calendar/inbound.js";
import { candidateQuery, matchCandidates } from "../../server/sync/contacts/match-candidates.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { person } from "./contacts/harness.js";

/** Rows of filler: enough that reading the table costs more than an index to the planner. */
const FILLER = 20_000;

describe.each(engines)("Sync look-ups among many rows on %s", (engine) => {
  let s: TestServer;
  let n = 0;
  const newUser = () => s.user(`u${++n}@acme.test`, { name: `User ${n}` });
  const authUser = async (id: string) => {
    const [row] = await s.ctx.db.select().from(users).where(eq(users.id, id));
    return toAuthUser(row, ["crm"], "test");
  };
  /** The plan of a statement as PostgreSQL would run it now, one line per node. */
  const plan = async (query: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql: text, params } = query.toSQL();
    const { rows } = await s.ctx.database.query<{ "QUERY PLAN": string }>(`explain ${text}`, params);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  };
  /**
   * The plan a named statement runs with in the pool's sessions: the generic one (plan_cache_mode), made
   * without knowing the values, which must still find its rows through an index.
   */
  const genericPlan = async (query: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql: text, params } = query.toSQL();
    const client = await (s.ctx.database.pool as pg.Pool).connect();
    try {
      await client.query(`prepare plan_check as ${text}`);
      const args = params.map((p) => client.escapeLiteral(String(p)));
      const { rows } = await client.query(`explain execute plan_check(${args.join(", ")})`);
      return rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
    } finally {
      await client.query("deallocate all");
      client.release();
    }
  };
  const run = (text: string, values: unknown[] = []) => s.ctx.database.query(text, values);

  beforeAll(async () => {
    s = await startTestServer({ engine, work: false });
  });
  afterAll(async () => s?.close());

  it("R-X-10: a new contact's candidates are found by address, by name and by phone, only among the persons its owner sees, without reading every person", async () => {
    const ana = await newUser();
    const bob = await newUser();
    const marta = await person(s, ana, {
      firstName: "Marta",
      lastName: "Núñez",
      emails: ["marta.nunez@acme-iberia.example"],
    });
    const luca = await person(s, ana, { firstName: "Luca", lastName: "Rossi", phones: ["+39 02 1234 5678"] });
    // Bob's Marta: the same address and name, not Ana's to see.
    await person(s, bob, {
      firstName: "Marta",
      lastName: "Núñez",
      emails: ["marta.nunez@acme-iberia.example"],
      phones: ["+39 02 1234 5678"],
    });
    await run(
      `insert into persons (id, first_name, last_name, owner_id, search_text)
       select 'filler-' || n, 'Filler', 'Person ' || n, $1, 'filler person ' || n || ' 3491' || lpad(n::text, 7, '0')
         from generate_series(1, $2::int) n`,
      [ana.id, FILLER],
    );
    await run(
      `insert into record_emails (record_type, record_id, email)
       select 'person', 'filler-' || n, 'filler' || n || '@acme-filler.example' from generate_series(1, $1::int) n`,
      [FILLER],
    );
    await run("vacuum analyze persons"); // as autovacuum would: merges the trigram index's pending entries
    await run("analyze record_emails");
    const owner = await authUser(ana.id);
    const contact = {
      givenName: "",
      surname: "",
      emails: [] as string[],
      businessPhones: [] as string[],
      mobilePhone: null as string | null,
    };
    const found = async (c: Partial<typeof contact>) =>
      (await matchCandidates(s.ctx.db, owner, "no-connection", { ...contact, ...c } as never)).map(
        (m) => m.personId,
      );

    expect(await found({ emails: ["MARTA.NUNEZ@acme-iberia.example"] })).toEqual([marta.id]);
    expect(await found({ givenName: "marta", surname: "NUNEZ" })).toEqual([marta.id]);
    expect(await found({ mobilePhone: "0039 02 1234 5678" })).toEqual([luca.id]);
    expect(
      (
        await found({ emails: ["marta.nunez@acme-iberia.example"], businessPhones: ["+39 02 1234 5678"] })
      ).sort(),
    ).toEqual([marta.id, luca.id].sort());
    expect(
      await found({ emails: ["nobody@acme-iberia.example"], givenName: "Zoe", surname: "Quinn" }),
    ).toEqual([]);
    expect(await found({ givenName: "Marta" })).toEqual([]); // a given name alone is no match

    if (engine === "postgres") {
      const query = candidateQuery(s.ctx.db, owner, "no-connection", {
        ...contact,
        givenName: "Marta",
        surname: "Núñez",
        emails: ["marta.nunez@acme-iberia.example"],
        mobilePhone: "+39 02 1234 5678",
      } as never);
      const p = await plan(query!);
      expect(p).not.toMatch(/Seq Scan on persons/);
      expect(p).toMatch(/persons_search/);
      expect(p).toMatch(/record_emails_email/);
    }
  });

  it("R-CAL-3: an incoming item's event is found by its iCalUID, the user's own or else another user's, through an index", async () => {
    const ana = await newUser();
    const bob = await newUser();
    await run(
      `insert into connections (id, user_id, provider, account_address) values ($1, $2, 'google', 'ana@acme.test')`,
      [`conn-${ana.id}`, ana.id],
    );
    const event = async (id: string, ownerId: string) =>
      run(
        `insert into events (id, title, start_at, end_at, owner_id) values ($1, 'Meeting', now(), now() + interval '1 hour', $2)`,
        [id, ownerId],
      );
    const link = async (eventId: string, providerId: string, uid: string | null) =>
      run(
        `insert into event_links (id, event_id, connection_id, calendar_id, provider_id, ical_uid)
         values ($1, $2, $3, 'primary', $4, $5)`,
        [`link-${providerId}`, eventId, `conn-${ana.id}`, providerId, uid],
      );
    await event(`mine-${ana.id}`, ana.id);
    await link(`mine-${ana.id}`, `p1-${ana.id}`, `uid-1-${ana.id}`);
    await event(`tagged-${ana.id}`, ana.id); // ours by tag, no link yet
    await event(`theirs-${ana.id}`, bob.id);
    await link(`theirs-${ana.id}`, `p2-${ana.id}`, `uid-2-${ana.id}`);
    await run(
      `insert into events (id, title, start_at, end_at, owner_id)
       select 'filler-event-' || $1 || n, 'Filler', now(), now(), $1 from generate_series(1, $2::int) n`,
      [ana.id, FILLER],
    );
    await run(
      `insert into event_links (id, event_id, connection_id, calendar_id, provider_id, ical_uid)
       select 'filler-link-' || $1 || n, 'filler-event-' || $1 || n, $2, 'primary', 'filler-' || n, 'filler-uid-' || $1 || n
         from generate_series(1, $3::int) n`,
      [ana.id, `conn-${ana.id}`, FILLER],
    );
    await run("analyze events");
    await run("analyze event_links");
    const db: Tx = s.ctx.db;

    expect(await ownEventsOfItem(db, ana.id, { uid: `uid-1-${ana.id}`, conciliaId: null })).toEqual([
      { eventId: `mine-${ana.id}`, icalUid: `uid-1-${ana.id}` },
    ]);
    // Our tag finds the event with whatever links it has; the iCalUID finds its own too.
    expect(
      await ownEventsOfItem(db, ana.id, { uid: `uid-1-${ana.id}`, conciliaId: `tagged-${ana.id}` }).orderBy(
        sql`1`,
      ),
    ).toEqual([
      { eventId: `mine-${ana.id}`, icalUid: `uid-1-${ana.id}` },
      { eventId: `tagged-${ana.id}`, icalUid: null },
    ]);
    // Bob's event is not Ana's own, whatever names it.
    expect(
      await ownEventsOfItem(db, ana.id, { uid: `uid-2-${ana.id}`, conciliaId: `theirs-${ana.id}` }),
    ).toEqual([]);
    expect(await othersEventOfItem(db, ana.id, `uid-2-${ana.id}`)).toEqual([{ eventId: `theirs-${ana.id}` }]);
    expect(await othersEventOfItem(db, bob.id, `uid-2-${ana.id}`)).toEqual([]);

    if (engine === "postgres") {
      for (const query of [
        ownEventsOfItem(db, ana.id, { uid: `uid-1-${ana.id}`, conciliaId: null }),
        ownEventsOfItem(db, ana.id, { uid: `uid-1-${ana.id}`, conciliaId: `tagged-${ana.id}` }),
        othersEventOfItem(db, ana.id, `uid-2-${ana.id}`),
      ]) {
        const p = await genericPlan(query); // run as named statements (inbound.ts)
        expect(p).not.toMatch(/Seq Scan on event_links/);
        expect(p).not.toMatch(/Seq Scan on events/);
        expect(p).toMatch(/event_links_ical_uid/);
      }
    }
  });

  it("R-MAIL-9: the thread-keys index takes each logged email at once, so the next email's thread look-up reads no pending entries", async () => {
    const ana = await newUser();
    const { rows } = await run("select reloptions from pg_class where relname = 'activities_thread_keys'");
    expect((rows[0] as { reloptions: string[] | null }).reloptions).toContain("fastupdate=false");
    if (engine !== "postgres") return; // pgstattuple is PostgreSQL's contrib
    await run("create extension if not exists pgstattuple");
    await run(
      `insert into activities (id, type, owner_id, source, message_id, thread_id, thread_keys)
       select 'mail-' || $1 || n, 'email', $1, 'auto', '<' || n || '@acme.test>', '<' || n || '@acme.test>',
              array['<' || n || '@acme.test>', '<' || (n - 1) || '@acme.test>']
         from generate_series(1, 500) n`,
      [ana.id],
    );
    const gin = await run("select pending_tuples from pgstatginindex('activities_thread_keys')");
    expect(Number((gin.rows[0] as { pending_tuples: number }).pending_tuples)).toBe(0);
  });
});
