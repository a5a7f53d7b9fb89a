import { useState } from "preact/hooks";
import type { Connection } from "../../../../shared/api/connections.js";
import type { Api } from "../../api/client.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";
import { useAction } from "../useAction.js";
import { Confirmation } from "./Confirmation.js";

interface Props {
  api: Api;
  connection: Connection;
  /** The zone the CRM shows the user's times in; null until known. */
  crmTimeZone: string | null;
  onRemoved(notice: string): void;
}

/** The calendar new meetings and activities go to: the chosen one, else the primary one. */
export function targetCalendar(c: Connection) {
  return c.calendars.find((k) => k.id === c.targetCalendarId) ?? c.calendars.find((k) => k.primary) ?? null;
}

/**
 * A connection's calendar sync (seed 002): a warning when the calendar's zone is not the CRM's (R-ACT-5:
 * times stay right, only the clocks differ), "Sync previous activities" (R-ACT-3) and "Remove sync"
 * after a confirmation that says nothing is lost (R-ACT-4).
 */
export function CalendarSyncActions({ api, connection: c, crmTimeZone, onRemoved }: Props) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const act = (what: () => Promise<void>) => {
    setNotice(null);
    return run(what);
  };
  const syncPrevious = () =>
    act(async () => {
      const r = await api.sync.syncPreviousActivities(c.id);
      setNotice(t("previousActivitiesQueued", { count: r.queued }));
    });
  const remove = () =>
    act(async () => {
      await api.sync.removeCalendarSync(c.id);
      onRemoved(t("calendarSyncRemoved", { address: c.accountAddress }));
    });

  const calendarZone = targetCalendar(c)?.timeZone ?? null;
  return (
    <div class="calendar-sync">
      {calendarZone && crmTimeZone && calendarZone !== crmTimeZone && (
        <p class="note warn" role="note">
          {t("zoneMismatch", { calendarZone, crmZone: crmTimeZone })}
        </p>
      )}
      {notice && (
        <p class="note ok" role="status">
          {notice}
        </p>
      )}
      {error !== null && <ErrorNote error={error} />}
      <div class="actions">
        <button type="button" disabled={busy} onClick={syncPrevious}>
          {t("syncPreviousActivities")}
        </button>
        <button type="button" class="danger" aria-expanded={confirming} onClick={() => setConfirming(true)}>
          {t("removeCalendarSync")}
        </button>
      </div>
      {confirming && (
        <Confirmation
          id={`remove-${c.id}`}
          text={t("removeSyncConfirm", { address: c.accountAddress })}
          confirmLabel={t("removeCalendarSync")}
          busy={busy}
          onConfirm={remove}
          onKeep={() => setConfirming(false)}
        />
      )}
    </div>
  );
}
