// One look for both sidebars: what shared/ formats, cuts and maps, checked directly.
import { describe, expect, it } from "vitest";
import { formatFor } from "../../shared/format.js";
import { isHttpsUrl, meetingMessages, meetingProblemsAt } from "../../shared/meeting-form.js";
import { shortAddress } from "../../shared/short-address.js";
import { searchTimeZones, timeZoneOptions } from "../../shared/time-zones.js";

const dec1 = Date.parse("2026-12-01T09:25:00Z");

describe("shared formatting", () => {
  it("R-SB-6: dates, times and amounts as the user's locale writes them, on the user's clock", () => {
    const en = formatFor("en-US", "Europe/Paris");
    expect(en.dateTime(dec1)).toBe("Dec 1, 2026, 10:25 AM");
    expect(en.date(dec1)).toBe("Dec 1, 2026");
    expect(en.money(25000, "EUR")).toBe("€25,000");
    expect(formatFor("en-GB", "Europe/London").dateTime(dec1)).toBe("1 Dec 2026, 09:25");
    const es = formatFor("es-ES", "Europe/Madrid");
    expect(es.money(25000, "EUR")).toBe("25.000\u00a0€");
    expect(es.dateTime(dec1)).toMatch(/^1 dic 2026, 10:25$/);
    expect(formatFor("it", "Europe/Rome").money(25000, "EUR")).toBe("25.000\u00a0€");
    // A code Intl does not know is shown as stored, never an exception.
    expect(en.money(1200, "XBT1")).toBe("1,200 XBT1");
    expect(en.money(1200, null)).toBe("1,200");
  });

  it("R-ACT-5: a time entered in another zone is shown on that zone's clock and the zone is named", () => {
    const f = formatFor("en-US", "Europe/Paris");
    expect(f.dateTime(dec1, "Europe/Paris")).toBe("Dec 1, 2026, 10:25 AM");
    // Madrid shares Paris's clock: nothing to name.
    expect(f.dateTime(dec1, "Europe/Madrid")).toBe("Dec 1, 2026, 10:25 AM");
    expect(f.dateTime(dec1, "America/New_York")).toBe("Dec 1, 2026, 4:25 AM (New York)");
    expect(f.dateTime(dec1, "Not/AZone")).toBe("Dec 1, 2026, 10:25 AM");
  });

  it("R-ACT-5: an all-day event shows its date in both sidebars, whatever the reader's zone; a timed one its time", () => {
    const allDay = {
      allDay: true,
      startDate: "2031-07-12",
      startAt: "2031-07-12T00:00:00.000Z",
      timeZone: "Pacific/Kiritimati",
    };
    for (const zone of ["Pacific/Honolulu", "Pacific/Kiritimati", "UTC"])
      expect(formatFor("en-US", zone).eventStart(allDay), zone).toBe("Jul 12, 2031");
    const timed = {
      allDay: false,
      startDate: null,
      startAt: "2031-07-12T08:00:00.000Z",
      timeZone: "Europe/Paris",
    };
    expect(formatFor("en-US", "Europe/Paris").eventStart(timed)).toBe("Jul 12, 2031, 10:00 AM");
  });

  it("R-SB-1: long addresses keep their domain and lose the middle of the mailbox part", () => {
    expect(shortAddress("ana@acme.example")).toBe("ana@acme.example");
    expect(shortAddress("francesca.conti@libero.example")).toBe("francesca.conti@libero.example");
    expect(shortAddress("recipient.number.12@bulk-mailing.example")).toBe("recipien…@bulk-mailing.example");
    const hugeDomain = "ops@mail.very-long-subsidiary-name.example.co.uk";
    const cut = shortAddress(hugeDomain);
    expect([...cut]).toHaveLength(30);
    expect(cut.startsWith("ops@mail.very-")).toBe(true);
    expect(cut.endsWith(".example.co.uk")).toBe(true);
  });
});

describe("meeting form: zones and problems", () => {
  it("R-ACT-5: every zone is offered by city, with its offset at the meeting's date, and found ignoring accents", () => {
    const winter = timeZoneOptions(Date.parse("2031-01-15T12:00:00Z"));
    const summer = timeZoneOptions(Date.parse("2031-07-15T12:00:00Z"));
    expect(winter.length).toBeGreaterThan(300);
    expect(winter.find((o) => o.id === "Europe/Paris")?.label).toBe("Paris · Europe (UTC+01:00)");
    expect(summer.find((o) => o.id === "Europe/Paris")?.label).toBe("Paris · Europe (UTC+02:00)");
    expect(searchTimeZones(winter, "são paulo").map((o) => o.id)).toEqual(["America/Sao_Paulo"]);
    expect(searchTimeZones(winter, "new york").map((o) => o.id)).toEqual(["America/New_York"]);
    expect(searchTimeZones(winter, "zzz")).toEqual([]);
    // An alias the runtime does not list (Outlook's India zone) is offered when it is the user's.
    expect(timeZoneOptions(0, ["Asia/Calcutta"]).some((o) => o.id === "Asia/Calcutta")).toBe(true);
  });

  it("R-SB-6: the server's field paths map to the form's fields, each told once in the user's language", () => {
    expect(meetingProblemsAt(["body.endAt", "body.title", "body.startAt", "body.attendees.3.email"])).toEqual(
      ["title", "start", "attendees"],
    );
    expect(meetingProblemsAt(["body.onlineMeetingUrl"])).toEqual(["onlineMeetingUrl"]);
    expect(meetingProblemsAt(["query.x", "body.dealId"])).toEqual(["other"]);
    for (const l of ["en", "es", "it"] as const)
      expect(Object.keys(meetingMessages[l]).sort()).toEqual(Object.keys(meetingMessages.en).sort());
  });

  it("R-SB-4: an online-meeting link is an absolute https URL with a host name", () => {
    for (const ok of [
      "https://meet.example.com/abc",
      "https://teams.microsoft.com/l/meetup-join/19%3a?x=1",
      "https://münchen.example:8443/r",
    ])
      expect(isHttpsUrl(ok), ok).toBe(true);
    for (const bad of [
      "http://meet.example.com",
      "meet.example.com",
      "https://",
      "https://exa mple.com",
      "javascript:alert(1)",
      `https://a.example/${"x".repeat(2000)}`,
    ])
      expect(isHttpsUrl(bad), bad).toBe(false);
  });
});
