// The data set of the context benchmark, written with set-based SQL (generate_series) so that 100,000
// persons and their 300,000 addresses load in seconds. Rows look as the app writes them: UUIDv7-like
// ids, lower-cased record_emails in position order, search_text folded as search-text.ts folds it.
import pg from "pg";
import { createApiToken } from "../server/auth/tokens.js";
import { ensureDefaults } from "../server/crm/defaults.js";
import { createUser } from "../server/crm/users.js";
import { migrate, openDatabase } from "../server/db/index.js";

export interface ContextDataset {
  userEmail: string;
  token: string;
  /** Addresses present in record_emails, in random order (a few belong to records the user may not see). */
  knownAddresses: string[];
  /** Message-IDs of mail the benchmark user has logged. */
  loggedMessageIds: string[];
  /** Domains of existing companies, for addresses that are not in the CRM but whose company is. */
  companyDomains: string[];
  counts: Record<string, number>;
}

const FIRST =
  "Ana Luis Marta Jose Elena Pablo Lucia Jorge Sara Diego Nina Jonas Lea Paul Emma Felix Mia Leon Clara Hugo Julia Marco Giulia Luca Sofia Matteo Alice Louis Chloe Jules Ines Tomas Rosa Ivan Olga Piotr Anna Jan Eva Karl Lena Max Ida Otto Vera Adam Zoe Noah Lily Sam".split(
    " ",
  );
const LAST =
  "Garcia Lopez Martin Sanchez Perez Gomez Ruiz Diaz Moreno Alonso Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Smith Jones Taylor Brown Williams Wilson Johnson Davies Evans Walker Nowak Kowalski Wisniewski Novak Svoboda Horvat Kovac Nagy Szabo Toth Jensen Nielsen Hansen Larsen Berg Lund Dahl Holm Silva Santos Costa Pereira Oliveira Ferreira Almeida Carvalho Sousa Ribeiro Murphy Kelly".split(
    " ",
  );
const TITLES = [
  "CEO",
  "CFO",
  "Head of Sales",
  "Purchasing Manager",
  "Office Manager",
  "IT Director",
  "Account Executive",
  "Procurement Lead",
  "Operations Manager",
  "Marketing Director",
  "Engineer",
  "Consultant",
];
const WORD_A =
  "Acme Nord Sol Vega Atlas Orion Delta Nova Terra Alpha Lumen Cobalt Iris Zenit Polar Aurora Sigma Boreal Quanta Helio Marea Lince Roble Cima Faro".split(
    " ",
  );
const WORD_B =
  "Systems Logistics Iberia Consulting Foods Energy Labs Industries Partners Trading Health Software Media Retail Capital Works".split(
    " ",
  );

/** A time-ordered UUIDv7-shaped id for row n of a kind, reproducible so that rows can point at each other. */
const ID_FN = `
create function pg_temp.bench_id(kind text, n bigint) returns text language sql immutable as $$
  select ((lpad(to_hex(1735689600000::bigint + n * 8 + case kind when 'company' then 1 when 'person' then 2
                 when 'deal' then 3 when 'activity' then 4 else 5 end), 12, '0')
           || '7' || overlay(substr(md5(kind || n), 1, 19) placing '8' from 4 for 1))::uuid)::text
$$`;

