import { useEffect, useRef, useState } from "preact/hooks";
import type { ContextResponse } from "../../../shared/api/context.js";
import { type Api, ApiProblem, SignedOut, Unreachable } from "../api/client.js";
import type { Address, Mailbox, OpenMessage } from "../host/types.js";
import { useI18n } from "../i18n/index.js";
import { CrmSearch } from "./CrmSearch.js";
import type { ExchangeSettings } from "./exchange/ExchangeSettings.js";
import { MessageView } from "./MessageView.js";
import { ProfileMenu } from "./ProfileMenu.js";
import { Empty, ErrorView, Loading, SignedOutView, UnreachableView } from "./States.js";
import { SyncSettings } from "./sync/SyncSettings.js";

type View =
  | { kind: "loading" }
  | { kind: "empty" }
  | { kind: "signedOut" }
  | { kind: "unreachable" }
  | { kind: "error"; problem: ApiProblem | null }
  | { kind: "ready"; message: OpenMessage; context: ContextResponse; notice: string | null };

/** Every distinct address of the message, sender first, as the context endpoint takes them. */
export function addressesOf(m: OpenMessage): Address[] {
  const seen = new Set<string>();
  return [...(m.from ? [m.from] : []), ...m.to, ...m.cc].filter((a) => {
    const k = a.email.toLowerCase();
    return !seen.has(k) && seen.add(k);
  });
}

export function App({ mailbox, api }: { mailbox: Mailbox; api: Api }) {
  const { t } = useI18n();
  const [view, setView] = useState<View>({ kind: "loading" });
  const seq = useRef(0);
  /** R-CON-1, R-X-1: the profile's settings replace the message's card until the user goes back. */
  const [screen, setScreen] = useState<"sync" | "exchange" | null>(null);
  const settings = screen !== null;
  /** R-X-1: the Exchange view and its words load when first opened, not before the first card. */
  const [ExchangeView, setExchangeView] = useState<typeof ExchangeSettings | null>(null);
  async function openExchange() {
    const { ExchangeSettings: view } = await import("./exchange/ExchangeSettings.js");
    setExchangeView(() => view);
    setScreen("exchange");
  }

  /** One request per opened message (R-SB-8); answers for an item no longer shown are dropped. */
  async function load(notice: string | null = null) {
    const n = ++seq.current;
    const message = mailbox.current();
    if (!message) return setView({ kind: "empty" });
    setView((v) => (v.kind === "ready" && v.message.itemId === message.itemId ? v : { kind: "loading" }));
    try {
      const context = await api.context(addressesOf(message), message.internetMessageId);
      if (n === seq.current) setView({ kind: "ready", message, context, notice });
    } catch (err) {
      if (n !== seq.current) return;
      if (err instanceof SignedOut) {
        if (err.message === "refused") mailbox.auth.forget();
        setView({ kind: "signedOut" });
      } else if (err instanceof Unreachable) setView({ kind: "unreachable" });
      else setView({ kind: "error", problem: err instanceof ApiProblem ? err : null });
    }
  }

  useEffect(() => {
    load();
    mailbox.onItemChanged(() => {
      performance.mark("concilia:item-changed");
      load();
    });
  }, []);

  useEffect(() => {
    // The bench reads this mark: ItemChanged → card painted (after the next frame is drawn).
    if (view.kind === "ready")
      requestAnimationFrame(() => setTimeout(() => performance.mark("concilia:card-painted")));
  }, [view]);

  async function signIn() {
    setView({ kind: "loading" });
    try {
      await mailbox.auth.token(true);
    } catch {
      return setView({ kind: "signedOut" });
    }
    load();
  }

  return (
    <main class="pane" aria-busy={view.kind === "loading"} data-view={view.kind}>
      <h1 class="visually-hidden">Concilia</h1>
      {(view.kind === "ready" || view.kind === "empty" || view.kind === "error") && !settings && (
        <ProfileMenu onSync={() => setScreen("sync")} onExchange={openExchange} />
      )}
      {screen === "sync" && <SyncSettings api={api} mailbox={mailbox} onClose={() => setScreen(null)} />}
      {screen === "exchange" && ExchangeView && (
        <ExchangeView api={api} mailbox={mailbox} onClose={() => setScreen(null)} />
      )}
      <div class="message-screen" hidden={settings}>
        {view.kind === "loading" && <Loading />}
        {view.kind === "empty" && <Empty />}
        {view.kind === "signedOut" && (
          <SignedOutView
            onSignIn={signIn}
            onCode={async (code) => {
              await mailbox.auth.redeem(code);
              load();
            }}
          />
        )}
        {view.kind === "unreachable" && <UnreachableView onRetry={() => load()} />}
        {view.kind === "error" && <ErrorView problem={view.problem} onRetry={() => load()} />}
        {view.kind === "ready" && (
          <MessageView
            key={view.message.itemId}
            api={api}
            mailbox={mailbox}
            message={view.message}
            context={view.context}
            notice={view.notice}
            reload={(notice) => load(notice)}
          />
        )}
        {(view.kind === "ready" || view.kind === "empty") && <CrmSearch api={api} />}
      </div>
      <span class="visually-hidden" aria-live="polite">
        {view.kind === "loading" ? t("loading") : ""}
      </span>
    </main>
  );
}
