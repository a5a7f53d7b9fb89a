// R-SB-1 as cards: a CRM record with its badge (R-CAT-2), company, owner, open deals, next events,
// planned activities and last (done) activities.
import type { RecordCard } from "../../../shared/api/context.js";
import { eventWarningText } from "../../../shared/event-warnings.js";
import { pickLocale } from "../../../shared/i18n.js";
import { overwrittenLine, overwrittenWords } from "../../../shared/overwritten-words.js";
import { date, dateTime, esc, eventStart, money } from "../format.js";
import type { I18n } from "../i18n.js";
import { field, paragraph, section, warning } from "./widgets.js";

/** Lists are capped so that a busy record never nears the 100-widgets-per-section limit. */
const MAX_ITEMS = 10;

export interface View {
  t: I18n["t"];
  activityType: I18n["activityType"];
  /** The user's locale tag (`es-419`), for dates and amounts. */
  locale: string;
  timeZone: string;
}

export function recordSections(r: RecordCard, v: View): GoogleAppsScript.Card_Service.CardSection[] {
  const { t } = v;
  const summary = section().addWidget(
    CardService.newDecoratedText()
      .setTopLabel(t("category"))
      // R-CAT-2: the sidebars show the short form only.
      .setText(`<b>${esc(r.badge.label)}</b>`),
  );
  if (r.company) summary.addWidget(field(t("company"), r.company.name));
  if (r.title) summary.addWidget(field(t("jobTitle"), r.title));
  summary.addWidget(field(t("owner"), r.owner.name));
  for (const p of r.phones.slice(0, 3)) summary.addWidget(field(t("phone"), p));
  for (const e of r.emails.slice(0, 3)) summary.addWidget(field(t("email"), e));

  const deals = section(t("openDeals"));
  for (const d of r.openDeals.slice(0, MAX_ITEMS)) {
    const w = CardService.newDecoratedText().setText(esc(d.name)).setWrapText(true);
    const amount = money(d.value, d.currency, v.locale);
    deals.addWidget(amount ? w.setBottomLabel(amount) : w);
  }
  if (r.openDeals.length === 0) deals.addWidget(paragraph(t("noOpenDeals")));

  const events = section(t("upcomingEvents"));
  for (const ev of r.nextEvents.slice(0, MAX_ITEMS)) {
    events.addWidget(
      CardService.newDecoratedText()
        .setText(esc(ev.title))
        .setWrapText(true)
        .setBottomLabel(eventStart(ev, v.timeZone, v.locale)),
    );
    // R-CAL-6: how Concilia reads the event, when the user should know (a series read as its first event).
    for (const w of ev.warnings) events.addWidget(warning(eventWarningText(w, pickLocale(v.locale))));
  }
  if (r.nextEvents.length === 0) events.addWidget(paragraph(t("noUpcomingEvents")));

  // What is still to do (with its type and due date) apart from what was done.
  const planned = section(t("plannedActivities"));
  for (const a of r.plannedActivities.slice(0, MAX_ITEMS))
    planned.addWidget(
      CardService.newDecoratedText()
        .setTopLabel(
          `${v.activityType(a.type, a.typeName)} · ${a.dueAt ? dateTime(a.dueAt, v.timeZone, v.locale) : t("noDueDate")}`,
        )
        .setText(esc(a.subject))
        .setWrapText(true),
    );
  if (r.plannedActivities.length === 0) planned.addWidget(paragraph(t("noPlanned")));

  const activities = section(t("lastActivities"));
  for (const a of r.lastActivities.slice(0, MAX_ITEMS))
    activities.addWidget(
      CardService.newDecoratedText()
        .setTopLabel(`${v.activityType(a.type, a.typeName)} · ${date(a.at, v.timeZone, v.locale)}`)
        .setText(esc(a.subject))
        .setWrapText(true),
    );
  if (r.lastActivities.length === 0) activities.addWidget(paragraph(t("noActivities")));

  // R-X-11: what contact sync overwrote, so a value lost to the newer side can be found again.
  const changed = r.overwrittenValues.length ? [section(t("changedBySync"))] : [];
  for (const o of r.overwrittenValues.slice(0, MAX_ITEMS))
    changed[0].addWidget(
      paragraph(
        overwrittenLine(o, overwrittenWords[pickLocale(v.locale)], (iso) =>
          dateTime(iso, v.timeZone, v.locale),
        ),
      ),
    );

  return [summary, ...changed, deals, events, planned, activities];
}
