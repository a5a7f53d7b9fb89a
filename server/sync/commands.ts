// Operators' commands: `concilia sync run` (run the due steps here, until the connections rest) and
// `concilia connections list`. Neither prints a credential: secrets are shown by name and version only.
import { asc, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { connectionSecrets, connections, syncStates, users } from "../db/schema.js";
import { parkedCount } from "./failed-items.js";
import { runDueSteps } from "./run.js";
import { ensureStates } from "./state-machine.js";

async function connectionIds(
  ctx: AppContext,
  opts: { user?: string; connection?: string },
): Promise<string[]> {
  const q = ctx.db
    .select({ id: connections.id })
    .from(connections)
    .innerJoin(users, eq(users.id, connections.userId))
    .orderBy(asc(connections.id));
  if (opts.connection) return (await q.where(eq(connections.id, opts.connection))).map((r) => r.id);
  if (opts.user) return (await q.where(eq(users.email, opts.user.trim().toLowerCase()))).map((r) => r.id);
  return (await q).map((r) => r.id);
}

async function describeConnections(ctx: AppContext, ids: string[]) {
  if (!ids.length) return [];
  await ensureStates(ctx.db);
  const rows = await ctx.db
    .select({
      id: connections.id,
      user: users.email,
      provider: connections.provider,
      account: connections.accountAddress,
      status: syncStates.status,
      stage: syncStates.stage,
      lastSyncedAt: syncStates.lastSyncedAt,
      nextRunAt: syncStates.nextRunAt,
      lastErrorReason: syncStates.lastErrorReason,
      done: syncStates.progressDone,
      found: syncStates.progressFound,
    })
    .from(connections)
    .innerJoin(users, eq(users.id, connections.userId))
    .leftJoin(syncStates, eq(syncStates.connectionId, connections.id))
    .where(inArray(connections.id, ids))
    .orderBy(asc(users.email), asc(connections.id));
  const secrets = await ctx.db
    .select({
      connectionId: connectionSecrets.connectionId,
      name: connectionSecrets.name,
      version: connectionSecrets.version,
    })
    .from(connectionSecrets)
    .where(inArray(connectionSecrets.connectionId, ids));
  return Promise.all(
    rows.map(async (r) => ({
      ...r,
      failedItems: await parkedCount(ctx.db, r.id),
      secrets: secrets.filter((s) => s.connectionId === r.id).map((s) => `${s.name} v${s.version}`),
    })),
  );
}

export async function listConnectionsCommand(ctx: AppContext, opts: { user?: string }): Promise<string[]> {
  const list = await describeConnections(ctx, await connectionIds(ctx, opts));
  if (!list.length) return ["No connections."];
  return list.map((c) =>
    [
      c.id,
      c.user,
      `${c.provider}:${c.account}`,
      `${c.status}/${c.stage}${c.found !== null ? ` ${c.done}/${c.found}` : ""}`,
      `last synced ${c.lastSyncedAt?.toISOString() ?? "never"}`,
      `failed items ${c.failedItems}`,
      `credentials ${c.secrets.join(", ") || "none"}`,
      ...(c.lastErrorReason ? [`last error: ${c.lastErrorReason}`] : []),
    ].join("  "),
  );
}

export async function syncRunCommand(
  ctx: AppContext,
  opts: { user?: string; connection?: string },
): Promise<string[]> {
  const ids = await connectionIds(ctx, opts);
  if (!ids.length) return ["No such connection."];
  const runs = await runDueSteps(ctx, ids);
  if (!runs.length) return ["Nothing is due."];
  const states = new Map(
    (
      await describeConnections(
        ctx,
        runs.map((r) => r.connectionId),
      )
    ).map((c) => [c.id, c]),
  );
  return runs.map((r) => {
    const c = states.get(r.connectionId);
    const what =
      r.last === "busy"
        ? "a worker is syncing it now"
        : `${r.steps} step(s), ${r.stored} stored, ${r.skipped} skipped, ${r.failed} failed`;
    const after = c
      ? `now ${c.status}${c.status === "up_to_date" || c.status === "syncing" ? `, next look ${c.nextRunAt?.toISOString()}` : ""}`
      : "gone";
    return `${r.connectionId} ${c ? `${c.provider}:${c.account}` : ""}: ${what}; ${after}${r.error ? ` (${r.error.kind}: ${r.error.reason})` : ""}`;
  });
}
