// R-CON in Gmail: opening the sync card and connecting an account (cards/sync-card.ts). Each action
// reads the choices from its parameters and the form, calls the server, and rebuilds the card; OAuth
// opens the provider's sign-in in an overlay pop-up and Gmail reloads the add-on when it closes
// (R-CON-8). What is done with a connected account is in sync-manage.ts.
import type { ConnectionProvider, ConnectionSyncs } from "../../shared/api/connections.js";
import type { ConnectionSyncStatus } from "../../shared/api/sync-status.js";
import {
  type CalendarAccountMessageKey,
  calendarAccountMessages,
} from "../../shared/calendar-account-messages.js";
import { refusalWord } from "../../shared/sync-words.js";
import { emptySyncState, type SyncCardState, syncCard } from "./cards/sync-card.js";
import { notify } from "./cards/widgets.js";
import { formValue, formValues, parameters } from "./config.js";
import { ApiProblem } from "./errors.js";
import { dateTime } from "./format.js";
import { cardOrError, responseOrNotice } from "./guard.js";
import { userSettings } from "./host.js";
import { type Session, session } from "./session.js";

type Event = GoogleAppsScript.Addons.EventObject;
type ActionResponse = GoogleAppsScript.Card_Service.ActionResponse;

/** Set while a provider's sign-in pop-up is open: what the add-on looks at when Gmail reloads it. */
const PENDING = "syncPending";
const FORM_FIELDS = ["accountAddress", "host", "port", "tls", "username", "protocol", "serverUrl"];
const PROVIDERS = ["google", "microsoft", "icloud", "yahoo", "imap", "caldav"];
export const SYNCS = ["email", "calendar", "both"];

export const respond = () => CardService.newActionResponseBuilder();
export const nav = () => CardService.newNavigation();

/** The user's connections with their status (one status request per connection: a user has few). */
function loaded(x: Session): SyncCardState["connections"] {
  return x.api.sync.list().map((connection) => {
    let status: ConnectionSyncStatus | null = null;
    try {
      status = x.api.sync.status(connection.id);
    } catch (_e) {
      // Shown without its status; Refresh reads it again.
    }
    return { connection, status };
  });
}

function card(x: Session, s: SyncCardState) {
  return syncCard(s, x.i, (iso) => dateTime(iso, x.tz.id, x.view.locale));
}

/** The choices and typed values of the card the action came from. */
function stateOf(e: Event): SyncCardState {
  const p = parameters(e);
  const provider = formValue(e, "provider") || p.provider;
  const syncs = formValue(e, "syncs") || p.syncs;
  const form: Record<string, string> = {};
  for (const f of FORM_FIELDS) if (formValue(e, f)) form[f] = formValue(e, f);
  const password = formValues(e, "password")[0];
  if (password) form.password = password;
  return {
    ...emptySyncState([]),
    provider: PROVIDERS.includes(provider) ? (provider as ConnectionProvider) : null,
    syncs: SYNCS.includes(syncs) ? (syncs as ConnectionSyncs) : "both",
    all: p.all === "1" || provider === "imap" || provider === "caldav",
    form,
  };
}

export const update = (c: GoogleAppsScript.Card_Service.Card) =>
  respond().setNavigation(nav().updateCard(c)).build();

/** A refusal of the connections API (R-CON-4, -5, -7) in the user's language; null for other errors. */
export function refusal(err: unknown, x: Session, address: string): string | null {
  if (!(err instanceof ApiProblem) || err.status !== 422) return null;
  const word = refusalWord(err.errors.map((e) => e.path));
  return word ? x.t(word, { address }) : null;
}

/** R-ACT-5: the CRM's zone, read only when a synced calendar's zone is there to compare it with. */
function crmTimeZone(x: Session, connections: SyncCardState["connections"]): string | null {
  if (!connections.some(({ connection: c }) => c.syncs !== "email" && c.calendars.some((k) => k.timeZone)))
    return null;
  try {
    return x.api.sync.crmTimeZone();
  } catch (_e) {
    return null;
  }
}

/** The full sync card, fresh from the server. */
export function syncCardFor(x: Session, extra: Partial<SyncCardState> = {}) {
  const connections = loaded(x);
  return card(x, { ...emptySyncState(connections), crmTimeZone: crmTimeZone(x, connections), ...extra });
}

/**
 * R-CON-8: Gmail reloads the add-on when the sign-in pop-up closes. If a sign-in was under way, the
 * sync card shows what came of it: connected, or not (the pop-up may have been blocked), with help.
 */
export function pendingSyncCard(x: Session) {
  const pending = userSettings.get(PENDING);
  if (!pending) return null;
  userSettings.remove(PENDING);
  const before = JSON.parse(pending) as { ids: string[]; reconnect?: { id: string; stamp: string } };
  const connections = loaded(x);
  // A new connection, or new credentials for the one being reconnected.
  const done = connections.find(({ connection: c }) =>
    before.reconnect?.id === c.id ? stamp(c) !== before.reconnect.stamp : !before.ids.includes(c.id),
  );
  if (done)
    return card(x, {
      ...emptySyncState(connections),
      notice: x.t("connectedAs", { address: done.connection.accountAddress }),
    });
  return card(x, { ...emptySyncState(connections), popupHelp: true });
}

/** The connection's stored credentials by name and version: they change when a sign-in completes. */
const stamp = (c: { secrets: { name: string; version: number }[] }) =>
  JSON.stringify(c.secrets.map((k) => [k.name, k.version]));

