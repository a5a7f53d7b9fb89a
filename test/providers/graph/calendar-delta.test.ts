// One Outlook calendar's delta rounds against the Microsoft emulator: pages of the asked size, the
// deltaLink kept only at a round's end, a 410 as cursor-rejected, and the window moved on once a
// month (Graph freezes it in the token chain).
import { beforeEach, describe, expect, it } from "vitest";
import { MicrosoftEmulator } from "../../../emulators/microsoft/emulator.js";
import {
  type GraphCalendarCursor,
  listGraphCalendarChanges,
  REWINDOW_MS,
} from "../../../server/providers/graph/calendar-delta.js";
import { GraphClient } from "../../../server/providers/graph/client.js";
import { SyncError } from "../../../server/sync/errors.js";

const ACCOUNT = "ana@contoso.test";
const T0 = Date.parse("2026-11-30T09:00:00Z");
const DAY = 86_400_000;
const at = (ms: number) => ({ dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: "UTC" });

describe("Graph calendar delta", () => {
  let microsoft: MicrosoftEmulator;
  let client: GraphClient;
  let calendarId: string;
  const seed = (subject: string, start: number) =>
    microsoft.calendars(ACCOUNT).seedEvent({ subject, start: at(start), end: at(start + 3_600_000) });
  async function round(cursor: GraphCalendarCursor | null, now: number) {
    const ids: string[] = [];
    let c = cursor;
    for (let pages = 1; ; pages++) {
      const page = await listGraphCalendarChanges(client, calendarId, c, 2, now);
      ids.push(...page.rows.map((r) => r.id));
      c = page.cursor;
      if (!page.more || !c.nextLink) return { ids, cursor: c, pages, more: page.more };
      expect(c.deltaLink).toBe(cursor?.deltaLink ?? null);
    }
  }

  beforeEach(() => {
    microsoft = new MicrosoftEmulator();
    microsoft.addAccount(ACCOUNT);
    const { accessToken } = microsoft.issueTokens(ACCOUNT, "Calendars.Read");
    client = new GraphClient({
      baseUrl: "https://graph.microsoft.com/v1.0",
      accessToken: async () => accessToken,
      fetch: (input, init) => microsoft.handle(new Request(input, init)),
    });
    calendarId = microsoft.calendars(ACCOUNT).defaultCalendar.id;
  });

  it("R-P-2: a round follows nextLinks in pages of the asked size; later rounds bring only changes", async () => {
    const events = [1, 2, 3, 4, 5].map((d) => seed(`E${d}`, T0 + d * DAY));
    const first = await round(null, T0);
    expect(first.pages).toBe(3);
    expect(first.ids.sort()).toEqual(events.map((e) => e.id).sort());
    expect(first.cursor.deltaLink).toContain("$deltatoken=");
    microsoft.calendars(ACCOUNT).userDelete(events[0]!.id);
    const next = await listGraphCalendarChanges(client, calendarId, first.cursor, 2, T0);
    expect(next.rows).toEqual([expect.objectContaining({ id: events[0]!.id, removed: true })]);
  });

  it("R-P-2: an expired token (410 SyncStateNotFound) is cursor-rejected", async () => {
    seed("E1", T0 + DAY);
    const first = await round(null, T0);
    microsoft.invalidateCursors(ACCOUNT);
    const err = await listGraphCalendarChanges(client, calendarId, first.cursor, 2, T0).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect(err.kind).toBe("cursor-rejected");
  });

  it("R-CAL-3: a month on, the round after a complete one starts a new chain, whose window reaches further", async () => {
    seed("Near", T0 + DAY);
    const first = await round(null, T0);
    const far = seed("Far", T0 + 2 * 365 * DAY + 10 * DAY);
    const later = T0 + REWINDOW_MS + DAY;
    const finishing = await listGraphCalendarChanges(client, calendarId, first.cursor, 10, later);
    expect(finishing).toMatchObject({ more: true, cursor: { deltaLink: null, windowAt: later } });
    const fresh = await round(finishing.cursor, later);
    expect(fresh.ids).toContain(far.id);
    expect(fresh.cursor).toMatchObject({
      windowAt: later,
      deltaLink: expect.stringContaining("$deltatoken="),
    });
  });
});