export async function seedContextDataset(
  url: string,
  opts: { persons: number; companies: number },
): Promise<ContextDataset> {
  const database = await openDatabase({ url });
  await migrate(database);
  await ensureDefaults(database.db);
  const userEmail = "bench@concilia.bench";
  const bench = await createUser(database.db, { email: userEmail, name: "Bench User", locale: "en" });
  const other = await createUser(database.db, { email: "other@concilia.bench", name: "Other Seller" });
  const { token } = await createApiToken(database.db, bench.id, { name: "context benchmark" });
  await database.close();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const run = async (text: string, values: unknown[] = []) => {
    const t = Date.now();
    const r = await client.query(text, values);
    if (Date.now() - t > 1000)
      console.log(
        `[seed] ${((Date.now() - t) / 1000).toFixed(1)} s: ${text.trim().split("\n")[0].slice(0, 60)}`,
      );
    return r;
  };
  await run(ID_FN);
  const owner = (n: string) => `case when ${n} % 10 = 9 then $2 else $1 end`;
  const users = [bench.id, other.id];

  await run(
    `insert into companies (id, name, domain, phones, customer_status, owner_id, search_text)
     select pg_temp.bench_id('company', n), c.name, c.domain, jsonb_build_array('+34 910 ' || lpad(n::text, 6, '0')),
            case when n % 5 = 0 then 'current' when n % 11 = 0 then 'former' else 'none' end, ${owner("n")},
            lower(c.name) || ' ' || c.domain || ' 34910' || lpad(n::text, 6, '0')
     from generate_series(1, $3::int) n,
          lateral (select $4::text[] as a, $5::text[] as b) w,
          lateral (select w.a[1 + n % cardinality(w.a)] || ' ' || w.b[1 + (n / cardinality(w.a)) % cardinality(w.b)] || ' ' || n as name) x,
          lateral (select x.name, lower(replace(x.name, ' ', '-')) || '.example' as domain) c`,
    [...users, opts.companies, WORD_A, WORD_B],
  );

  // One row per person with the fields derived from n, from which persons and record_emails are written.
  await run(
    `create temp table people as
     select n, pg_temp.bench_id('person', n) as pid, f, l, t, cn, c.id as cid, c.name as company_name,
            lower(f || '.' || l || '.' || n || '@' || coalesce(c.domain, 'mail-' || n % 500 || '.example')) as e0,
            lower(left(f, 1) || l || n || '@gmail.com') as e1,
            lower(f || n || '@home-' || n % 997 || '.example') as e2,
            '+34 600 ' || lpad(n::text, 6, '0') as phone
     from generate_series(1, $1::int) n,
          lateral (select $3::text[] as fs, $4::text[] as ls, $5::text[] as ts) w,
          lateral (select w.fs[1 + n % cardinality(w.fs)] as f, w.ls[1 + (n / cardinality(w.fs)) % cardinality(w.ls)] as l,
                          case when n % 3 = 0 then null else w.ts[1 + n % cardinality(w.ts)] end as t,
                          case when n % 7 = 0 then null else 1 + n % $2::int end as cn) x
          left join companies c on c.id = pg_temp.bench_id('company', x.cn)`,
    [opts.persons, opts.companies, FIRST, LAST, TITLES],
  );
  await run("alter table people add primary key (n)");
  await run("analyze people");
  await run(
    `insert into persons (id, first_name, last_name, title, company_id, phones, customer_status, owner_id, search_text)
     select pid, f, l, t, cid,
            jsonb_build_array(phone), case when n % 10 = 0 then 'current' when n % 13 = 0 then 'former' else 'none' end,
            ${owner("n")}, lower(concat_ws(' ', f, l, t, company_name, e0, e1, e2, regexp_replace(phone, '\\D', '', 'g')))
     from people`,
    users,
  );
  await run(
    `insert into record_emails (record_type, record_id, email, position)
     select 'person', pid, e.email, e.position
     from people, lateral (values (e0, 0), (e1, 1), (e2, 2)) e(email, position)`,
  );
  // Half of the other seller's persons are shared with the benchmark user.
  await run(
    `insert into grants (record_type, record_id, user_id)
     select 'person', pid, $1 from people where n % 20 = 9`,
    [bench.id],
  );
  await run(
    `insert into deals (id, name, status, value, currency, person_id, company_id, owner_id)
     select pg_temp.bench_id('deal', d), 'Deal ' || d || ': ' || p.l || ' licences',
            case when d % 13 = 0 then 'unqualified' when d % 4 = 0 then 'won' when d % 4 = 1 then 'lost' else 'open' end,
            (d::bigint * 137) % 50000 * 100, 'EUR', p.pid, p.cid, $1
     from generate_series(1, $2::int) d join people p on p.n = 1 + (d * 3) % $3::int`,
    [bench.id, Math.round(opts.persons * 0.3), opts.persons],
  );
  const activityCount = Math.round(opts.persons * 1.5);
  await run(
    `insert into activities (id, type, state, subject, start_at, end_at, owner_id, source, message_id, thread_id,
                             direction, from_address, to_addresses, body_text, created_at, updated_at)
     select pg_temp.bench_id('activity', a), k.type, case when k.type = 'task' and a % 8 = 3 then 'planned' else 'done' end,
            case k.type when 'email' then 'Re: offer ' || a when 'call' then 'Follow-up call ' || a
                        when 'meeting' then 'Visit ' || a else 'Send proposal ' || a end,
            at, case when k.type in ('call', 'meeting') then at + interval '30 minutes' end, ${owner("a")},
            case when k.type = 'email' then 'auto' else 'manual' end,
            case when k.type = 'email' then 'bench-' || a || '@mail.example' end,
            case when k.type = 'email' then 'thread-' || a / 3 end,
            case when k.type = 'email' then (case when a % 2 = 0 then 'incoming' else 'outgoing' end) end,
            case when k.type = 'email' then jsonb_build_object('address', 'someone' || a || '@mail.example') end,
            case when k.type = 'email' then jsonb_build_array(jsonb_build_object('address', $3::text)) end,
            case when k.type = 'email' then 'Hello, here is the offer we discussed.' end, at, at
     from generate_series(1, $4::int) a,
          lateral (select (array['email', 'call', 'meeting', 'task'])[1 + a % 4] as type,
                          now() - (a % 400) * interval '1 day' - (a % 24) * interval '1 hour' as at) k`,
    [...users, userEmail, activityCount],
  );
  await run(
    `insert into activity_links (activity_id, record_type, record_id)
     select pg_temp.bench_id('activity', a), 'person', p.pid
     from generate_series(1, $1::int) a join people p on p.n = 1 + (a::bigint * 7919) % $2::int
     union
     select pg_temp.bench_id('activity', a), 'person', p.pid
     from generate_series(1, $1::int) a join people p on p.n = 1 + (a::bigint * 104729) % $2::int where a % 4 = 0`,
    [activityCount, opts.persons],
  );
  const eventCount = Math.round(opts.persons * 0.3);
  await run(
    `insert into events (id, title, start_at, end_at, time_zone, status, organizer_email, owner_id)
     select pg_temp.bench_id('event', e), 'Meeting ' || e, s, s + interval '1 hour', 'Europe/Madrid',
            case when e % 25 = 0 then 'cancelled' when e % 7 = 0 then 'tentative' else 'confirmed' end, $3, ${owner("e")}
     from generate_series(1, $4::int) e,
          lateral (select date_trunc('hour', now()) + ((e % 180) - 60) * interval '1 day' + (8 + e % 9) * interval '1 hour' as s) x`,
    [...users, userEmail, eventCount],
  );
  await run(
    `insert into event_attendees (event_id, email, name, response_status, record_type, record_id)
     select pg_temp.bench_id('event', e), $1, 'Bench User', 'accepted', null, null from generate_series(1, $2::int) e
     union all
     select pg_temp.bench_id('event', e), p.e0, p.f || ' ' || p.l, 'needsAction', 'person', p.pid
     from generate_series(1, $2::int) e join people p on p.n = 1 + (e::bigint * 31337) % $3::int
     union all
     select pg_temp.bench_id('event', e), p.e0, p.f || ' ' || p.l, 'tentative', 'person', p.pid
     from generate_series(1, $2::int) e join people p on p.n = 1 + (e * 7) % $3::int where e % 3 = 0
     on conflict do nothing`,
    [userEmail, eventCount, opts.persons],
  );
  await run("drop table people");
  await run("analyze");

  const knownAddresses = (
    await run("select email from record_emails order by random() limit 30000")
  ).rows.map((r) => r.email as string);
  const loggedMessageIds = (
    await run(
      "select message_id from activities where owner_id = $1 and message_id is not null order by random() limit 3000",
      [bench.id],
    )
  ).rows.map((r) => r.message_id as string);
  const companyDomains = (await run("select domain from companies order by random() limit 3000")).rows.map(
    (r) => r.domain as string,
  );
  const counts: Record<string, number> = {};
  for (const t of [
    "persons",
    "record_emails",
    "companies",
    "deals",
    "activities",
    "activity_links",
    "events",
    "event_attendees",
    "grants",
  ])
    counts[t] = Number((await run(`select count(*)::int as n from ${t}`)).rows[0].n);
  await client.end();
  return { userEmail, token, knownAddresses, loggedMessageIds, companyDomains, counts };
}
