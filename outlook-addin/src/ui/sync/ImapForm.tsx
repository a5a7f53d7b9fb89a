import { useState } from "preact/hooks";
import type { ConnectionSyncs, ImapTestResult, ImapTls } from "../../../../shared/api/connections.js";
import type { Api } from "../../api/client.js";
import { useI18n } from "../../i18n/index.js";
import { ErrorNote } from "../ErrorNote.js";
import { Field } from "../Field.js";
import { useAction } from "../useAction.js";
import { refusalText } from "./refusal.js";
import { PasswordField, Refusal, TestThenSave, useTestedAccount } from "./TestedAccountForm.js";

interface Props {
  api: Api;
  syncs: ConnectionSyncs;
  defaultAddress: string;
  onConnected(address: string): void;
}

/**
 * R-CON-6: a custom IMAP server with the mail account's own login (not Concilia's), tested before it is
 * saved: green, or red naming the step that failed. R-CON-4 and R-CON-5: calendars and POP3 are refused
 * here, before any request, with the reason.
 */
export function ImapForm({ api, syncs, defaultAddress, onConnected }: Props) {
  const { t } = useI18n();
  const [v, setV] = useState({
    accountAddress: defaultAddress,
    host: "",
    port: "993",
    tls: "implicit" as ImapTls,
    protocol: "imap" as "imap" | "pop3",
    username: defaultAddress,
    password: "",
  });
  const { busy, error, run } = useAction();
  const set = (patch: Partial<typeof v>) => setV({ ...v, ...patch });
  const account = {
    host: v.host.trim(),
    port: Number(v.port),
    tls: v.tls,
    username: v.username.trim(),
    password: v.password,
  };
  const { result, green, remember } = useTestedAccount<ImapTestResult>(account);
  const refusal = v.protocol === "pop3" ? t("pop3Refused") : syncs !== "email" ? t("imapMailOnly") : null;
  const complete = Boolean(account.host && account.username && account.password && v.accountAddress.trim());
  const test = () => run(async () => remember(await api.sync.test(account)));
  const save = (e: Event) => {
    e.preventDefault();
    run(async () => {
      const c = await api.sync.create({
        provider: "imap",
        protocol: "imap",
        accountAddress: v.accountAddress.trim(),
        syncs: "email",
        backfillDays: 30,
        ...account,
      });
      onConnected(c.accountAddress);
    });
  };

  return (
    <form class="form imap-form" onSubmit={save}>
      <p class="muted small" id="imap-hint">
        {t("imapCredentialsHint")}
      </p>
      <div class="field">
        <label for="imap-protocol">{t("protocol")}</label>
        <select
          id="imap-protocol"
          name="protocol"
          value={v.protocol}
          onChange={(e) => set({ protocol: e.currentTarget.value as "imap" | "pop3" })}
        >
          <option value="imap">IMAP</option>
          <option value="pop3">POP3</option>
        </select>
      </div>
      <Refusal text={refusal} />
      <Field
        label={t("accountAddress")}
        name="accountAddress"
        type="email"
        value={v.accountAddress}
        onInput={(x) => set({ accountAddress: x })}
      />
      <div class="row">
        <Field label={t("imapHost")} name="host" value={v.host} onInput={(x) => set({ host: x })} />
        <Field
          label={t("imapPort")}
          name="port"
          type="number"
          value={v.port}
          onInput={(x) => set({ port: x })}
        />
      </div>
      <div class="field">
        <label for="imap-tls">{t("imapTls")}</label>
        <select
          id="imap-tls"
          name="tls"
          value={v.tls}
          onChange={(e) => set({ tls: e.currentTarget.value as ImapTls })}
        >
          <option value="implicit">{t("tlsImplicit")}</option>
          <option value="starttls">{t("tlsStarttls")}</option>
          <option value="none">{t("tlsNone")}</option>
        </select>
      </div>
      <Field
        label={t("imapUsername")}
        name="username"
        value={v.username}
        describedBy="imap-hint"
        autoComplete="off"
        onInput={(x) => set({ username: x })}
      />
      <PasswordField
        label={t("imapPassword")}
        value={v.password}
        hintId="imap-hint"
        onInput={(x) => set({ password: x })}
      />
      <div role="status" class="test-result">
        {result?.ok && <p class="note ok">{t("testOk")}</p>}
        {result && !result.ok && (
          <p class="note error" data-step={result.step}>
            {t("testFailed", { step: t(`step_${result.step}`), message: result.message })}
          </p>
        )}
      </div>
      {error !== null && (refusalMessage(error) ?? <ErrorNote error={error} />)}
      <TestThenSave busy={busy} complete={complete} green={green} refusal={refusal} onTest={test} />
    </form>
  );

  function refusalMessage(err: unknown) {
    const text = refusalText(err, t, v.accountAddress);
    return (
      text && (
        <p role="alert" class="note error">
          {text}
        </p>
      )
    );
  }
}
