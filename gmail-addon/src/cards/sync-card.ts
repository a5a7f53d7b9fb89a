// R-CON-1: "Email & calendar sync" in Gmail (from the homepage and the add-on's universal action):
// without a connection, the provider picker and the provider's form; with one, its status and
// "Stop sync" and "Edit" (R-CON-9). Cards do not poll: the status has a Refresh button.
import type { Connection, ConnectionProvider, ConnectionSyncs } from "../../../shared/api/connections.js";
import type { ConnectionSyncStatus } from "../../../shared/api/sync-status.js";
import type { I18n } from "../i18n.js";
import { connectSections, popupHelpSection } from "./sync-connect.js";
import { statusSection } from "./sync-status-section.js";
import { action, button, buttons, coloured, header, paragraph, section } from "./widgets.js";

export const SYNC_CARD = "sync";

export interface SyncCardState {
  connections: { connection: Connection; status: ConnectionSyncStatus | null }[];
  provider: ConnectionProvider | null;
  syncs: ConnectionSyncs;
  /** "View all providers" was chosen: custom IMAP and an Other CalDAV server are offered too (R-CON-3). */
  all: boolean;
  /** What the user typed so far, kept across the card's rebuilds. */
  form: Record<string, string>;
  /** R-CON-6: the connectivity test's answer for exactly the values in `form`. */
  test: { ok: true; calendars?: string[] } | { ok: false; step: string; message: string } | null;
  notice: string | null;
  problem: string | null;
  /** R-CON-8: the sign-in came back without a connection: perhaps the pop-up was blocked. */
  popupHelp: boolean;
  /** R-ACT-5: the zone the CRM shows the user's times in; null when unknown. */
  crmTimeZone: string | null;
}

export const emptySyncState = (connections: SyncCardState["connections"]): SyncCardState => ({
  connections,
  provider: null,
  syncs: "both",
  all: false,
  form: {},
  test: null,
  notice: null,
  problem: null,
  popupHelp: false,
  crmTimeZone: null,
});

export function syncCard(
  s: SyncCardState,
  i: I18n,
  when: (iso: string) => string,
): GoogleAppsScript.Card_Service.Card {
  const { t } = i;
  const card = CardService.newCardBuilder()
    .setName(SYNC_CARD)
    .setHeader(header(t("syncTitle"), t("myProfile")));
  if (s.notice) card.addSection(section().addWidget(coloured(s.notice, true)));
  if (s.problem) card.addSection(section().addWidget(coloured(s.problem, false)));
  if (s.popupHelp) card.addSection(popupHelpSection(t));
  for (const { connection, status } of s.connections)
    card.addSection(statusSection(connection, status, t, when, s.crmTimeZone));
  if (s.connections.length === 0) {
    card.addSection(section().addWidget(paragraph(t("syncIntro"))));
    for (const x of connectSections(s, t)) card.addSection(x);
  }
  // R-X-1: settings → Integrations → Exchange.
  card.addSection(
    section(t("integrations")).addWidget(buttons(button(t("exchangeTitle"), action("exchangeOpen")))),
  );
  return card.build();
}