export function syncOpen(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () =>
    respond()
      .setNavigation(nav().pushCard(syncCardFor(x)))
      .build(),
  );
}

export function syncUniversal(e: Event): GoogleAppsScript.Card_Service.UniversalActionResponse {
  const x = session(e);
  // Unreachable, signed out or refused: the add-on's error card, whose retry loads the sync card.
  const c = cardOrError(x.i, { functionName: "syncRefresh", params: {} }, () => syncCardFor(x));
  return CardService.newUniversalActionResponseBuilder().displayAddOnCards([c]).build();
}

/** A choice changed (provider, what to sync, protocol, View all providers): the card follows. */
export function syncChoose(e: Event): ActionResponse {
  const x = session(e);
  return update(card(x, { ...stateOf(e), notice: null }));
}

/** R-CON-6: the connectivity test; its answer is shown green, or red with the failing step. */
export function syncTestImap(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const s = { ...stateOf(e), notice: null };
    const f = s.form;
    if (!f.host || !f.username || !f.password || !f.accountAddress) return notify(x.t("fieldsRequired"));
    const test = x.api.sync.test({
      host: f.host,
      port: Number(f.port || "993"),
      tls: (f.tls || "implicit") as "implicit",
      username: f.username,
      password: f.password,
    });
    return update(card(x, { ...s, test }));
  });
}

/** R-CON-6: an Other CalDAV server's test; a red answer names the step, in the user's language. */
export function syncTestCaldav(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const s = { ...stateOf(e), notice: null };
    const f = s.form;
    if (!f.serverUrl || !f.username || !f.password) return notify(x.t("fieldsRequired"));
    const r = x.api.sync.testCaldav({ serverUrl: f.serverUrl, username: f.username, password: f.password });
    const messages = calendarAccountMessages[x.i.locale];
    const test = r.ok
      ? { ok: true as const, calendars: r.calendars.map((c) => c.name) }
      : {
          ok: false as const,
          step: r.step,
          message: messages[r.messageKey as CalendarAccountMessageKey] ?? r.message,
        };
    return update(card(x, { ...s, test }));
  });
}

type NewConnection = Parameters<Session["api"]["sync"]["create"]>[0];

/** Connects the account the form holds, as `input` reads it. */
function connectForm(e: Event, input: (form: SyncCardState["form"]) => NewConnection): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => connect(e, x, () => input(stateOf(e).form)));
}

export const syncConnectCaldav = (e: Event) =>
  connectForm(e, (f) => ({
    provider: "caldav",
    serverUrl: f.serverUrl ?? "",
    username: f.username ?? "",
    password: f.password ?? "",
    syncs: "calendar",
  }));

function connect(e: Event, x: Session, input: () => NewConnection) {
  const s = { ...stateOf(e), notice: null };
  let created: { accountAddress: string };
  try {
    created = x.api.sync.create(input());
  } catch (err) {
    const text = refusal(err, x, (s.form.accountAddress ?? "").toLowerCase());
    if (!text) throw err;
    return update(card(x, { ...s, problem: text }));
  }
  return respond()
    .setNavigation(
      nav().updateCard(syncCardFor(x, { notice: x.t("connectedAs", { address: created.accountAddress }) })),
    )
    .setStateChanged(true)
    .build();
}

export const syncConnectImap = (e: Event) =>
  connectForm(e, (f) => ({
    provider: "imap",
    protocol: "imap",
    accountAddress: f.accountAddress ?? "",
    host: f.host ?? "",
    port: Number(f.port || "993"),
    tls: (f.tls || "implicit") as "implicit",
    username: f.username ?? "",
    password: f.password ?? "",
    syncs: "email",
    backfillDays: 30,
  }));

/** R-CON-3 / R-CON-7: iCloud or Yahoo with an app-specific password. */
export function syncConnectPassword(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const s = stateOf(e);
    if (!s.form.accountAddress || !s.form.password) return notify(x.t("fieldsRequired"));
    const provider = s.provider === "yahoo" ? "yahoo" : "icloud";
    return connect(e, x, () => ({
      provider,
      accountAddress: s.form.accountAddress ?? "",
      password: s.form.password ?? "",
      syncs: s.syncs,
      backfillDays: 30,
    }));
  });
}

/**
 * R-CON-8: Google or Microsoft (or a reconnect): Concilia's page that goes on to the provider, in an
 * overlay pop-up; Gmail reloads the add-on when it closes, and pendingSyncCard tells what came of it.
 */
export function syncStartOAuth(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const p = parameters(e);
    const s = stateOf(e);
    const provider = s.provider === "microsoft" ? "microsoft" : "google";
    // A reconnect carries its choice in the button; the form's radio still shows the current one.
    const syncs = p.connectionId && SYNCS.includes(p.syncs) ? (p.syncs as ConnectionSyncs) : s.syncs;
    const url = x.api.sync.oauthStart(provider, syncs, p.connectionId || undefined);
    const before = x.api.sync.list();
    const reconnected = before.find((c) => c.id === p.connectionId);
    userSettings.set(
      PENDING,
      JSON.stringify({
        ids: before.map((c) => c.id),
        ...(reconnected ? { reconnect: { id: reconnected.id, stamp: stamp(reconnected) } } : {}),
      }),
    );
    const link = CardService.newOpenLink()
      .setUrl(url)
      .setOpenAs(CardService.OpenAs.OVERLAY)
      .setOnClose(CardService.OnClose.RELOAD);
    return respond().setOpenLink(link).build();
  });
}
