// Where PostgreSQL's time goes during a measured window: pg_stat_statements (when the cluster preloads it)
// and pg_stat_user_tables read before and after, the difference summed per phase. Execution time includes
// waits; the counts (calls, rows, sequential scans) are what compare between runs on a shared machine.
import type pg from "pg";
import { cpuOf } from "./_cpu.js";

export interface StatementCost {
  query: string;
  calls: number;
  totalMs: number;
  /** Planning (pg_stat_statements.track_planning), not in totalMs. */
  planMs: number;
  rows: number;
}

export interface TableScans {
  table: string;
  seqScan: number;
  seqTupRead: number;
  idxScan: number;
}

export interface DatabaseCost {
  statements: Map<string, StatementCost>;
  tables: Map<string, TableScans>;
  /** CPU seconds of PostgreSQL's processes by who they serve (application_name) or what they are. */
  cpu: Map<string, number>;
}

/** Each PostgreSQL process now, named by its client's application_name or its backend type. */
async function processes(client: pg.Client): Promise<Map<number, string>> {
  const { rows } = await client.query<{ pid: number; who: string }>(
    `select pid, case when backend_type = 'client backend'
                      then coalesce(nullif(regexp_replace(application_name, '-[0-9]+$', ''), ''), 'client')
                      else backend_type end as who
       from pg_stat_activity`,
  );
  return new Map(rows.map((r) => [r.pid, r.who]));
}

async function snapshot(client: pg.Client): Promise<Omit<DatabaseCost, "cpu">> {
  const statements = new Map<string, StatementCost>();
  const s = await client.query<{
    id: string;
    query: string;
    calls: string;
    ms: number;
    plan: number;
    rows: string;
  }>(
    `select queryid::text || ':' || userid::text || ':' || dbid::text as id, query, calls, total_exec_time as ms, total_plan_time as plan, rows
       from pg_stat_statements`,
  );
  for (const r of s.rows)
    statements.set(r.id, {
      query: r.query,
      calls: Number(r.calls),
      totalMs: r.ms,
      planMs: r.plan,
      rows: Number(r.rows),
    });
  const tables = new Map<string, TableScans>();
  const t = await client.query<{ t: string; seq: string; tup: string; idx: string | null }>(
    `select schemaname || '.' || relname as t, seq_scan as seq, seq_tup_read as tup, idx_scan as idx
       from pg_stat_user_tables`,
  );
  for (const r of t.rows)
    tables.set(r.t, {
      table: r.t,
      seqScan: Number(r.seq),
      seqTupRead: Number(r.tup),
      idxScan: Number(r.idx ?? 0),
    });
  return { statements, tables };
}

/** Creates the extension (the cluster must preload it) and resets its counters. */
export async function enableStatements(client: pg.Client): Promise<void> {
  await client.query("create extension if not exists pg_stat_statements");
  await client.query("select pg_stat_statements_reset()");
}

/** Starts a window; `stop()` gives what ran in it. */
export async function statementsMeter(client: pg.Client) {
  const before = await snapshot(client);
  const procs0 = await processes(client);
  const cpu0 = new Map([...procs0.keys()].map((pid) => [pid, cpuOf(pid)]));
  return {
    async stop(): Promise<DatabaseCost> {
      const after = await snapshot(client);
      const procs = new Map([...procs0, ...(await processes(client))]);
      const cpu = new Map<string, number>();
      for (const [pid, who] of procs)
        cpu.set(who, (cpu.get(who) ?? 0) + Math.max(0, cpuOf(pid) - (cpu0.get(pid) ?? 0)));
      const statements = new Map<string, StatementCost>();
      for (const [id, a] of after.statements) {
        const b = before.statements.get(id);
        const calls = a.calls - (b?.calls ?? 0);
        if (calls > 0)
          statements.set(id, {
            query: a.query,
            calls,
            totalMs: a.totalMs - (b?.totalMs ?? 0),
            planMs: a.planMs - (b?.planMs ?? 0),
            rows: a.rows - (b?.rows ?? 0),
          });
      }
      const tables = new Map<string, TableScans>();
      for (const [id, a] of after.tables) {
        const b = before.tables.get(id);
        tables.set(id, {
          table: id,
          seqScan: a.seqScan - (b?.seqScan ?? 0),
          seqTupRead: a.seqTupRead - (b?.seqTupRead ?? 0),
          idxScan: a.idxScan - (b?.idxScan ?? 0),
        });
      }
      return { statements, tables, cpu };
    },
  };
}

