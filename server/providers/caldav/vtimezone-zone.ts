// A TZID that names no IANA or Windows zone ("Customized Time Zone", which Outlook writes for a zone it
// edited, or a display name) but that the object defines in a VTIMEZONE: the zone is the IANA zone whose
// offsets agree with the VTIMEZONE's rules through the event's year, so times keep their instants and a
// series its wall clock across daylight saving (failure mode 4). Rules that would expand without bound
// are dropped first (ics-zone-rules.ts, R-P-4). Null when no zone agrees.
import ICAL from "ical.js";
import { WINDOWS_TO_IANA_MAP } from "windows-iana";
import { offsetMinutes } from "../../../shared/zoned-time.js";
import { dropUnboundedZoneRules } from "../../calendar/ics-zone-rules.js";

let candidates: string[] | undefined;
/** One IANA zone per Windows zone (each region's representative), and UTC. */
function candidateZones(): string[] {
  candidates ??= [
    "UTC",
    ...new Set(WINDOWS_TO_IANA_MAP.filter((e) => e.territory === "001").map((e) => e.iana[0])),
  ];
  return candidates;
}

const matched = new Map<string, string | null>();

export function zoneFromVtimezone(prop: ICAL.Property, tzid: string): string | null {
  const calendar = prop.parent?.parent;
  const definition = calendar
    ?.getAllSubcomponents("vtimezone")
    .find((c) => String(c.getFirstPropertyValue("tzid")) === tzid);
  const time = prop.getFirstValue();
  if (!definition || !(time instanceof ICAL.Time)) return null;
  const key = `${time.year}\n${definition.toString()}`;
  if (!matched.has(key)) {
    if (matched.size > 1000) matched.clear();
    matched.set(key, matchingZone(definition, time.year));
  }
  return matched.get(key) ?? null;
}

function matchingZone(definition: ICAL.Component, year: number): string | null {
  const safe = new ICAL.Component(structuredClone(definition.jCal));
  dropUnboundedZoneRules(safe, [], () => {});
  const zone = new ICAL.Timezone(safe);
  // Noon on the 15th of each month: never on a change of offset, which happens at night.
  const samples = Array.from({ length: 12 }, (_, month) => {
    const wall = ICAL.Time.fromData({ year, month: month + 1, day: 15, hour: 12 });
    const offset = zone.utcOffset(wall) / 60;
    return { instant: Date.UTC(year, month, 15, 12) - offset * 60_000, offset };
  });
  return (
    candidateZones().find((iana) => samples.every((s) => offsetMinutes(s.instant, iana) === s.offset)) ?? null
  );
}
