// The calendar benchmark's Outlook calendar: the repository's Graph emulator (served over HTTP in the
// bench's process), one mailbox and its default calendar. The bench seeds and changes it as Outlook
// would (a series master with its pattern, an edited occurrence stored on the master as an exception,
// a deleted one as a removed slot), reads the store back directly and counts the engine's requests
// from the emulator's counter. Push: the engine's subscriptions on the calendar's events, which the
// emulator notifies through the bench's relay (bench/_calendar-push.ts).
//
// Graph cannot tell an EXDATE from a cancelled occurrence (both are a removed slot, listed in
// `cancelledOccurrences`), and its weekly pattern always names its days: the truth is compared in that
// shape on both sides (`normalize`), so the audit stays exact about everything Graph can hold.
import type { GraphEvent } from "../emulators/microsoft/calendar-store.js";
import type { MicrosoftEmulator } from "../emulators/microsoft/emulator.js";
import type { Db } from "../server/db/index.js";
import { GRAPH_CALENDAR_PAGE } from "../server/providers/graph/calendar-delta.js";
import { CONCILIA_ID } from "../server/providers/graph/calendar-tag.js";
import type { MinimumInput, ProviderDriver } from "./_calendar-driver.js";
import { connectEmulatedAccount, countingEmulator } from "./_calendar-emulated.js";
import type { PushRelay } from "./_calendar-push.js";
import { canonicalRule, type TruthEvent } from "./_calendar-truth.js";

/** Requests one JSON $batch may carry. */
export const GRAPH_BATCH = 20;
const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const BYDAY = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

const time = (iso: string) => ({ dateTime: iso.slice(0, 19), timeZone: "UTC" });
const at = (ms: number) => new Date(ms).toISOString();

/** A truth event in the shape Graph can hold: cancelled occurrences are removed slots, days named. */
export function graphShape(e: TruthEvent): TruthEvent {
  if (!e.rule) return e;
  const parts = new Map(
    (canonicalRule(e.rule) ?? "").split(";").map((p) => p.split("=") as [string, string]),
  );
  if (parts.get("FREQ") === "WEEKLY" && !parts.has("BYDAY"))
    parts.set("BYDAY", BYDAY[new Date(e.startAt).getUTCDay()]);
  const cancelled = e.exceptions.filter((x) => x.status === "cancelled").map((x) => x.originalStart);
  return {
    ...e,
    rule: canonicalRule([...parts].map(([k, v]) => `${k}=${v}`).join(";")),
    exdates: [...new Set([...e.exdates, ...cancelled].map((s) => new Date(s).toISOString()))].sort(),
    exceptions: e.exceptions.filter((x) => x.status !== "cancelled"),
  };
}

