// Google Calendar and Graph calendars in the calendar benchmark, on the repository's emulators. Whether
// the engine syncs them is asked of the engine itself: a connection that syncs calendars, one seeded
// event in its primary calendar, and a first sync by the running worker. When that sync lists no
// `calendar:` scope, this build has no calendar sync for the provider and the bench says so (no
// figures). When it does, the provider's figures still need this driver's seeding, changes and
// read-back on the emulator's store (`seedCalendarEvent`, `userEditEvent`, `calendarSnapshot`), which
// are left for the adapters' authors: the bench reports that plainly rather than guess at numbers.
import { and, eq, like } from "drizzle-orm";
import type { ServedEmulators } from "../emulators/serve.js";
import { createConnection, SECRET } from "../server/connections/connections.js";
import type { Db } from "../server/db/index.js";
import { syncCursors, syncStates } from "../server/db/schema.js";
import { secretBox } from "../server/secrets/box.js";
import { putSecret } from "../server/secrets/store.js";
import type { UnavailableDriver } from "./_calendar-driver.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Which = "google" | "microsoft";
const LABEL: Record<Which, string> = {
  google: "Google Calendar (emulator)",
  microsoft: "Graph calendars (emulator)",
};
const SCOPES: Record<Which, string> = {
  google: "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.readonly",
  microsoft: "openid offline_access Calendars.ReadWrite",
};

export async function probeEmulatedCalendar(
  which: Which,
  emu: ServedEmulators,
  db: Db,
  userId: string,
  key: Buffer,
): Promise<UnavailableDriver> {
  const label = LABEL[which];
  const account = `calendar-${which}@bench.test`;
  const emulator = which === "google" ? emu.google : emu.microsoft;
  emulator.addAccount(account, `Calendar ${which}`);
  const start = new Date(Date.now() + 3 * 86_400_000);
  const end = new Date(start.getTime() + 3_600_000);
  if (which === "google")
    emu.google.seedCalendarEvent(account, {
      summary: "Probe",
      start: { dateTime: start.toISOString() },
      end: { dateTime: end.toISOString() },
    });
  else
    emu.microsoft.seedCalendarEvent(account, {
      subject: "Probe",
      start: { dateTime: start.toISOString().slice(0, 19), timeZone: "UTC" },
      end: { dateTime: end.toISOString().slice(0, 19), timeZone: "UTC" },
    });
  const c = await createConnection(db, userId, {
    provider: which,
    accountAddress: account,
    syncs: "calendar",
  });
  const { refreshToken } = emulator.issueTokens(account, SCOPES[which]);
  await putSecret({ db, secrets: secretBox(key) }, c.id, SECRET.refreshToken, refreshToken, null);
  const deadline = Date.now() + 60_000;
  let status = "not started";
  while (Date.now() < deadline) {
    const [s] = await db.select().from(syncStates).where(eq(syncStates.connectionId, c.id));
    status = s ? `${s.status}${s.lastErrorReason ? ` (${s.lastErrorReason})` : ""}` : status;
    if (s && s.status !== "syncing" && !s.stepStartedAt) break;
    await sleep(500);
  }
  const scopes = await db
    .select({ key: syncCursors.scopeKey })
    .from(syncCursors)
    .where(and(eq(syncCursors.connectionId, c.id), like(syncCursors.scopeKey, "calendar:%")));
  if (!scopes.length)
    return {
      available: false,
      key: which,
      label,
      reason: `not available in this build: a ${which} connection that syncs calendars was synced by the worker (state: ${status}) and listed no calendar scope, so the engine has no ${which} calendar sync registered`,
    };
  return {
    available: false,
    key: which,
    label,
    reason: `the engine syncs ${which} calendars (scopes ${scopes.map((s) => s.key).join(", ")}), but this bench's ${which} driver (seeding, changes and read-back on the emulator) is not written yet, so no figures are given`,
  };
}
