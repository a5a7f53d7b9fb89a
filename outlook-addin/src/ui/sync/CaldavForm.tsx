import { useState } from "preact/hooks";
import type { CaldavTestResult, ConnectionSyncs } from "../../../../shared/api/connections.js";
import {
  type CalendarAccountMessageKey,
  calendarAccountMessages,
} from "../../../../shared/calendar-account-messages.js";
import type { Api } from "../../api/client.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";
import { Field } from "../Field.js";
import { useAction } from "../useAction.js";
import { PasswordField, Refusal, TestThenSave, useTestedAccount } from "./TestedAccountForm.js";

interface Props {
  api: Api;
  syncs: ConnectionSyncs;
  onConnected(address: string): void;
}

/**
 * R-CON-3, R-CON-6: an Other CalDAV server (Nextcloud, Fastmail, Radicale…): server URL, username and
 * app password, tested before saving: green with the calendars found, or red naming the step that
 * failed (name lookup, connection, discovery, login, calendar home). R-CON-4: calendars only.
 */
export function CaldavForm({ api, syncs, onConnected }: Props) {
  const { t, locale } = useI18n();
  const [v, setV] = useState({ serverUrl: "", username: "", password: "" });
  const { busy, error, run } = useAction();
  const set = (patch: Partial<typeof v>) => setV({ ...v, ...patch });
  const account = { serverUrl: v.serverUrl.trim(), username: v.username.trim(), password: v.password };
  const { result, green, remember } = useTestedAccount<CaldavTestResult>(account);
  const refusal = syncs !== "calendar" ? t("caldavCalendarOnly") : null;
  const complete = Boolean(account.serverUrl && account.username && account.password);
  const test = () => run(async () => remember(await api.sync.testCaldav(account)));
  const save = (e: Event) => {
    e.preventDefault();
    run(async () => {
      const c = await api.sync.create({ provider: "caldav", syncs: "calendar", ...account });
      onConnected(c.accountAddress);
    });
  };
  const messages = calendarAccountMessages[locale];

  return (
    <form class="form caldav-form" onSubmit={save}>
      <p class="muted small" id="caldav-hint">
        {t("caldavHint")}
      </p>
      <Refusal text={refusal} />
      <Field
        label={t("caldavServerUrl")}
        name="serverUrl"
        type="url"
        value={v.serverUrl}
        describedBy="caldav-hint"
        onInput={(x) => set({ serverUrl: x })}
      />
      <Field
        label={t("caldavUsername")}
        name="username"
        value={v.username}
        autoComplete="off"
        onInput={(x) => set({ username: x })}
      />
      <PasswordField
        label={t("caldavPassword")}
        value={v.password}
        hintId="caldav-hint"
        onInput={(x) => set({ password: x })}
      />
      <div role="status" class="test-result">
        {result?.ok && (
          <p class="note ok">
            {t("caldavTestOk", { calendars: result.calendars.map((c) => c.name).join(", ") })}
          </p>
        )}
        {result && !result.ok && (
          <p class="note error" data-step={result.step}>
            {t("testFailed", {
              step: t(`caldavStep_${result.step}`),
              message: messages[result.messageKey as CalendarAccountMessageKey] ?? result.message,
            })}
          </p>
        )}
      </div>
      {error !== null && <ErrorNote error={error} />}
      <TestThenSave busy={busy} complete={complete} green={green} refusal={refusal} onTest={test} />
    </form>
  );
}