/** The windows of one phase summed. */
export function sumCosts(costs: DatabaseCost[]): DatabaseCost {
  const out: DatabaseCost = { statements: new Map(), tables: new Map(), cpu: new Map() };
  for (const c of costs) {
    for (const [who, v] of c.cpu) out.cpu.set(who, (out.cpu.get(who) ?? 0) + v);
    for (const [id, s] of c.statements) {
      const o = out.statements.get(id) ?? { query: s.query, calls: 0, totalMs: 0, planMs: 0, rows: 0 };
      out.statements.set(id, {
        ...o,
        calls: o.calls + s.calls,
        totalMs: o.totalMs + s.totalMs,
        planMs: o.planMs + s.planMs,
        rows: o.rows + s.rows,
      });
    }
    for (const [id, t] of c.tables) {
      const o = out.tables.get(id) ?? { table: id, seqScan: 0, seqTupRead: 0, idxScan: 0 };
      out.tables.set(id, {
        table: id,
        seqScan: o.seqScan + t.seqScan,
        seqTupRead: o.seqTupRead + t.seqTupRead,
        idxScan: o.idxScan + t.idxScan,
      });
    }
  }
  return out;
}

const oneLine = (q: string, width: number) => {
  const s = q.replace(/\s+/g, " ").trim();
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
};

/** A markdown table of the top statements by total time, and of the tables read by sequential scans. */
export function renderCost(c: DatabaseCost, top = 15): string {
  const statements = [...c.statements.values()].sort((a, b) => b.totalMs - a.totalMs);
  const total = statements.reduce((s, x) => s + x.totalMs, 0);
  const calls = statements.reduce((s, x) => s + x.calls, 0);
  const plan = statements.reduce((s, x) => s + x.planMs, 0);
  const lines = [
    `PostgreSQL CPU seconds by process: ${[...c.cpu.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([who, v]) => `${who} ${v.toFixed(2)}`)
      .join(", ")}`,
    "",
    `${calls} statements, ${Math.round(total)} ms of execution and ${Math.round(plan)} ms of planning in all`,
    "",
    "| total ms | calls | mean ms | plan ms | rows | statement |",
    "| ---: | ---: | ---: | ---: | ---: | --- |",
    ...statements
      .slice(0, top)
      .map(
        (s) =>
          `| ${Math.round(s.totalMs)} | ${s.calls} | ${(s.totalMs / s.calls).toFixed(3)} | ${Math.round(s.planMs)} | ${s.rows} | \`${oneLine(s.query, 220).replace(/\|/g, "\\|")}\` |`,
      ),
    "",
    "By calls:",
    "",
    "| calls | total ms | rows | statement |",
    "| ---: | ---: | ---: | --- |",
    ...[...statements]
      .sort((a, b) => b.calls - a.calls)
      .slice(0, 2 * top)
      .map(
        (s) =>
          `| ${s.calls} | ${Math.round(s.totalMs)} | ${s.rows} | \`${oneLine(s.query, 160).replace(/\|/g, "\\|")}\` |`,
      ),
    "",
    "By planning:",
    "",
    "| plan ms | calls | total ms | statement |",
    "| ---: | ---: | ---: | --- |",
    ...[...statements]
      .sort((a, b) => b.planMs - a.planMs)
      .slice(0, top)
      .map(
        (s) =>
          `| ${Math.round(s.planMs)} | ${s.calls} | ${Math.round(s.totalMs)} | \`${oneLine(s.query, 160).replace(/\|/g, "\\|")}\` |`,
      ),
    "",
    "| table | seq scans | rows read by seq scans | index scans |",
    "| --- | ---: | ---: | ---: |",
    ...[...c.tables.values()]
      .filter((t) => t.seqScan > 0)
      .sort((a, b) => b.seqTupRead - a.seqTupRead)
      .slice(0, top)
      .map((t) => `| ${t.table} | ${t.seqScan} | ${t.seqTupRead} | ${t.idxScan} |`),
  ];
  return lines.join("\n");
}
