import { useEffect, useState } from "preact/hooks";
import type { Connection } from "../../../../shared/api/connections.js";
import type { ConnectionSyncStatus } from "../../../../shared/api/sync-status.js";
import { providerWord } from "../../../../shared/sync-words.js";
import type { Api } from "../../api/client.js";
import type { Mailbox } from "../../host/types.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";
import { useAction } from "../useAction.js";
import { CalendarSyncActions } from "./CalendarSyncActions.js";
import { Confirmation } from "./Confirmation.js";
import { OAuthConnect } from "./OAuthConnect.js";
import { SyncEdit } from "./SyncEdit.js";

/** How often the status is read again while the view is open (the first sync's progress moves). */
export const STATUS_REFRESH_MS = 3000;

interface Props {
  api: Api;
  mailbox: Mailbox;
  connection: Connection;
  /** R-ACT-5: the CRM's zone for the user, to compare with the calendar's; null until known. */
  crmTimeZone?: string | null;
  onChanged(notice: string | null): void;
}

/**
 * R-CON-9 / R-CON-10: a connected account: its status in plain words, the first sync's progress,
 * failed items to retry, pause and resume, Edit, and Stop sync after a confirmation; for a synced
 * calendar, its actions and zone warning (CalendarSyncActions).
 */
export function ConnectionStatus({ api, mailbox, connection: c, crmTimeZone = null, onChanged }: Props) {
  const { t, dateTime } = useI18n();
  const [status, setStatus] = useState<ConnectionSyncStatus | null>(null);
  const { busy, error, setError, run: act } = useAction();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    let live = true;
    const read = () =>
      api.sync.status(c.id).then(
        (s) => live && setStatus(s),
        (err) => live && setError(err),
      );
    read();
    const timer = setInterval(read, STATUS_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [c.id]);

  const apply = (action: "pause" | "resume" | "retry-failed") =>
    act(async () => setStatus(await api.sync.act(c.id, action)));
  const stop = () =>
    act(async () => {
      await api.sync.stop(c.id);
      onChanged(t("syncStopped", { address: c.accountAddress }));
    });

  const provider = t(providerWord[c.provider]);
  const words = status && statusWords(status, provider, t);
  return (
    <section class="card connection" aria-labelledby={`conn-${c.id}`}>
      <h3 id={`conn-${c.id}`}>
        {provider} · {c.accountAddress}
      </h3>
      <p class="muted small">
        {t(c.syncs === "email" ? "syncsEmail" : c.syncs === "calendar" ? "syncsCalendar" : "syncsBoth")}
      </p>
      <div role="status" class="sync-status" data-status={status?.status ?? ""}>
        {words && <p class="status-words">{words}</p>}
        {/* Nothing found yet: "Syncing" says it all. */}
        {status?.progress && status.progress.found > 0 && (
          <p class="progress">
            <progress
              value={status.progress.done}
              max={Math.max(status.progress.found, 1)}
              aria-hidden="true"
            />{" "}
            {t("syncProgress", { done: status.progress.done, found: status.progress.found })}
          </p>
        )}
        {status?.lastSyncedAt && (
          <p class="muted small">{t("lastSynced", { when: dateTime(status.lastSyncedAt) })}</p>
        )}
        {status && status.failedItems > 0 && (
          <p class="failed-items">{t("failedItems", { count: status.failedItems })}</p>
        )}
      </div>
      {error !== null && <ErrorNote error={error} />}
      {status?.status === "reconnect_needed" && (c.provider === "google" || c.provider === "microsoft") && (
        <OAuthConnect
          api={api}
          mailbox={mailbox}
          provider={c.provider}
          syncs={c.syncs}
          connectionId={c.id}
          label={t("reconnect")}
          onConnected={() => onChanged(null)}
        />
      )}
      <div class="actions">
        {status && status.failedItems > 0 && (
          <button type="button" disabled={busy} onClick={() => apply("retry-failed")}>
            {t("retryFailed")}
          </button>
        )}
        {status?.status === "paused" || status?.status === "failed" ? (
          <button type="button" disabled={busy} onClick={() => apply("resume")}>
            {t("resumeSync")}
          </button>
        ) : (
          <button type="button" disabled={busy || !status} onClick={() => apply("pause")}>
            {t("pauseSync")}
          </button>
        )}
        <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          {t("editSync")}
        </button>
        <button type="button" class="danger" aria-expanded={confirming} onClick={() => setConfirming(true)}>
          {t("stopSync")}
        </button>
      </div>
      {c.syncs !== "email" && c.provider !== "imap" && (
        <CalendarSyncActions api={api} connection={c} crmTimeZone={crmTimeZone} onRemoved={onChanged} />
      )}
      {editing && (
        <SyncEdit
          api={api}
          mailbox={mailbox}
          connection={c}
          onSaved={(notice) => {
            setEditing(false);
            onChanged(notice);
          }}
        />
      )}
      {confirming && (
        <Confirmation
          id={`stop-${c.id}`}
          text={t("stopConfirm", { address: c.accountAddress })}
          confirmLabel={t("stopSync")}
          busy={busy}
          onConfirm={stop}
          onKeep={() => setConfirming(false)}
        />
      )}
    </section>
  );
}

/** R-CON-10: the status in plain words. */
export function statusWords(
  s: ConnectionSyncStatus,
  provider: string,
  t: ReturnType<typeof useI18n>["t"],
): string {
  if (s.status === "failed") return t("status_failed", { reason: s.lastError?.reason ?? "" });
  return t(`status_${s.status}`, { provider });
}
