import { useEffect, useRef } from "preact/hooks";
import { useI18n } from "../../i18n/index.js";

/**
 * The confirmation before an account's sync is stopped or its calendar sync removed: what happens,
 * the dangerous button (which takes the keyboard, as a dialog does) and "Keep syncing".
 */
export function Confirmation(props: {
  id: string;
  text: string;
  confirmLabel: string;
  busy: boolean;
  onConfirm(): void;
  onKeep(): void;
}) {
  const { t } = useI18n();
  const confirmFirst = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmFirst.current?.focus();
  }, []);
  return (
    <div role="alertdialog" aria-labelledby={props.id} class="note confirm">
      <p id={props.id}>{props.text}</p>
      <div class="actions">
        <button
          type="button"
          class="danger"
          disabled={props.busy}
          onClick={props.onConfirm}
          ref={confirmFirst}
        >
          {props.confirmLabel}
        </button>
        <button type="button" onClick={props.onKeep}>
          {t("keepSyncing")}
        </button>
      </div>
    </div>
  );
}
