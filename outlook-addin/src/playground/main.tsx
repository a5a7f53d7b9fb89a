// The playground: demo messages in a fake Outlook beside the real pane (the built task pane, in a
// frame as Outlook hosts it). Clicking a message fires ItemChanged as a pinned pane sees it.
import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { FakeOutlook, type FakeSettings } from "../host/fake-office.js";
import { demoMessages, demoUser } from "./demo-messages.js";
import { TrySync } from "./try-sync.js";
import "./playground.css";

declare global {
  interface Window {
    /** `sync`: the server runs the provider emulators (dev mode without a real OAuth client). */
    conciliaDev?: { token: string | null; note?: string; sync?: boolean };
    conciliaFakeOffice?: (frame: Window) => unknown;
    conciliaOutlook?: FakeOutlook;
  }
}

const query = new URLSearchParams(location.search);
const initial: FakeSettings = {
  language: query.get("lang") ?? "en-US",
  dark: query.get("theme") === "dark",
  signedIn: query.get("signedIn") !== "0",
  mailbox114: query.get("mailbox") !== "1.8" && query.get("mailbox") !== "1.5",
  mailbox18: query.get("mailbox") !== "1.5",
  sso: query.get("sso") !== "0",
  popupsBlocked: query.get("popups") === "blocked",
};

function Playground() {
  const [settings, setSettings] = useState(initial);
  const [frameKey, setFrameKey] = useState(0);
  const [selected, setSelected] = useState<string | null>(query.get("message") ?? demoMessages[0].id);
  const [, redraw] = useState(0);
  const outlook = useMemo(() => {
    // `?zone=`: the mailbox's zone as Outlook names it (a Windows name), for trying the zone mapping.
    const user = { ...demoUser, timeZone: query.get("zone") ?? demoUser.timeZone };
    const o = new FakeOutlook(user, demoMessages, { ...settings }, window.conciliaDev?.token ?? null);
    o.selected = demoMessages.find((m) => m.id === selected) ?? null;
    o.onChange = () => redraw((n) => n + 1);
    window.conciliaOutlook = o;
    window.conciliaFakeOffice = (frame) => o.officeFor(frame);
    return o;
  }, [frameKey]);
  useEffect(() => {
    document.documentElement.dataset.theme = settings.dark ? "dark" : "light";
  }, [settings.dark]);

  const change = (patch: Partial<FakeSettings>) => {
    setSettings({ ...settings, ...patch });
    setFrameKey((k) => k + 1);
  };
  const open = (id: string) => {
    setSelected(id);
    outlook.select(id);
  };
  const current = demoMessages.find((m) => m.id === selected);
  const html = current?.html.replace(/cid:([^"']+)/g, (_m, cid) => {
    const a = current.attachments.find((x) => cid.startsWith(x.name));
    return a ? `data:${a.contentType};base64,${a.base64}` : "";
  });

  return (
    <div class="playground">
      <header class="bar">
        <strong>Concilia playground</strong>
        <span class="muted">Signed in as {demoUser.email}</span>
        <label>
          Office language{" "}
          <select
            value={settings.language}
            onChange={(e) => change({ language: e.currentTarget.value })}
            name="lang"
          >
            <option value="en-US">English</option>
            <option value="es-ES">Español</option>
            <option value="it-IT">Italiano</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.dark}
            onChange={(e) => change({ dark: e.currentTarget.checked })}
          />{" "}
          Dark theme
        </label>
        <label>
          Host{" "}
          <select
            name="mailbox"
            value={settings.mailbox114 ? "1.14" : settings.mailbox18 ? "1.8" : "1.5"}
            onChange={(e) => {
              const v = e.currentTarget.value;
              change({ mailbox114: v === "1.14", mailbox18: v !== "1.5" });
            }}
          >
            <option value="1.14">Mailbox 1.14 (getAsFileAsync)</option>
            <option value="1.8">Mailbox 1.8 (body + attachments)</option>
            <option value="1.5">Mailbox 1.5 (no categories)</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.signedIn}
            onChange={(e) => change({ signedIn: e.currentTarget.checked })}
          />{" "}
          Signed in
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.sso}
            onChange={(e) => change({ sso: e.currentTarget.checked })}
          />{" "}
          Single sign-on
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.popupsBlocked}
            onChange={(e) => change({ popupsBlocked: e.currentTarget.checked })}
          />{" "}
          Pop-ups blocked
        </label>
        <a href="/playground/gmail">Gmail card preview</a>
      </header>
      {window.conciliaDev?.note && <p class="warn">{window.conciliaDev.note}</p>}
      <div class={window.conciliaDev?.sync && window.conciliaDev.token ? "columns with-sync" : "columns"}>
        <nav aria-label="Messages" class="list">
          <ul>
            {demoMessages.map((m) => (
              <li key={m.id}>
                <button
                  type="button"
                  data-message={m.id}
                  aria-current={m.id === selected}
                  onClick={() => open(m.id)}
                >
                  <span class="from">
                    {m.from.email === demoUser.email ? `To: ${m.to[0].name}` : m.from.name}
                  </span>
                  <span class="subject">{m.subject}</span>
                  {(outlook.categories.get(m.id) ?? []).map((c) => (
                    <span key={c} class="category" data-category={c}>
                      {c}
                    </span>
                  ))}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <section class="reading" aria-label="Reading pane">
          {current && (
            <>
              <h2>{current.subject}</h2>
              <p class="muted">
                {current.from.name} &lt;{current.from.email}&gt; → {current.to.map((a) => a.email).join(", ")}
                {current.cc.length > 0 && ` · cc ${current.cc.map((a) => a.email).join(", ")}`}
              </p>
              {current.attachments
                .filter((a) => !a.isInline)
                .map((a) => (
                  <p key={a.id} class="muted">
                    📎 {a.name}
                  </p>
                ))}
              <div dangerouslySetInnerHTML={{ __html: html ?? "" }} />
            </>
          )}
        </section>
        <iframe
          key={frameKey}
          title="Concilia pane"
          class="pane-frame"
          src="/addin/index.html?host=playground"
        />
        {window.conciliaDev?.sync && window.conciliaDev.token && <TrySync token={window.conciliaDev.token} />}
      </div>
    </div>
  );
}

render(<Playground />, document.getElementById("playground")!);
