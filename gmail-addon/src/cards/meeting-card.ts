// R-SB-4/5: create a CRM-owned meeting from Gmail, participants prefilled, in the zone the user picks
// (their own preselected).
import type { ContextEntry } from "../../../shared/api/context.js";
import { MEETING_REPEATS, repeatWords } from "../../../shared/meeting-form.js";
import { shortAddress } from "../../../shared/short-address.js";
import { timeZoneOptions } from "../../../shared/time-zones.js";
import type { I18n } from "../i18n.js";
import { entryName } from "../message-state.js";
import { action, button, buttons, header, section } from "./widgets.js";

export const DURATIONS = [15, 30, 45, 60, 90, 120];

export interface MeetingDefaults {
  title: string;
  startMs: number;
  minutes: number;
  /** The user's IANA zone: preselected, and the clock the picker shows. */
  timeZone: string;
  participants: ContextEntry[];
}

function input(name: string, title: string, value = "") {
  return CardService.newTextInput().setFieldName(name).setTitle(title).setValue(value);
}

export function meetingCard(d: MeetingDefaults, params: Record<string, string>, t: I18n["t"]) {
  const form = section()
    .addWidget(input("title", t("meetingTitle"), d.title))
    .addWidget(
      CardService.newDateTimePicker()
        .setFieldName("start")
        .setTitle(t("start"))
        // No fixed offset: Gmail shows the user's own zone, daylight saving time included. The time
        // picked there is read as a time on the clock of the zone chosen below.
        .setValueInMsSinceEpoch(d.startMs),
    );
  const duration = CardService.newSelectionInput()
    .setType(CardService.SelectionInputType.DROPDOWN)
    .setFieldName("minutes")
    .setTitle(t("duration"));
  for (const m of DURATIONS) duration.addItem(t("minutes", { n: m }), String(m), m === d.minutes);
  form.addWidget(duration);
  // R-ACT-5: a list, never free text; sorted by city, so typing a city's first letters finds it.
  const zones = CardService.newSelectionInput()
    .setType(CardService.SelectionInputType.DROPDOWN)
    .setFieldName("timeZone")
    .setTitle(t("timeZone"));
  for (const z of timeZoneOptions(d.startMs, [d.timeZone])) zones.addItem(z.label, z.id, z.id === d.timeZone);
  form.addWidget(zones);
  const repeat = CardService.newSelectionInput()
    .setType(CardService.SelectionInputType.DROPDOWN)
    .setFieldName("repeat")
    .setTitle(t("repeat"));
  for (const r of MEETING_REPEATS) repeat.addItem(t(repeatWords[r]), r, r === "none");
  form.addWidget(repeat);
  form.addWidget(input("location", t("location")));
  form.addWidget(input("onlineMeetingUrl", t("onlineMeetingUrl")).setHint("https://…"));

  const people = d.participants.filter((p) => p.status !== "self");
  if (people.length > 0) {
    // One checkbox per person with the person as its label (CHECK_BOX items render box and text together).
    const checks = CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.CHECK_BOX)
      .setFieldName("participants")
      .setTitle(t("attendees"));
    // CRM participants are ticked (R-SB-4); addresses not in the CRM are offered but not ticked.
    for (const p of people.slice(0, 90)) {
      const name = entryName(p);
      const label =
        p.status === "known"
          ? `${name} · ${p.record.badge.label}`
          : name === p.address
            ? shortAddress(p.address)
            : `${name} <${shortAddress(p.address)}>`;
      checks.addItem(label, p.address, p.status === "known");
    }
    form.addWidget(checks);
  }
  form.addWidget(input("notes", t("meetingNotes")).setMultiline(true));
  form.addWidget(buttons(button(t("createMeeting"), action("createMeeting", params), true)));
  return CardService.newCardBuilder()
    .setHeader(header(t("createMeeting")))
    .addSection(form)
    .build();
}
