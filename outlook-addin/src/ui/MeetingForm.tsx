import { useId, useState } from "preact/hooks";
import {
  isHttpsUrl,
  MEETING_REPEATS,
  type MeetingProblem,
  type MeetingRepeat,
  meetingMessages,
  meetingProblemsAt,
  recurrenceOfRepeat,
  repeatWords,
} from "../../../shared/meeting-form.js";
import { proposedMeetingStart } from "../../../shared/meeting-start.js";
import { shortAddress } from "../../../shared/short-address.js";
import { isTimeZone, zonedInstant, zonedIso } from "../../../shared/zoned-time.js";
import { type Api, ApiProblem } from "../api/client.js";
import { useI18n } from "../i18n/index.js";
import { ErrorNote } from "./ErrorNote.js";
import { Field } from "./Field.js";
import { TimeZoneField } from "./TimeZoneField.js";

export interface Invitee {
  email: string;
  name: string;
}

interface Props {
  api: Api;
  subject: string;
  invitees: Invitee[];
  timeZone: string;
  onDone(message: string | null): void;
}

const durations = [15, 30, 45, 60, 90, 120];

interface Draft {
  title: string;
  date: string;
  time: string;
  zone: string;
  link: string;
}

/** What the pane can tell before asking the server; limits (lengths, attendees) are the server's to judge. */
function problemsOf(d: Draft): MeetingProblem[] {
  const found: MeetingProblem[] = [];
  if (!d.title.trim()) found.push("title");
  if (!/^\d{4}-\d\d-\d\d$/.test(d.date) || !/^\d\d:\d\d$/.test(d.time)) found.push("start");
  if (!isTimeZone(d.zone)) found.push("timeZone");
  if (d.link.trim() && !isHttpsUrl(d.link.trim())) found.push("onlineMeetingUrl");
  return found;
}

/** R-SB-4: a CRM-owned event with the message's CRM participants prefilled, in the mailbox's zone. */
export function MeetingForm({ api, subject, invitees, timeZone, onDone }: Props) {
  const { t, locale, dateTime } = useI18n();
  const [start] = useState(() => proposedMeetingStart(Date.now(), timeZone));
  const [title, setTitle] = useState(subject.replace(/^((re|fw|fwd|r|rv|i)\s*:\s*)+/i, ""));
  const [date, setDate] = useState(start.date);
  const [time, setTime] = useState(start.time);
  const [minutes, setMinutes] = useState(30);
  const [zone, setZone] = useState(timeZone);
  const [repeat, setRepeat] = useState<MeetingRepeat>("none");
  const [location, setLocation] = useState("");
  const [link, setLink] = useState("");
  const [chosen, setChosen] = useState(() => new Set(invitees.map((i) => i.email)));
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<MeetingProblem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const durationId = useId();
  const repeatId = useId();
  const messages = meetingMessages[locale];
  const problem = (p: MeetingProblem) => (problems.includes(p) ? messages[p] : undefined);
  const draft = { title, date, time, zone, link };
  const at = problemsOf(draft).includes("start") ? start.instant : zonedInstant(date, time, zone);

  function show(found: MeetingProblem[], form: HTMLFormElement) {
    setProblems(found);
    // The first field in trouble takes the focus, so its message is read out with it.
    requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
  }

  async function submit(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const found = problemsOf(draft);
    setError(null);
    if (found.length > 0) return show(found, form);
    setProblems([]);
    setBusy(true);
    try {
      const event = await api.createEvent({
        title: title.trim(),
        startAt: zonedIso(date, time, zone),
        endAt: zonedIso(date, time, zone, minutes),
        timeZone: zone,
        location: location.trim() || null,
        onlineMeetingUrl: link.trim() || null,
        recurrence: recurrenceOfRepeat(repeat),
        attendees: invitees
          .filter((i) => chosen.has(i.email))
          .map((i) => ({ email: i.email, name: i.name || null })),
      });
      onDone(t("meetingCreated", { title: event.title, when: dateTime(event.startAt, event.timeZone) }));
    } catch (err) {
      setBusy(false);
      // Refused values are named by field path: each gets the pane's own message beside its field.
      if (err instanceof ApiProblem && err.errors.length > 0 && err.status < 500)
        show(meetingProblemsAt(err.errors.map((x) => x.path)), form);
      else setError(err);
    }
  }

  const toggle = (email: string) => {
    const next = new Set(chosen);
    if (next.has(email)) next.delete(email);
    else next.add(email);
    setChosen(next);
  };

  return (
    <form class="form card" onSubmit={submit} aria-label={t("createMeeting")} noValidate>
      <h2>{t("createMeeting")}</h2>
      <Field
        label={t("meetingTitle")}
        name="title"
        value={title}
        onInput={setTitle}
        required
        error={problem("title")}
      />
      <div class="row">
        <Field
          label={t("date")}
          name="date"
          type="date"
          value={date}
          onInput={setDate}
          required
          error={problem("start")}
        />
        <Field label={t("start")} name="time" type="time" value={time} onInput={setTime} required />
      </div>
      <div class="field">
        <label for={durationId}>{t("duration")}</label>
        <select
          id={durationId}
          name="duration"
          value={String(minutes)}
          onChange={(e) => setMinutes(Number((e.currentTarget as HTMLSelectElement).value))}
        >
          {durations.map((d) => (
            <option key={d} value={String(d)}>
              {t("minutes", { n: d })}
            </option>
          ))}
        </select>
      </div>
      <TimeZoneField
        value={zone}
        onChange={setZone}
        at={at}
        include={[timeZone]}
        error={problem("timeZone")}
      />
      <div class="field">
        <label for={repeatId}>{t("repeat")}</label>
        <select
          id={repeatId}
          name="repeat"
          value={repeat}
          aria-invalid={problem("repeat") ? true : undefined}
          onChange={(e) => setRepeat((e.currentTarget as HTMLSelectElement).value as MeetingRepeat)}
        >
          {MEETING_REPEATS.map((r) => (
            <option key={r} value={r}>
              {t(repeatWords[r])}
            </option>
          ))}
        </select>
        {problem("repeat") && <p class="field-error">{problem("repeat")}</p>}
      </div>
      <Field
        label={t("location")}
        name="location"
        value={location}
        onInput={setLocation}
        error={problem("location")}
      />
      <Field
        label={t("onlineMeetingUrl")}
        name="onlineMeetingUrl"
        type="url"
        placeholder="https://"
        value={link}
        onInput={setLink}
        error={problem("onlineMeetingUrl")}
      />
      <fieldset>
        <legend>{t("attendees")}</legend>
        {invitees.length === 0 && <p class="muted">{t("noAttendees")}</p>}
        {invitees.map((i) => (
          <label key={i.email} class="check">
            <input type="checkbox" checked={chosen.has(i.email)} onChange={() => toggle(i.email)} />
            <span>
              {i.name || shortAddress(i.email)}{" "}
              <span class="muted" title={i.email}>
                {i.name ? `<${shortAddress(i.email)}>` : ""}
              </span>
            </span>
          </label>
        ))}
        {problem("attendees") && <p class="field-error">{problem("attendees")}</p>}
      </fieldset>
      {problem("other") && (
        <p role="alert" class="note error">
          {problem("other")}
        </p>
      )}
      {error !== null && <ErrorNote error={error} />}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("saving") : t("save")}
        </button>
        <button type="button" onClick={() => onDone(null)} disabled={busy}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}
