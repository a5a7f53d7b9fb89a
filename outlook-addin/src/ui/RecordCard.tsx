import type { ComponentChildren } from "preact";
import type { RecordCard as Card } from "../../../shared/api/context.js";
import { useI18n } from "../i18n/index.js";
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

/** R-SB-1: the sender's record with its deals, events and activities. */
export function RecordCard({ record }: { record: Card }) {
  const { t, dateTime, money } = useI18n();
  return (
    <article class="card" aria-labelledby="record-name" data-record-id={record.id}>
      <header class="card-head">
        <h2 id="record-name">{record.name}</h2>
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
          <li key={e.id}>
            <span>{e.title}</span> <span class="muted">· {dateTime(e.startAt, e.timeZone)}</span>
          </li>
        ))}
      </Section>
      <Section title={t("lastActivities")} empty={t("noActivities")}>
        {record.lastActivities.map((a) => (
          <li key={a.id}>
            <span>{a.subject}</span> <span class="muted">· {dateTime(a.at)}</span>
          </li>
        ))}
      </Section>
    </article>
  );
}
