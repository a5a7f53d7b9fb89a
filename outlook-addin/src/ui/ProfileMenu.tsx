import { useState } from "preact/hooks";
import { useI18n } from "../i18n/index.js";

/** R-CON-1: the pane's profile menu, where the user's own settings live. */
/** R-X-1: settings → Integrations → Exchange sits beside the sync settings. */
export function ProfileMenu({ onSync, onExchange }: { onSync(): void; onExchange(): void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  /** A choice closes the menu, then opens its view. */
  const choose = (view: () => void) => () => {
    setOpen(false);
    view();
  };
  return (
    <nav class="profile-menu" aria-label={t("myProfile")}>
      <button type="button" aria-expanded={open} aria-controls="profile-items" onClick={() => setOpen(!open)}>
        {t("myProfile")} ▾
      </button>
      {open && (
        <ul id="profile-items">
          <li>
            <button type="button" class="link" onClick={choose(onSync)}>
              {t("syncTitle")}
            </button>
          </li>
          <li>
            <button type="button" class="link" onClick={choose(onExchange)}>
              {t("integrations")} → {t("exchangeTitle")}
            </button>
          </li>
        </ul>
      )}
    </nav>
  );
}
