// An RRULE value's parts by name (FREQ, INTERVAL, BYDAY…): names upper-cased, values as written, a
// leading "RRULE:" ignored. The CRM's recurrence input and Graph's patterns are both read from these.
export function ruleParts(rule: string): Map<string, string> {
  return new Map(
    rule
      .replace(/^RRULE:/i, "")
      .split(";")
      .map((kv) => kv.split("=") as [string, string])
      .map(([k, v]) => [k.toUpperCase(), v ?? ""]),
  );
}
