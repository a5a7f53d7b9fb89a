// `concilia inspect-ics`: what calendar sync would store from an iCalendar file between two dates,
// without storing anything. Broken components are reported with their line; the rest is still read.
import { badRequest } from "../api/problem.js";
import { parseIcs } from "./ics.js";
import { icsOccurrences } from "./ics-occurrences.js";

const DAY = 86_400_000;

/** `YYYY-MM-DD` (the start of that UTC day, or with `endOfDay` the start of the next) or an instant. */
export function rangeBound(value: string, name: string, endOfDay = false): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isNaN(ms)) return new Date(endOfDay ? ms + DAY : ms);
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  throw badRequest(`--${name} '${value}' is not a date: give YYYY-MM-DD or an ISO instant.`, [
    { path: name, message: "not a date" },
  ]);
}

export function inspectIcs(bytes: Uint8Array, options: { from: string; to: string; user?: string }) {
  const from = rangeBound(options.from, "from");
  const to = rangeBound(options.to, "to", true);
  if (to <= from) throw badRequest("--to is before --from.", [{ path: "to", message: "before from" }]);
  const parsed = parseIcs(bytes);
  const { occurrences, problems } = icsOccurrences(parsed, from, to, options.user);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    occurrences,
    problems: [...parsed.problems, ...problems].sort((a, b) => a.line - b.line),
  };
}
