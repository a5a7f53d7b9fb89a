// Who an iCalendar event involves: its organizer and its attendees with their answers (R-CAL-8), and
// whether it is read-only for a given user (R-CAL-4: the user is not its organizer).
import type ICAL from "ical.js";

export type ResponseStatus = "needsAction" | "accepted" | "declined" | "tentative";

const PARTSTAT: Record<string, ResponseStatus> = {
  "NEEDS-ACTION": "needsAction",
  ACCEPTED: "accepted",
  DECLINED: "declined",
  TENTATIVE: "tentative",
  // Someone else goes in their place: this attendee will not come.
  DELEGATED: "declined",
};

function address(p: ICAL.Property): { email: string; name: string | null } | null {
  const value = String(p.getFirstValue() ?? "").trim();
  const param = p.getParameter("email");
  const email = (/^mailto:/i.test(value) ? value.slice(7) : typeof param === "string" ? param : value).trim();
  if (!email) return null;
  const cn = p.getParameter("cn");
  return { email: email.toLowerCase(), name: typeof cn === "string" && cn.trim() ? cn.trim() : null };
}

/** `series`: an exception without ORGANIZER has its series' organizer (one meeting, one organizer). */
export function people(c: ICAL.Component, user: string | undefined, series?: ICAL.Component) {
  const organizerProp = c.getFirstProperty("organizer") ?? series?.getFirstProperty("organizer");
  const organizer = organizerProp ? address(organizerProp) : null;
  const attendees = c.getAllProperties("attendee").flatMap((p) => {
    const a = address(p);
    if (!a) return [];
    const partstat = String(p.getParameter("partstat") ?? "NEEDS-ACTION").toUpperCase();
    return [{ ...a, responseStatus: PARTSTAT[partstat] ?? ("needsAction" as const) }];
  });
  // An event without organizer is the calendar owner's own: not read-only.
  const readOnly = user ? !!organizer && organizer.email !== user.trim().toLowerCase() : null;
  return { organizer, attendees, readOnly };
}
