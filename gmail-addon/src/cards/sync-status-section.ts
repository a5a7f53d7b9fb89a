// R-CON-9 / R-CON-10: one connected account on the sync card: its status in plain words, the first
// sync's progress, failed items, and the actions on it. Cards do not poll, hence Refresh.
import type { Connection } from "../../../shared/api/connections.js";
import type { ConnectionSyncStatus } from "../../../shared/api/sync-status.js";
import { providerWord } from "../../../shared/sync-words.js";
import type { I18n } from "../i18n.js";
import { action, button, buttons, field, paragraph, section, warning } from "./widgets.js";

export function statusWords(s: ConnectionSyncStatus, provider: string, t: I18n["t"]): string {
  if (s.status === "failed") return t("status_failed", { reason: s.lastError?.reason ?? "" });
  return t(`status_${s.status}`, { provider });
}

/** The calendar new meetings and activities go to: the chosen one, else the primary one. */
const targetCalendar = (c: Connection) =>
  c.calendars.find((k) => k.id === c.targetCalendarId) ?? c.calendars.find((k) => k.primary) ?? null;

/** `crmTimeZone`: the zone the CRM shows the user's times in, to compare with the calendar's (R-ACT-5). */
export function statusSection(
  c: Connection,
  s: ConnectionSyncStatus | null,
  t: I18n["t"],
  when: (iso: string) => string,
  crmTimeZone: string | null = null,
) {
  const provider = t(providerWord[c.provider]);
  const p = { id: c.id, address: c.accountAddress };
  const syncs = t(
    c.syncs === "email" ? "syncsEmail" : c.syncs === "calendar" ? "syncsCalendar" : "syncsBoth",
  );
  const x = section(`${provider} · ${c.accountAddress}`).addWidget(field(t("whatToSync"), syncs));
  if (s) {
    x.addWidget(paragraph(statusWords(s, provider, t)));
    if (s.progress && s.progress.found > 0)
      x.addWidget(paragraph(t("syncProgress", { done: s.progress.done, found: s.progress.found })));
    if (s.lastSyncedAt) x.addWidget(paragraph(t("lastSynced", { when: when(s.lastSyncedAt) })));
    if (s.failedItems > 0)
      x.addWidget(paragraph(t("failedItems", { count: s.failedItems }))).addWidget(
        buttons(button(t("retryFailed"), action("syncRetryFailed", p))),
      );
    if (s.status === "reconnect_needed" && (c.provider === "google" || c.provider === "microsoft"))
      x.addWidget(
        buttons(
          button(
            t("reconnect"),
            action("syncStartOAuth", { provider: c.provider, syncs: c.syncs, connectionId: c.id }),
            true,
          ),
        ),
      );
  }
  const paused = s?.status === "paused" || s?.status === "failed";
  if (c.syncs !== "email" && c.provider !== "imap") {
    // R-ACT-5: times stay right whatever the two zones; where they differ the user is told, not stopped.
    const calendarZone = targetCalendar(c)?.timeZone ?? null;
    if (calendarZone && crmTimeZone && calendarZone !== crmTimeZone)
      x.addWidget(warning(t("zoneMismatch", { calendarZone, crmZone: crmTimeZone })));
    // R-ACT-3, R-ACT-4
    x.addWidget(
      buttons(
        button(t("syncPreviousActivities"), action("syncPreviousActivities", p)),
        button(t("removeCalendarSync"), action("syncConfirmRemoveCalendar", p)),
      ),
    );
  }
  return x
    .addWidget(
      buttons(
        button(t("refreshStatus"), action("syncRefresh")),
        paused
          ? button(t("resumeSync"), action("syncResume", p))
          : button(t("pauseSync"), action("syncPause", p)),
      ),
    )
    .addWidget(
      buttons(
        button(t("editSync"), action("syncEdit", p)),
        button(t("stopSync"), action("syncConfirmStop", p)),
      ),
    );
}
