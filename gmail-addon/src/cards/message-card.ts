// R-SB-1..5: the contextual card of an opened message.
import type { ContextEntry } from "../../../shared/api/context.js";
import { notLoggedWords } from "../../../shared/log-words.js";
import { shortAddress } from "../../../shared/short-address.js";
import { dateTime, esc } from "../format.js";
import { entryName, type MessageState, others, primary } from "../message-state.js";
import { recordSections, type View } from "./record-sections.js";
import { action, button, buttons, header, paragraph, section } from "./widgets.js";

export const MESSAGE_CARD = "message";

/** Log email, or the logged state (by hand, or by mail sync and read-only); if not logged, why (R-MAIL-8). */
function logSection(s: MessageState, v: View) {
  const params = { messageId: s.gmailId };
  const meeting = button(v.t("createMeeting"), action("showCreateMeeting", params));
  const state = s.context.logState;
  if (state.status === "not-logged") {
    const sec = section().addWidget(
      buttons(button(v.t("logEmail"), action("logEmail", params), true), meeting),
    );
    if (state.reason)
      sec.addWidget(paragraph(v.t(notLoggedWords[state.reason], { detail: state.detail ?? "" })));
    return sec;
  }
  const on = v.t("loggedOn", { date: dateTime(state.loggedAt, v.timeZone, v.locale) });
  const by = v.t(state.by === "automatically" ? "loggedAutomatically" : "loggedByHand");
  return section()
    .addWidget(
      CardService.newDecoratedText()
        .setText(`<b>${esc(v.t("logged"))}</b>`)
        .setBottomLabel(`${on} · ${by}`)
        .setWrapText(true),
    )
    .addWidget(buttons(meeting));
}

function unknownSection(p: Extract<ContextEntry, { status: "unknown" }>, s: MessageState, v: View) {
  const params = { messageId: s.gmailId, address: p.address };
  return section(v.t("notInCrm"))
    .addWidget(paragraph(v.t("unknownSender", { name: entryName(p) })))
    .addWidget(
      buttons(
        button(v.t("createContact"), action("showCreateRecord", { ...params, kind: "person" }), true),
        button(v.t("createLead"), action("showCreateRecord", { ...params, kind: "lead" })),
        button(v.t("addToExisting"), action("showAddToExisting", params)),
      ),
    );
}

function participantsSection(s: MessageState, v: View) {
  const list = others(s);
  if (list.length === 0 && s.omitted === 0) return null;
  const sec = section(v.t("otherParticipants"));
  // Two widgets are kept for the note on omitted addresses and headroom (limit: 100 per section).
  for (const p of list.slice(0, 98)) {
    const params = { messageId: s.gmailId, address: p.address };
    const w = CardService.newDecoratedText()
      .setText(esc(entryName(p)))
      .setWrapText(true);
    if (p.status === "known") {
      const company = p.record.company ? ` · ${p.record.company.name}` : "";
      sec.addWidget(
        w
          .setTopLabel(shortAddress(p.address))
          .setBottomLabel(p.record.badge.label + company)
          .setButton(button(v.t("open"), action("openParticipant", params))),
      );
    } else if (p.status === "unknown") {
      sec.addWidget(
        w
          .setTopLabel(shortAddress(p.address))
          .setBottomLabel(v.t("notInCrm"))
          .setButton(button(v.t("add"), action("showCreateRecord", { ...params, kind: "person" }))),
      );
    }
  }
  if (s.omitted > 0) sec.addWidget(paragraph(v.t("moreParticipants", { count: s.omitted })));
  return sec;
}

export function messageCard(s: MessageState, v: View): GoogleAppsScript.Card_Service.Card {
  const p = primary(s);
  const card = CardService.newCardBuilder().setName(MESSAGE_CARD);
  if (!p) card.setHeader(header(v.t("you"), s.subject));
  else if (p.status === "known") {
    const company = p.record.company ? ` · ${p.record.company.name}` : "";
    card.setHeader(header(p.record.name, p.record.badge.label + company));
  } else card.setHeader(header(entryName(p), v.t("notInCrm")));

  card.addSection(logSection(s, v));
  if (p?.status === "known") for (const sec of recordSections(p.record, v)) card.addSection(sec);
  else if (p?.status === "unknown") card.addSection(unknownSection(p, s, v));
  const participants = participantsSection(s, v);
  if (participants) card.addSection(participants);
  return card.build();
}
