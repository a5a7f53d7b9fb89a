// How many SQL round trips one context request costs, and where its database time goes: the real
// authentication and messageContext code run in-process on a pool that records every query, then
// each recorded query of one typical request is run again under EXPLAIN ANALYZE.

import { toAuthUser } from "../server/auth/authenticate.js";
import { findApiToken, touchApiToken } from "../server/auth/tokens.js";
import { messageContext } from "../server/crm/context.js";
import { openDatabase } from "../server/db/index.js";

export interface ContextProfile {
  roundTrips: { min: number; max: number; mean: number; requests: number };
  /** One line per query of a typical request: its execution time and the first plan line. */
  plans: { sql: string; ms: number; plan: string }[];
}

interface Recorded {
  text: string;
  values: unknown[];
}

export async function profileContext(
  url: string,
  token: string,
  requests: { addresses: string[]; messageId?: string }[],
): Promise<ContextProfile> {
  const database = await openDatabase({ url });
  const pool = database.pool!;
  let log: Recorded[] = [];
  const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
  (pool as any).query = (config: unknown, values?: unknown[]) => {
    const text = typeof config === "string" ? config : (config as { text: string }).text;
    log.push({ text, values: values ?? (config as { values?: unknown[] }).values ?? [] });
    return query(config, values);
  };
  const counts: number[] = [];
  let typical: Recorded[] = [];
  try {
    for (const r of requests) {
      log = [];
      const row = await findApiToken(database.db, token);
      if (!row) throw new Error("The benchmark token was not found.");
      await touchApiToken(database.db, row.token);
      await messageContext(database, toAuthUser(row.user, row.token.scopes, "bench"), r);
      counts.push(log.length);
      if (log.length >= typical.length) typical = log;
    }
    (pool as any).query = query;
    const plans: ContextProfile["plans"] = [];
    for (const q of typical) {
      const { rows } = (await pool.query(`explain (analyze, format json) ${q.text}`, q.values)) as {
        rows: { "QUERY PLAN": any }[];
      };
      const [top] = rows[0]["QUERY PLAN"];
      plans.push({
        sql: q.text.replace(/\s+/g, " ").slice(0, 160),
        ms: Number((top["Execution Time"] + top["Planning Time"]).toFixed(2)),
        plan: planSummary(top.Plan),
      });
    }
    const sum = counts.reduce((a, b) => a + b, 0);
    return {
      roundTrips: {
        min: Math.min(...counts),
        max: Math.max(...counts),
        mean: Number((sum / counts.length).toFixed(2)),
        requests: counts.length,
      },
      plans,
    };
  } finally {
    await database.close();
  }
}

/** The scan nodes of a plan ("Index Scan on persons", "Seq Scan on deals"), which say whether indexes serve. */
function planSummary(node: any): string {
  const out: string[] = [];
  const walk = (n: any) => {
    if (n["Relation Name"])
      out.push(`${n["Node Type"]} on ${n["Relation Name"]}${n["Index Name"] ? ` (${n["Index Name"]})` : ""}`);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(node);
  return [...new Set(out)].join("; ") || node["Node Type"];
}
