import { useState } from "preact/hooks";
import { useI18n } from "../../i18n/index.js";
import { Field } from "../Field.js";

/**
 * What the forms for a server of the user's own (Other CalDAV, IMAP) share (R-CON-6): an account is
 * saved only once a test of exactly what is typed now came back green.
 */

/** The last test's result, as long as the account typed is still the one it tested. */
export function useTestedAccount<R extends { ok: boolean }>(account: object) {
  const [tested, setTested] = useState<{ key: string; result: R } | null>(null);
  const key = JSON.stringify(account);
  const result = tested?.key === key ? tested.result : null;
  return { result, green: result?.ok === true, remember: (r: R) => setTested({ key, result: r }) };
}

/** R-CON-4, R-CON-5: why this form cannot connect what was chosen, said before any request. */
export function Refusal({ text }: { text: string | null }) {
  return text ? (
    <p role="alert" class="note error refusal">
      {text}
    </p>
  ) : null;
}

/** The account's own app password, described by the form's hint. */
export function PasswordField(props: {
  label: string;
  value: string;
  hintId: string;
  onInput(v: string): void;
}) {
  return (
    <Field
      label={props.label}
      name="password"
      type="password"
      value={props.value}
      describedBy={props.hintId}
      autoComplete="new-password"
      onInput={props.onInput}
    />
  );
}

/** "Test connection", then "Start sync" once the test is green; a note says so while it is not. */
export function TestThenSave(props: {
  busy: boolean;
  complete: boolean;
  green: boolean;
  refusal: string | null;
  onTest(): void;
}) {
  const { t } = useI18n();
  const { busy, complete, green, refusal } = props;
  return (
    <>
      <div class="actions">
        <button type="button" disabled={busy || !complete || refusal !== null} onClick={props.onTest}>
          {t("testConnection")}
        </button>
        <button type="submit" class="primary" disabled={busy || !green || refusal !== null}>
          {t("startSync")}
        </button>
      </div>
      {!green && complete && !refusal && <p class="muted small">{t("testFirst")}</p>}
    </>
  );
}
