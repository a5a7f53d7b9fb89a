// Outlook reports the mailbox zone as a Windows name ("Romance Standard Time"); events need IANA (R-ACT-5).
// The common zones of the product's markets, plus the big ones elsewhere; anything else falls back to the
// browser's zone, which is the same machine's setting in nearly every case.
const windowsToIana: Record<string, string> = {
  UTC: "UTC",
  "GMT Standard Time": "Europe/London",
  "Greenwich Standard Time": "Atlantic/Reykjavik",
  "W. Europe Standard Time": "Europe/Berlin",
  "Romance Standard Time": "Europe/Paris",
  "Central Europe Standard Time": "Europe/Budapest",
  "Central European Standard Time": "Europe/Warsaw",
  "E. Europe Standard Time": "Europe/Chisinau",
  "GTB Standard Time": "Europe/Bucharest",
  "FLE Standard Time": "Europe/Kiev",
  "Russian Standard Time": "Europe/Moscow",
  "Morocco Standard Time": "Africa/Casablanca",
  "Canary Standard Time": "Atlantic/Canary",
  "Eastern Standard Time": "America/New_York",
  "Central Standard Time": "America/Chicago",
  "Mountain Standard Time": "America/Denver",
  "Pacific Standard Time": "America/Los_Angeles",
  "Central Standard Time (Mexico)": "America/Mexico_City",
  "SA Pacific Standard Time": "America/Bogota",
  "Argentina Standard Time": "America/Buenos_Aires",
  "E. South America Standard Time": "America/Sao_Paulo",
  "Pacific SA Standard Time": "America/Santiago",
  "India Standard Time": "Asia/Calcutta",
  "China Standard Time": "Asia/Shanghai",
  "Tokyo Standard Time": "Asia/Tokyo",
  "AUS Eastern Standard Time": "Australia/Sydney",
};

export function ianaZone(name: string | undefined | null): string {
  if (name) {
    if (windowsToIana[name]) return windowsToIana[name];
    if (name.includes("/") && isZone(name)) return name;
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

function isZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
