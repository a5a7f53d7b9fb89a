// PostgreSQL text cannot hold U+0000: a string carrying one fails the query that stores or compares it,
// which would answer 500. Input is checked for it before anything else reads it, and refused as a 400
// naming the field (R-P-4).
import { badRequest, type HttpProblem } from "./problem.js";

const MAX_DEPTH = 64;

/** The path of the first string (or key) in `value` holding U+0000, or null when there is none. */
export function nulPath(
  value: unknown,
  path: (string | number)[] = [],
  depth = 0,
): (string | number)[] | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (!value || typeof value !== "object" || depth > MAX_DEPTH || Buffer.isBuffer(value)) return null;
  for (const [k, v] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(k) : k];
    if (k.includes("\u0000")) return at;
    const found = nulPath(v, at, depth + 1);
    if (found) return found;
  }
  return null;
}

export function nulProblem(where: "body" | "query" | "params", value: unknown): HttpProblem | null {
  const at = nulPath(value);
  if (!at) return null;
  const path = [where, ...at].join(".");
  return badRequest(
    `Invalid request ${where}: ${path} contains a NUL character (U+0000), which text cannot hold.`,
    [{ path, message: "contains a NUL character (U+0000)" }],
  );
}
