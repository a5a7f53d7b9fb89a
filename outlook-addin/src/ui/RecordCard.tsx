import type { ComponentChildren } from "preact";
import type { RecordCard as Card } from "../../../shared/api/context.js";
import { eventWarningText } from "../../../shared/event-warnings.js";
import { overwrittenLine, overwrittenWords } from "../../../shared/overwritten-words.js";
import { useI18n } from "../i18n/index.js";
import { activityTypeName } from "./activity-type.js";
import { Badge } from "./Badge.js";

function Section({
  title,
  empty,
  children,
}: {
  title: string;
  empty: string;
  children: ComponentChildren[];
}) {
  return (
    <section class="section" aria-label={title}>
      <h3>{title}</h3>
      {children.length ? <ul>{children}</ul> : <p class="muted">{empty}</p>}
    </section>
  );
}

/**
 * R-SB-1: the sender's record with its deals, events and activities: what is planned (with its type
 * and due date) apart from what was done. `headingId` differs where a second card can be on screen.
 */
export function RecordCard({ record, headingId = "record-name" }: { record: Card; headingId?: string }) {
  const { t, locale, dateTime, eventStart, money } = useI18n();
  const typeOf = (a: { type: string; typeName: string }) => activityTypeName(t, a.type, a.typeName);
  return (
    <article class="card" aria-labelledby={headingId} data-record-id={record.id}>
      <header class="card-head">
        <h2 id={headingId}>{record.name}</h2>
        <Badge badge={record.badge} />
      </header>
      <dl class="facts">
        {record.company && (
          <>
            <dt>{t("company")}</dt>
            <dd>{record.company.name}</dd>
          </>
        )}
        {record.title && (
          <>
            <dt>{t("role")}</dt>
            <dd>{record.title}</dd>
          </>
        )}
        <dt>{t("owner")}</dt>
        <dd>{record.owner.name}</dd>
        {record.phones.length > 0 && (
          <>
            <dt>{t("phone")}</dt>
            <dd>
              {record.phones.map((p) => (
                <a key={p} href={`tel:${p.replace(/\s+/g, "")}`}>
                  {p}
                </a>
              ))}
            </dd>
          </>
        )}
      </dl>
      {record.overwrittenValues.length > 0 && (
        // R-X-11: what contact sync overwrote, so a value lost to the newer side can be found again.
        <section class="section sync-changes" aria-label={overwrittenWords[locale].changedBySync}>
          <h3>{overwrittenWords[locale].changedBySync}</h3>
          <ul>
            {record.overwrittenValues.map((v) => (
              <li key={`${v.field}~${v.at}`} data-field={v.field}>
                {overwrittenLine(v, overwrittenWords[locale], dateTime)}
              </li>
            ))}
          </ul>
        </section>
      )}
      <Section title={t("openDeals")} empty={t("noOpenDeals")}>
        {record.openDeals.map((d) => (
          <li key={d.id}>
            <span>{d.name}</span>
            {d.value !== null && <span class="muted"> · {money(d.value, d.currency)}</span>}
          </li>
        ))}
      </Section>
      <Section title={t("upcomingEvents")} empty={t("noUpcomingEvents")}>
        {record.nextEvents.map((e) => (
          <li key={`${e.id}~${e.originalStart ?? ""}`}>
            <span>{e.title}</span> <span class="muted">· {eventStart(e)}</span>
            {/* R-CAL-6: how Concilia reads the event, when the user should know. */}
            {e.warnings.map((w) => (
              <p key={w.code} class="note warn event-warning" data-code={w.code}>
                {eventWarningText(w, locale)}
              </p>
            ))}
          </li>
        ))}
      </Section>
      <Section title={t("plannedActivities")} empty={t("noPlannedActivities")}>
        {record.plannedActivities.map((a) => (
          <li key={a.id} class="activity planned" data-type={a.type}>
            <span class="activity-type">{typeOf(a)}</span> · <span>{a.subject}</span>{" "}
            <span class="muted">· {a.dueAt ? dateTime(a.dueAt) : t("noDueDate")}</span>
          </li>
        ))}
      </Section>
      <Section title={t("lastActivities")} empty={t("noActivities")}>
        {record.lastActivities.map((a) => (
          <li key={a.id} class="activity" data-type={a.type}>
            <span class="activity-type">{typeOf(a)}</span> · <span>{a.subject}</span>{" "}
            <span class="muted">· {dateTime(a.at)}</span>
          </li>
        ))}
      </Section>
    </article>
  );
}
