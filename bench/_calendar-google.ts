// The calendar benchmark's Google Calendar: the repository's Google emulator (served over HTTP in the
// bench's process), one account and its primary calendar. The bench seeds and changes it as Google's
// own UI would (a series with its edited and cancelled instances stored as exceptions, an EXDATE in its
// recurrence, a deletion leaving a cancelled event), reads the store back directly, and counts the
// requests the sync engine made from the emulator's counter. Push: the engine's watch channels, which
// the emulator notifies through the bench's relay (bench/_calendar-push.ts).

import { startInstant } from "../emulators/google/calendar-store.js";
import type { GoogleEmulator } from "../emulators/google/emulator.js";
import type { Db } from "../server/db/index.js";
import { CONCILIA_PROPERTY } from "../server/providers/google/calendar-event.js";
import { googleEventIdFor } from "../server/providers/google/calendar-ids.js";
import type { MinimumInput, ProviderDriver } from "./_calendar-driver.js";
import { connectEmulatedAccount, countingEmulator, fromStamp, stamp } from "./_calendar-emulated.js";
import type { PushRelay } from "./_calendar-push.js";
import type { TruthEvent } from "./_calendar-truth.js";

const CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar";
/** The largest events.list page Google gives (maxResults). */
export const GOOGLE_LIST_PAGE = 2500;

type Fields = Record<string, unknown> & {
  summary?: string;
  status?: string;
  start?: { dateTime?: string; date?: string; timeZone?: string };
  end?: { dateTime?: string; date?: string; timeZone?: string };
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: { dateTime?: string; date?: string; timeZone?: string };
  extendedProperties?: { private?: Record<string, string> };
  iCalUID?: string;
};

const time = (iso: string) => ({ dateTime: iso.replace(/\.\d{3}Z$/, "Z"), timeZone: "UTC" });
/** Google event ids are base32hex (a–v, 0–9). */
const idFor = (uid: string) =>
  Buffer.from(uid)
    .toString("hex")
    .replace(/[^a-v0-9]/g, "0");
const iso = (v: Fields["start"]) => new Date(startInstant(v as never)).toISOString();

