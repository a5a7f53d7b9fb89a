// R-SB-4/5: create a CRM-owned meeting from Gmail, participants prefilled, in the user's zone.
import type { ContextEntry } from "../../../shared/api/context.js";
import type { I18n } from "../i18n.js";
import { entryName } from "../message-state.js";
import { action, button, buttons, header, paragraph, section } from "./widgets.js";

export const DURATIONS = [15, 30, 45, 60, 90, 120];

export interface MeetingDefaults {
  title: string;
  startMs: number;
  minutes: number;
  timeZone: { id: string };
  participants: ContextEntry[];
}

export function meetingCard(d: MeetingDefaults, params: Record<string, string>, t: I18n["t"]) {
  const form = section()
    .addWidget(CardService.newTextInput().setFieldName("title").setTitle(t("meetingTitle")).setValue(d.title))
    .addWidget(
      CardService.newDateTimePicker()
        .setFieldName("start")
        .setTitle(t("meetingStart"))
        // No fixed offset: Gmail then shows the user's own zone, daylight saving time included.
        .setValueInMsSinceEpoch(d.startMs),
    );
  const duration = CardService.newSelectionInput()
    .setType(CardService.SelectionInputType.DROPDOWN)
    .setFieldName("minutes")
    .setTitle(t("meetingDuration"));
  for (const m of DURATIONS) duration.addItem(t("minutes", { n: m }), String(m), m === d.minutes);
  form.addWidget(duration);
  form.addWidget(paragraph(t("meetingZone", { zone: d.timeZone.id })));

  const people = d.participants.filter((p) => p.status !== "self");
  if (people.length > 0) {
    const checks = CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.CHECK_BOX)
      .setFieldName("participants")
      .setTitle(t("meetingParticipants"));
    // CRM participants are ticked (R-SB-4); addresses not in the CRM are offered but not ticked.
    for (const p of people.slice(0, 90)) {
      const label =
        p.status === "known" ? `${entryName(p)} · ${p.record.badge.label}` : `${entryName(p)} <${p.address}>`;
      checks.addItem(label, p.address, p.status === "known");
    }
    form.addWidget(checks);
  }
  form.addWidget(
    CardService.newTextInput().setFieldName("notes").setTitle(t("meetingNotes")).setMultiline(true),
  );
  form.addWidget(buttons(button(t("createMeeting"), action("createMeeting", params), true)));
  return CardService.newCardBuilder()
    .setHeader(header(t("createMeeting")))
    .addSection(form)
    .build();
}
