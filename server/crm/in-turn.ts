/**
 * Runs lookups one after another. These run inside transactions too, and a transaction is one
 * connection: concurrent queries on it only queue up (and node-postgres deprecates issuing them).
 */
export async function inTurn<T extends readonly (() => unknown)[]>(
  ...steps: T
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const out: unknown[] = [];
  for (const step of steps) out.push(await step());
  return out as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}
