import { useEffect, useRef, useState } from "preact/hooks";
import type { Connection } from "../../../../shared/api/connections.js";
import type { Api } from "../../api/client.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const confirmFirst = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmFirst.current?.focus();
  }, [confirming]);

  async function act(what: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await what();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
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
        <div role="alertdialog" aria-labelledby={`remove-${c.id}`} class="note confirm">
          <p id={`remove-${c.id}`}>{t("removeSyncConfirm", { address: c.accountAddress })}</p>
          <div class="actions">
            <button type="button" class="danger" disabled={busy} onClick={remove} ref={confirmFirst}>
              {t("removeCalendarSync")}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t("keepSyncing")}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