export function graphDriver(emu: MicrosoftEmulator, relay: PushRelay): ProviderDriver {
  const account = "calendar-graph@bench.test";
  emu.addAccount(account, "Calendar Graph");
  const store = emu.calendars(account);
  const calendarId = store.defaultCalendar.id;
  /** Bench UID → Graph event id, and Graph's iCalUId → bench UID. */
  const idOf = new Map<string, string>();
  const benchUidOf = new Map<string, string>();
  let seededRows = 0;
  const tagOf = (e: GraphEvent) => e.extended.get(CONCILIA_ID.toLowerCase())?.value ?? null;
  const masterOf = (uid: string) => store.events.get(idOf.get(uid) ?? "");

  const body = (e: TruthEvent) => {
    const start = new Date(e.startAt);
    return {
      subject: e.title,
      start: time(e.startAt),
      end: time(e.endAt),
      ...(e.rule
        ? {
            recurrence: {
              pattern: { type: "weekly", interval: 1, daysOfWeek: [DAYS[start.getUTCDay()]] },
              range: {
                type: "numbered",
                startDate: e.startAt.slice(0, 10),
                numberOfOccurrences: Number(/COUNT=(\d+)/.exec(e.rule)?.[1] ?? 10),
              },
            },
          }
        : {}),
    };
  };
  /** Writes a series' removed slots and edited occurrences that differ from `before`. */
  const writeSlots = (e: TruthEvent, before: TruthEvent | null) => {
    const master = masterOf(e.uid)!;
    const want = graphShape(e);
    const had = before ? graphShape(before) : null;
    for (const d of want.exdates) {
      const t = Date.parse(d);
      if (!master.cancelled.has(t)) store.userDelete(store.occurrenceId(master, t));
    }
    const duration = Date.parse(e.endAt) - Date.parse(e.startAt);
    for (const x of want.exceptions) {
      const old = had?.exceptions.find((b) => b.originalStart === x.originalStart);
      if (old && JSON.stringify(old) === JSON.stringify(x)) continue;
      const t = Date.parse(x.originalStart);
      store.userEdit(store.occurrenceId(master, t), {
        ...(x.title ? { subject: x.title } : {}),
        ...(x.startAt
          ? { start: time(x.startAt), end: time(x.endAt ?? at(Date.parse(x.startAt) + duration)) }
          : {}),
      });
    }
  };
  const create = (e: TruthEvent) => {
    const made = store.seedEvent(body(e));
    idOf.set(e.uid, made.id);
    benchUidOf.set(made.iCalUId, e.uid);
    if (e.rule) writeSlots(e, null);
  };

  return {
    available: true,
    key: "microsoft",
    label: "Graph calendars (emulator)",
    account,
    push: "available",
    normalize: graphShape,
    fromProviderUid: (uid) => benchUidOf.get(uid) ?? uid,
    toProviderUid: (uid) => masterOf(uid)?.iCalUId ?? uid,
    async seed(events) {
      for (const e of events) create(e);
      seededRows = [...store.events.values()].reduce((n, e) => n + store.views(e).length, 0);
    },
    async connect(db: Db, userId: string, key: Buffer) {
      const scope = "openid offline_access Calendars.ReadWrite";
      const { refreshToken } = emu.issueTokens(account, scope);
      return connectEmulatedAccount(db, userId, key, {
        provider: "microsoft",
        account,
        grantedScopes: scope.split(" "),
        refreshToken,
      });
    },
    async apply(change) {
      if (change.kind === "create") return create(change.after);
      const id = idOf.get(change.before.uid)!;
      if (change.kind === "delete") store.userDelete(id);
      else if (change.kind === "series-exdate" || change.kind === "series-move")
        writeSlots(change.after, change.before);
      else if (change.kind === "series-retitle") store.userEdit(id, { subject: change.after.title });
      else {
        const { subject, start, end } = body(change.after);
        store.userEdit(id, { subject, start, end });
      }
    },
    async readAll() {
      const out: TruthEvent[] = [];
      for (const e of store.events.values()) {
        if (e.calendarId !== calendarId) continue;
        const tag = tagOf(e);
        const title = String(e.fields.subject ?? "");
        const duration = e.end - e.start;
        const p = e.recurrence;
        const rule = p
          ? [
              `FREQ=${p.pattern.type === "weekly" ? "WEEKLY" : "DAILY"}`,
              ...(p.pattern.interval > 1 ? [`INTERVAL=${p.pattern.interval}`] : []),
              ...(p.pattern.daysOfWeek?.length
                ? [`BYDAY=${p.pattern.daysOfWeek.map((d) => BYDAY[DAYS.indexOf(d.toLowerCase())]).join(",")}`]
                : []),
              ...(p.range.type === "numbered" ? [`COUNT=${p.range.numberOfOccurrences}`] : []),
            ].join(";")
          : null;
        out.push({
          uid: tag ? `${tag}@concilia` : (benchUidOf.get(e.iCalUId) ?? e.iCalUId),
          title,
          startAt: at(e.start),
          endAt: at(e.end),
          status: e.fields.isCancelled ? "cancelled" : "confirmed",
          rule: canonicalRule(rule),
          exdates: [...e.cancelled].map(at).sort(),
          exceptions: [...e.exceptions].map(([t, x]) => {
            const moved = x.start !== t || x.end - x.start !== duration;
            const subject = x.fields.subject as string | undefined;
            return {
              originalStart: at(t),
              status: "confirmed",
              startAt: moved ? at(x.start) : null,
              endAt: moved ? at(x.end) : null,
              title: subject && subject !== title ? subject : null,
            };
          }),
        });
      }
      return out;
    },
    async titleOf(uid) {
      if (uid.endsWith("@concilia")) {
        const crmId = uid.slice(0, -"@concilia".length);
        for (const e of store.events.values()) if (tagOf(e) === crmId) return String(e.fields.subject ?? "");
        return null;
      }
      const e = masterOf(uid);
      return e ? String(e.fields.subject ?? "") : null;
    },
    requests: countingEmulator(emu.counter),
    minimum(w: MinimumInput) {
      const rows = Math.max(seededRows, w.initialObjects);
      const series = [...store.events.values()].filter((e) => e.recurrence && !tagOf(e)).length;
      return {
        initial: Math.ceil(rows / GRAPH_CALENDAR_PAGE) + Math.ceil(series / GRAPH_BATCH) + w.crmCreates,
        changes: 1 + Math.ceil(w.providerChanged / GRAPH_BATCH) + w.crmWrites,
        how:
          `calendarView delta in pages of ${GRAPH_CALENDAR_PAGE} rows (a single event or one occurrence of a series is a row; ` +
          `a single event's row carries the event) + each series master with its cancelled and edited occurrences read once, ${GRAPH_BATCH} to a JSON $batch ` +
          `+ one POST, PATCH or DELETE per CRM event written; for the changes, one delta page + each changed item read, ${GRAPH_BATCH} to a $batch, + one write per CRM change. ` +
          "The OAuth token request, the calendar list, the subscription and idle polls are not part of the minimum",
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
