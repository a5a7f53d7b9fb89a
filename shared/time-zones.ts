// The time zones a meeting form offers (R-ACT-5): every IANA zone the runtime knows, named by city so
// that a user finds "Paris" or "São Paulo" by typing it, with the offset they have at the meeting.
import { fold } from "./text.js";
import { formatOffset, isTimeZone, offsetMinutes } from "./zoned-time.js";

export interface ZoneOption {
  id: string;
  /** `Paris`, `Buenos Aires`; the id itself for zones without a city (`UTC`). */
  city: string;
  /** `Europe`, `America/Argentina`; empty for `UTC`. */
  region: string;
  /** `Paris · Europe (UTC+01:00)` */
  label: string;
}

/** Where Intl cannot list its zones (older engines): the zones of the product's markets and the big ones. */
const fallbackZones = [
  "UTC",
  "Europe/Lisbon",
  "Europe/London",
  "Europe/Dublin",
  "Europe/Madrid",
  "Europe/Paris",
  "Europe/Brussels",
  "Europe/Amsterdam",
  "Europe/Berlin",
  "Europe/Zurich",
  "Europe/Rome",
  "Europe/Vienna",
  "Europe/Prague",
  "Europe/Warsaw",
  "Europe/Stockholm",
  "Europe/Oslo",
  "Europe/Copenhagen",
  "Europe/Helsinki",
  "Europe/Athens",
  "Europe/Bucharest",
  "Europe/Istanbul",
  "Europe/Kyiv",
  "Europe/Moscow",
  "Atlantic/Canary",
  "Africa/Casablanca",
  "Africa/Lagos",
  "Africa/Cairo",
  "Africa/Johannesburg",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Shanghai",
  "Asia/Hong_Kong",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Pacific/Auckland",
  "America/St_Johns",
  "America/Halifax",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Phoenix",
  "America/Los_Angeles",
  "America/Anchorage",
  "Pacific/Honolulu",
  "America/Mexico_City",
  "America/Bogota",
  "America/Lima",
  "America/Caracas",
  "America/Santiago",
  "America/Argentina/Buenos_Aires",
  "America/Sao_Paulo",
  "America/Montevideo",
];

function knownZoneIds(): string[] {
  const list = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  try {
    if (list) return list("timeZone");
  } catch {
    // Listed as present but refused: use the fallback.
  }
  return fallbackZones;
}

export function zoneCity(id: string): string {
  const slash = id.lastIndexOf("/");
  return (slash < 0 ? id : id.slice(slash + 1)).replace(/_/g, " ");
}

function zoneRegion(id: string): string {
  const slash = id.lastIndexOf("/");
  return slash < 0 ? "" : id.slice(0, slash).replace(/_/g, " ");
}

/**
 * Every zone, by city, with its offset at `at` (the meeting's date: offsets change with daylight saving
 * time). `include`: zones to offer even if the runtime does not list them (the user's own, which Outlook
 * may name by an alias such as Asia/Calcutta).
 */
export function timeZoneOptions(at: number, include: string[] = []): ZoneOption[] {
  const ids = new Set(knownZoneIds());
  ids.add("UTC");
  for (const id of include) if (isTimeZone(id)) ids.add(id);
  const options = [...ids].map((id) => {
    const city = zoneCity(id);
    const region = zoneRegion(id);
    const offset = formatOffset(offsetMinutes(at, id));
    return { id, city, region, label: region ? `${city} · ${region} (${offset})` : `${city} (${offset})` };
  });
  return options.sort((a, b) => a.city.localeCompare(b.city) || a.region.localeCompare(b.region));
}

/** The zones whose city, region or id contains the query, ignoring case and accents. */
export function searchTimeZones(options: ZoneOption[], query: string): ZoneOption[] {
  const q = fold(query);
  if (!q) return options;
  return options.filter((o) => fold(`${o.city} ${o.region} ${o.id}`).includes(q));
}
