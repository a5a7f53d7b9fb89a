import { render } from "preact";
import { createApi } from "./api/client.js";
import { connectHost } from "./host/connect.js";
import { I18nContext, i18n } from "./i18n/index.js";
import { App } from "./ui/App.js";
import "./ui/styles.css";

const root = document.getElementById("app")!;
const mailbox = await connectHost();
if (!mailbox) {
  root.textContent = "Open Concilia from Outlook: this page is the Outlook add-in's task pane.";
} else {
  const lang = i18n(mailbox.language, mailbox.timeZone);
  document.documentElement.lang = lang.locale;
  document.documentElement.dataset.theme = mailbox.dark ? "dark" : "light";
  const api = createApi((interactive) => mailbox.auth.token(interactive), mailbox.language);
  render(
    <I18nContext.Provider value={lang}>
      <App mailbox={mailbox} api={api} />
    </I18nContext.Provider>,
    root,
  );
}
