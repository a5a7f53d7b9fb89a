import { WEEKDAYS } from "../shared/recurrence.js";
import { ianaZone, zonedInstant } from "../shared/zones.js";
import type { GraphEvent, PatternedRecurrence, Times } from "./calendar-store.js";
import { graphError } from "./errors.js";

/**
 * Reading an event body (create or PATCH) onto a stored event (§1.3): start/end in Windows or
 * IANA zones, all-day events at midnight, the recurrence pattern, extended properties and the
 * read-only fields Graph refuses. Returns Graph's 400 for what it rejects.
 */
type Body = Record<string, unknown>;
type DateTimeTimeZone = { dateTime?: string; timeZone?: string };

const READ_ONLY = [
  "id",
  "changeKey",
  "@odata.etag",
  "createdDateTime",
  "lastModifiedDateTime",
  "iCalUId",
  "type",
  "seriesMasterId",
  "originalStart",
  "isOrganizer",
  "webLink",
];
/** Kept aside from `fields`: they have their own model. */
const MODELLED = [
  "start",
  "end",
  "isAllDay",
  "recurrence",
  "singleValueExtendedProperties",
  "transactionId",
  "organizer",
];

const bad = (message: string, code = "ErrorInvalidRequest") => graphError(400, code, message);

function parseTime(
  value: DateTimeTimeZone | undefined,
  which: string,
): { instant: number; zoneName: string; zone: string } | Response {
  if (!value?.dateTime || !value.timeZone)
    return bad(`${which} must have dateTime and timeZone.`, "ErrorPropertyValidationFailure");
  const zone = ianaZone(value.timeZone);
  if (!zone) {
    return bad(
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${value.timeZone}'.`,
      "TimeZoneNotSupportedException",
    );
  }
  const instant = zonedInstant(value.dateTime, zone);
  if (!Number.isFinite(instant))
    return bad(
      `Cannot convert the literal '${value.dateTime}' to the expected type 'Edm.DateTimeOffset'.`,
      "BadRequest",
    );
  return { instant, zoneName: value.timeZone, zone };
}

function checkRecurrence(r: PatternedRecurrence): Response | null {
  const p = r.pattern;
  if (!p || !r.range || !Number.isInteger(p.interval) || p.interval < 1)
    return bad("Recurrence pattern and range with an interval are required.");
  if (p.type !== "daily" && p.type !== "weekly" && p.type !== "absoluteMonthly") {
    return bad(`The emulator supports daily, weekly and absoluteMonthly patterns, not '${String(p.type)}'.`);
  }
  if (p.type === "absoluteMonthly") {
    const day = Number(p.dayOfMonth);
    if (!Number.isInteger(day) || day < 1 || day > 31)
      return bad("DayOfMonth is required for an absoluteMonthly pattern.", "ErrorPropertyValidationFailure");
    if (p.daysOfWeek?.length || p.month || (p.index && p.index !== "first"))
      return bad(
        "Property DaysOfWeek in RecurrencePattern is not supported for this pattern type.",
        "ErrorPropertyValidationFailure",
      );
  }
  if (p.type === "daily" && (p.daysOfWeek?.length || p.dayOfMonth || p.month || p.index)) {
    return bad(
      "Property DaysOfWeek in RecurrencePattern is not supported for this pattern type.",
      "ErrorPropertyValidationFailure",
    );
  }
  if (
    p.type === "weekly" &&
    (!p.daysOfWeek?.length || p.daysOfWeek.some((d) => !WEEKDAYS.includes(d.toLowerCase())))
  ) {
    return bad("DaysOfWeek is required for a weekly pattern.", "ErrorPropertyValidationFailure");
  }
  if (!/^\d{4}-\d\d-\d\d$/.test(r.range.startDate ?? "")) return bad("Range startDate is required.");
  if (r.range.type === "endDate" && !r.range.endDate) return bad("Range endDate is required.");
  if (r.range.type === "numbered" && !(Number(r.range.numberOfOccurrences) > 0))
    return bad("numberOfOccurrences is required.");
  return null;
}

