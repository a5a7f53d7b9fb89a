// Zones at the API's edge (R-ACT-5): IANA names as given, Windows names mapped to IANA (Outlook and
// Graph send them), anything else refused with a 400 that names the value and the field.
import { resolveTimeZone } from "../../shared/windows-zones.js";
import { badRequest } from "../api/problem.js";

export function zoneOrProblem(name: string, path: string): string {
  const zone = resolveTimeZone(name);
  if (zone) return zone;
  throw badRequest(
    `'${name}' is not a time zone: give an IANA name such as Europe/Madrid (Windows names such as Romance Standard Time are accepted too).`,
    [{ path, message: "unknown time zone" }],
  );
}
