import { useId, useState } from "preact/hooks";
import type { Api } from "../api/client.js";
import { useI18n } from "../i18n/index.js";
import { ErrorNote } from "./ErrorNote.js";
import { Field } from "./Field.js";
import { dateIn, zonedIso } from "./zoned-time.js";

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

/** R-SB-4: a CRM-owned event with the message's CRM participants prefilled, in the mailbox's zone. */
export function MeetingForm({ api, subject, invitees, timeZone, onDone }: Props) {
  const { t, dateTime } = useI18n();
  const [title, setTitle] = useState(subject.replace(/^((re|fw|fwd|r|rv|i)\s*:\s*)+/i, ""));
  const [date, setDate] = useState(dateIn(timeZone, 1));
  const [time, setTime] = useState("10:00");
  const [minutes, setMinutes] = useState(30);
  const [zone, setZone] = useState(timeZone);
  const [chosen, setChosen] = useState(() => new Set(invitees.map((i) => i.email)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const durationId = useId();

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const startAt = zonedIso(date, time, zone);
      const event = await api.createEvent({
        title,
        startAt,
        endAt: zonedIso(date, time, zone, minutes),
        timeZone: zone,
        attendees: invitees
          .filter((i) => chosen.has(i.email))
          .map((i) => ({ email: i.email, name: i.name || null })),
      });
      onDone(t("meetingCreated", { title: event.title, when: dateTime(event.startAt) }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const toggle = (email: string) => {
    const next = new Set(chosen);
    if (next.has(email)) next.delete(email);
    else next.add(email);
    setChosen(next);
  };

  return (
    <form class="form card" onSubmit={submit} aria-label={t("createMeeting")}>
      <h2>{t("createMeeting")}</h2>
      <Field label={t("meetingTitle")} name="title" value={title} onInput={setTitle} required />
      <div class="row">
        <Field label={t("date")} name="date" type="date" value={date} onInput={setDate} required />
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
      <Field label={t("timeZone")} name="timeZone" value={zone} onInput={setZone} required />
      <fieldset>
        <legend>{t("attendees")}</legend>
        {invitees.length === 0 && <p class="muted">{t("noAttendees")}</p>}
        {invitees.map((i) => (
          <label key={i.email} class="check">
            <input type="checkbox" checked={chosen.has(i.email)} onChange={() => toggle(i.email)} />
            <span>
              {i.name || i.email} <span class="muted">{i.name ? `<${i.email}>` : ""}</span>
            </span>
          </label>
        ))}
      </fieldset>
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