/** Applies a body to the event's times and fields; `creating` requires start and end. */
export function applyBody(
  target: GraphEvent,
  body: Body,
  creating: boolean,
  allowRecurrence = true,
): Response | null {
  const ro = READ_ONLY.find((k) => k in body && k !== "id");
  if (ro) return bad(`The property '${ro}' is read-only and cannot be set.`, "ErrorInvalidPropertyValue");
  if ("attendees" in body) {
    const list = body.attendees as { emailAddress?: { address?: unknown } }[];
    if (!Array.isArray(list) || list.some((a) => typeof a?.emailAddress?.address !== "string")) {
      return bad("Each attendee needs an emailAddress with an address.", "ErrorInvalidRecipients");
    }
  }
  if (creating && (!body.start || !body.end))
    return bad("Start and End are required.", "ErrorPropertyValidationFailure");
  const { start, end, startZone, endZone, zone, isAllDay } = target;
  const times: Times = { start, end, startZone, endZone, zone, isAllDay };
  if (body.start) {
    const s = parseTime(body.start as DateTimeTimeZone, "Start");
    if (s instanceof Response) return s;
    times.start = s.instant;
    times.startZone = s.zoneName;
    times.zone = s.zone;
  }
  if (body.end) {
    const e = parseTime(body.end as DateTimeTimeZone, "End");
    if (e instanceof Response) return e;
    times.end = e.instant;
    times.endZone = e.zoneName;
  }
  if ("isAllDay" in body) times.isAllDay = body.isAllDay === true;
  if (times.isAllDay) {
    const midnight = (v: unknown) =>
      /T00:00(:00(\.0+)?)?$/.test((v as DateTimeTimeZone | undefined)?.dateTime ?? "T00:00:00");
    if (!midnight(body.start) || !midnight(body.end)) {
      return bad(
        "The start and end of an all-day event must be at midnight.",
        "ErrorPropertyValidationFailure",
      );
    }
  }
  if (!(times.end > times.start))
    return bad("The end must be after the start.", "ErrorPropertyValidationFailure");
  if ("recurrence" in body) {
    if (!allowRecurrence && body.recurrence) return bad("An occurrence cannot have a recurrence.");
    const r = body.recurrence as PatternedRecurrence | null;
    if (r) {
      const problem = checkRecurrence(r);
      if (problem) return problem;
    }
    target.recurrence = r ?? null;
  }
  if (Array.isArray(body.singleValueExtendedProperties)) {
    for (const p of body.singleValueExtendedProperties as { id?: string; value?: string }[]) {
      if (!p.id || typeof p.value !== "string")
        return bad("An extended property needs an id and a string value.");
      target.extended.set(p.id.toLowerCase(), { id: p.id, value: p.value });
    }
  }
  if (typeof body.transactionId === "string" && creating) target.transactionId = body.transactionId;
  Object.assign(target, times);
  for (const [k, v] of Object.entries(body)) if (!MODELLED.includes(k) && k !== "id") target.fields[k] = v;
  if (Array.isArray(body.attendees)) {
    target.fields.attendees = (
      body.attendees as { emailAddress: { address: string; name?: string }; type?: string }[]
    ).map((a) => ({
      type: a.type ?? "required",
      status: (a as { status?: unknown }).status ?? { response: "none", time: "0001-01-01T00:00:00Z" },
      emailAddress: {
        name: a.emailAddress?.name ?? a.emailAddress?.address,
        address: a.emailAddress?.address?.toLowerCase(),
      },
    }));
  }
  return null;
}

export function attendeeAddresses(fields: Record<string, unknown>): string[] {
  return ((fields.attendees ?? []) as { emailAddress: { address: string } }[]).map(
    (a) => a.emailAddress.address,
  );
}
