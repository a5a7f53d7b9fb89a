import type { ComponentChildren } from "preact";
import { useI18n } from "../i18n/index.js";

/** A settings view's head: back to the card, and the view's title. */
export function SettingsHead({ onClose, children }: { onClose(): void; children: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <div class="sync-head">
      <button type="button" onClick={onClose}>
        ← {t("back")}
      </button>
      <h2>{children}</h2>
    </div>
  );
}
