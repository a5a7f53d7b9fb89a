import { ianaZone, localTime } from "../shared/zones.js";
import type { EventView, GraphEvent } from "./calendar-store.js";
import { preferences } from "./graph-caller.js";

/**
 * The event representation (§1.3). start/end are in UTC unless `Prefer: outlook.timezone` names
 * another zone (Windows or IANA), echoed as given; an all-day event is midnight to midnight of its
 * dates in whatever zone is asked for. `transactionId` appears only if set; `originalStart` only
 * on occurrences and exceptions; `recurrence` only on the master; extended properties only when
 * `$expand`ed with a matching `$filter` (§1.8); `cancelledOccurrences` only when `$select`ed; `$select`
 * keeps only the named properties (with id and etag).
 */
export function outputZone(request: Request): { name: string; iana: string } {
  const asked = preferences(request).get("outlook.timezone");
  const iana = asked ? ianaZone(asked) : null;
  return asked && iana ? { name: asked, iana } : { name: "UTC", iana: "UTC" };
}

const instant = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

function dateTime(ms: number, event: GraphEvent | EventView, zone: { name: string; iana: string }) {
  // An all-day event keeps its calendar dates in every zone.
  const wall = event.isAllDay
    ? `${localTime(ms, event.zone).slice(0, 10)}T00:00:00`
    : localTime(ms, zone.iana);
  return { dateTime: `${wall}.0000000`, timeZone: zone.name };
}

/** `$expand=singleValueExtendedProperties($filter=id eq '…')`: the ids asked for, or null. */
export function expandedProperties(url: URL): string[] | null {
  const expand = url.searchParams.get("$expand") ?? "";
  const m = /singleValueExtendedProperties\(\$filter=(.+)\)/i.exec(expand);
  if (!m) return null;
  return [...m[1].matchAll(/id eq '([^']+)'/gi)].map((x) => x[1].toLowerCase());
}

export function eventJson(view: EventView, request: Request, url: URL): Record<string, unknown> {
  const zone = outputZone(request);
  const e = view.event;
  const {
    subject = null,
    body = { contentType: "html", content: "" },
    categories = [],
    attendees = [],
    location,
    ...rest
  } = view.fields as Record<string, unknown>;
  const content = String((body as { content?: string }).content ?? "");
  const json: Record<string, unknown> = {
    "@odata.etag": `W/"${view.changeKey}"`,
    id: view.id,
    createdDateTime: instant(e.created),
    lastModifiedDateTime: instant(view.modified),
    changeKey: view.changeKey,
    categories,
    ...(e.transactionId !== null ? { transactionId: e.transactionId } : {}),
    originalStartTimeZone: view.startZone,
    originalEndTimeZone: view.endZone,
    iCalUId:
      view.originalStart === null
        ? e.iCalUId
        : `${e.iCalUId}${view.originalStart.toString(16).toUpperCase()}`,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject,
    bodyPreview: content.replace(/<[^>]+>/g, "").slice(0, 255),
    importance: "normal",
    sensitivity: "normal",
    isAllDay: view.isAllDay,
    isCancelled: false,
    isOrganizer: e.isOrganizer,
    responseRequested: true,
    seriesMasterId: view.originalStart === null ? null : e.id,
    showAs: "busy",
    type: view.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(view.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    onlineMeetingProvider: "unknown",
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    ...(view.originalStart !== null ? { originalStart: instant(view.originalStart) } : {}),
    responseStatus: e.isOrganizer
      ? { response: "organizer", time: "0001-01-01T00:00:00Z" }
      : { response: "notResponded", time: "0001-01-01T00:00:00Z" },
    body,
    start: dateTime(view.start, view, zone),
    end: dateTime(view.end, view, zone),
    location: location ?? {
      displayName: "",
      locationType: "default",
      uniqueIdType: "unknown",
      address: {},
      coordinates: {},
    },
    locations: [],
    recurrence: view.type === "seriesMaster" ? e.recurrence : null,
    attendees,
    organizer: { emailAddress: e.organizer },
    ...rest,
  };
  // Only asked for by name, and only on a series master (quirk 12).
  const select = (url.searchParams.get("$select") ?? "").toLowerCase().split(",");
  if (view.type === "seriesMaster" && select.includes("cancelledoccurrences"))
    json.cancelledOccurrences = [...e.cancelled]
      .sort((a, b) => a - b)
      .map((t) => `OID.${e.id}.${localTime(t, e.zone).slice(0, 10)}`);
  const wanted = expandedProperties(url);
  if (wanted) {
    const props = wanted.flatMap((id) => e.extended.get(id) ?? []);
    if (props.length) json.singleValueExtendedProperties = props;
  }
  return selected(json, select);
}

/** `$select` as Graph applies it: the named properties, plus the id and etag, and what was expanded. */
function selected(json: Record<string, unknown>, select: string[]): Record<string, unknown> {
  const names = select.map((s) => s.trim()).filter(Boolean);
  if (!names.length) return json;
  const keep = new Set(["@odata.etag", "id", "singlevalueextendedproperties", ...names]);
  return Object.fromEntries(Object.entries(json).filter(([k]) => keep.has(k.toLowerCase())));
}

/**
 * A calendarView delta row of an occurrence or exception: a stub without subject or iCalUId (quirk
 * 6); the rest is read from the series master.
 */
export function occurrenceStub(json: Record<string, unknown>): Record<string, unknown> {
  const { "@odata.etag": etag, id, seriesMasterId, type, start, end } = json;
  return { "@odata.etag": etag, id, seriesMasterId, type, start, end };
}
