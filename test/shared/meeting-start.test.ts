// R-SB-4: the start both sidebars propose for a new meeting.
import { describe, expect, it } from "vitest";
import { proposedMeetingStart } from "../../shared/meeting-start.js";

const at = (iso: string) => Date.parse(iso);
const proposed = (iso: string, zone: string) => {
  const p = proposedMeetingStart(at(iso), zone);
  return `${p.date} ${p.time}`;
};

describe("proposed meeting start", () => {
  it("R-SB-4: the next round half hour within working hours, on the user's clock", () => {
    // Tuesday 1 December 2026; Paris is UTC+1.
    expect(proposed("2026-12-01T08:25:00Z", "Europe/Paris")).toBe("2026-12-01 09:30");
    expect(proposed("2026-12-01T08:30:00Z", "Europe/Paris")).toBe("2026-12-01 10:00");
    expect(proposed("2026-12-01T08:59:59Z", "Europe/Paris")).toBe("2026-12-01 10:00");
    expect(proposed("2026-12-01T16:10:00Z", "Europe/Paris")).toBe("2026-12-01 17:30");
    // Before the working day starts: 09:00 the same day.
    expect(proposed("2026-12-01T05:40:00Z", "Europe/Paris")).toBe("2026-12-01 09:00");
  });

  it("R-SB-4: after working hours, on Fridays' evenings and at weekends: the next working day at 09:00", () => {
    expect(proposed("2026-12-01T16:30:00Z", "Europe/Paris")).toBe("2026-12-02 09:00");
    expect(proposed("2026-12-01T22:50:00Z", "Europe/Paris")).toBe("2026-12-02 09:00");
    // Friday 4 December 18:05 in Paris → Monday 7 December.
    expect(proposed("2026-12-04T17:05:00Z", "Europe/Paris")).toBe("2026-12-07 09:00");
    expect(proposed("2026-12-05T10:00:00Z", "Europe/Paris")).toBe("2026-12-07 09:00");
    expect(proposed("2026-12-06T23:30:00Z", "Europe/Paris")).toBe("2026-12-07 09:00");
  });

  it("R-SB-4 / R-ACT-5: the same instant proposes by each user's own clock, and the instant matches the wall time", () => {
    // Tuesday 13:10 UTC: 14:10 in Madrid, 08:10 in New York, 22:10 in Tokyo.
    expect(proposed("2026-12-01T13:10:00Z", "Europe/Madrid")).toBe("2026-12-01 14:30");
    expect(proposed("2026-12-01T13:10:00Z", "America/New_York")).toBe("2026-12-01 09:00");
    expect(proposed("2026-12-01T13:10:00Z", "Asia/Tokyo")).toBe("2026-12-02 09:00");
    expect(proposed("2026-12-01T13:10:00Z", "Asia/Kolkata")).toBe("2026-12-02 09:00");
    expect(proposedMeetingStart(at("2026-12-01T13:10:00Z"), "America/New_York").instant).toBe(
      at("2026-12-01T14:00:00Z"),
    );
    // Across a change of summer time: Sunday 29 March 2026 01:30 UTC in Paris → Monday 09:00 CEST.
    expect(proposedMeetingStart(at("2026-03-29T01:30:00Z"), "Europe/Paris").instant).toBe(
      at("2026-03-30T07:00:00Z"),
    );
  });
});