export function googleDriver(emu: GoogleEmulator, relay: PushRelay): ProviderDriver {
  const account = "calendar-google@bench.test";
  emu.addAccount(account, "Calendar Google");
  const store = emu.calendars(account);
  const calendar = () => store.calendar(account)!;
  const instanceId = (seriesId: string, originalStart: string) => `${seriesId}_${stamp(originalStart)}`;
  const recurrence = (e: TruthEvent) => [`RRULE:${e.rule}`, ...e.exdates.map((d) => `EXDATE:${stamp(d)}`)];
  const seriesFields = (e: TruthEvent): Fields => ({
    iCalUID: e.uid,
    summary: e.title,
    start: time(e.startAt),
    end: time(e.endAt),
    ...(e.rule ? { recurrence: recurrence(e) } : {}),
  });
  /** Writes the exceptions of a series the way the UI does: each edited or cancelled instance. */
  const writeExceptions = (e: TruthEvent, before: TruthEvent | null) => {
    const id = idFor(e.uid);
    for (const x of e.exceptions) {
      const old = before?.exceptions.find((b) => b.originalStart === x.originalStart);
      if (old && JSON.stringify(old) === JSON.stringify(x) && before?.title === e.title) continue;
      if (x.status === "cancelled") {
        store.userDelete(account, instanceId(id, x.originalStart));
        continue;
      }
      const duration = Date.parse(e.endAt) - Date.parse(e.startAt);
      store.userEdit(account, instanceId(id, x.originalStart), {
        summary: x.title ?? e.title,
        start: time(x.startAt ?? x.originalStart),
        end: time(x.endAt ?? new Date(Date.parse(x.originalStart) + duration).toISOString()),
      });
    }
  };
  let seededObjects = 0;
  const conciliaUid = (f: Fields) => {
    const tag = f.extendedProperties?.private?.[CONCILIA_PROPERTY];
    return tag ? `${tag}@concilia` : null;
  };

  return {
    available: true,
    key: "google",
    label: "Google Calendar (emulator)",
    account,
    push: "available",
    async seed(events) {
      for (const e of events) {
        store.seedEvent(account, { id: idFor(e.uid), ...seriesFields(e) });
        if (e.rule) writeExceptions(e, null);
      }
      seededObjects = calendar().events.size;
    },
    async connect(db: Db, userId: string, key: Buffer) {
      const { refreshToken } = emu.issueTokens(account, `openid email ${CALENDAR_SCOPE}`);
      return connectEmulatedAccount(db, userId, key, {
        provider: "google",
        account,
        grantedScopes: ["openid", "email", CALENDAR_SCOPE],
        refreshToken,
      });
    },
    async apply(change) {
      if (change.kind === "delete") store.userDelete(account, idFor(change.before.uid));
      else if (change.kind === "create")
        store.seedEvent(account, { id: idFor(change.after.uid), ...seriesFields(change.after) });
      else if (change.kind === "series-exdate")
        store.userEdit(account, idFor(change.after.uid), { recurrence: recurrence(change.after) });
      else if (change.kind === "series-move") writeExceptions(change.after, change.before);
      else if (change.kind === "series-retitle") {
        // Retitling "all events" in the UI carries the new title to the instances that kept the old one.
        store.userEdit(account, idFor(change.after.uid), { summary: change.after.title });
        writeExceptions(change.after, change.before);
      } else {
        const { start, end, summary } = seriesFields(change.after);
        store.userEdit(account, idFor(change.after.uid), { start, end, summary });
      }
    },
    async readAll() {
      const all = [...calendar().events.values()];
      const exceptions = new Map<string, typeof all>();
      for (const e of all) {
        const parent = (e.fields as Fields).recurringEventId;
        if (parent) exceptions.set(parent, [...(exceptions.get(parent) ?? []), e]);
      }
      const out: TruthEvent[] = [];
      for (const e of all) {
        const f = e.fields as Fields;
        if (f.recurringEventId || f.status === "cancelled") continue;
        const startAt = iso(f.start);
        const endAt = iso(f.end);
        const duration = Date.parse(endAt) - Date.parse(startAt);
        const lines = f.recurrence ?? [];
        out.push({
          uid: conciliaUid(f) ?? f.iCalUID ?? `${e.id}@google.com`,
          title: f.summary ?? "",
          startAt,
          endAt,
          status: (f.status as TruthEvent["status"]) ?? "confirmed",
          rule: lines.find((l) => l.startsWith("RRULE:"))?.slice(6) ?? null,
          exdates: lines
            .filter((l) => l.startsWith("EXDATE"))
            .flatMap((l) => l.slice(l.indexOf(":") + 1).split(","))
            .map(fromStamp),
          exceptions: (exceptions.get(e.id) ?? []).map((x) => {
            const xf = x.fields as Fields;
            const originalStart = iso(xf.originalStartTime);
            if (xf.status === "cancelled")
              return { originalStart, status: "cancelled", startAt: null, endAt: null, title: null };
            const s = iso(xf.start);
            const en = iso(xf.end);
            const moved = s !== originalStart || Date.parse(en) - Date.parse(s) !== duration;
            return {
              originalStart,
              status: (xf.status as TruthEvent["status"]) ?? "confirmed",
              startAt: moved ? s : null,
              endAt: moved ? en : null,
              title: xf.summary && xf.summary !== f.summary ? xf.summary : null,
            };
          }),
        });
      }
      return out;
    },
    async titleOf(uid) {
      const id = uid.endsWith("@concilia") ? googleEventIdFor(uid.slice(0, -"@concilia".length)) : idFor(uid);
      const f = calendar().events.get(id)?.fields as Fields | undefined;
      return f && f.status !== "cancelled" ? (f.summary ?? null) : null;
    },
    requests: countingEmulator(emu.counter),
    minimum(w: MinimumInput) {
      // Stored objects: each series, each of its exceptions, each single event.
      return {
        initial: Math.ceil(Math.max(seededObjects, w.initialObjects) / GOOGLE_LIST_PAGE) + w.crmCreates,
        changes: Math.ceil(w.providerChanged / GOOGLE_LIST_PAGE) + w.crmWrites,
        how:
          `events.list (singleEvents=false, showDeleted) in pages of ${GOOGLE_LIST_PAGE} (Google's largest) over the stored objects ` +
          "(a series and each of its edited or cancelled instances is one object; the listing carries them all, so no series needs another read) " +
          "+ one insert, patch or delete per CRM event written; the OAuth token request, the calendar list, the watch channel and idle polls are not part of the minimum",
      };
    },
    dropPushes() {
      relay.setDelivering(false);
    },
    async close() {
      relay.setDelivering(true);
    },
  };
}
