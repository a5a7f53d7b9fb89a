import { useI18n } from "../../i18n/index.js";

/** R-CON-8: the sign-in window was blocked; how to allow pop-ups in Chrome, Edge and Safari. */
export function PopupHelp() {
  const { t } = useI18n();
  return (
    <div role="alert" class="note error popup-help">
      <p>
        <strong>{t("popupBlockedTitle")}</strong>
      </p>
      <p>{t("popupBlocked")}</p>
      <ul>
        <li>{t("popupChrome")}</li>
        <li>{t("popupEdge")}</li>
        <li>{t("popupSafari")}</li>
      </ul>
    </div>
  );
}
