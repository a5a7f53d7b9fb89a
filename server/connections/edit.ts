// R-CON-2, R-CON-9: changing a connection after it was made: what it syncs, which of the account's
// calendars, where new meetings go, how far back the first sync reaches. What cannot be is refused
// with the reason: calendars on IMAP (R-CON-4), an unknown calendar, or a choice the user's consent
// at Google or Microsoft does not cover (reconnect first).
import type { ConnectionPatch, ConnectionProvider } from "../../shared/api/connections.js";
import { conflict, notFound, unprocessable } from "../api/problem.js";
import type { Tx } from "../db/index.js";
import { type Connection, updateConnection } from "./connections.js";
import { missingScopes } from "./oauth-providers.js";
import { refuseCaldavMail, refuseImapCalendars } from "./refusals.js";

export async function editConnection(
  db: Tx,
  userId: string,
  c: Connection,
  patch: ConnectionPatch,
): Promise<Connection> {
  const provider = c.provider as ConnectionProvider;
  if (patch.syncs) {
    refuseImapCalendars(provider, patch.syncs);
    refuseCaldavMail(provider, patch.syncs);
    if (provider === "google" || provider === "microsoft") {
      const missing = missingScopes(provider, c.grantedScopes, patch.syncs);
      if (missing.length)
        throw conflict(
          `Syncing ${patch.syncs === "both" ? "email and calendar" : patch.syncs} needs a permission this account has not given Concilia (${missing.join(", ")}): reconnect it with the new choice (POST /api/v1/connections/oauth/start with this connectionId and syncs).`,
        );
    }
  }
  let calendars = c.calendars;
  if (patch.selectedCalendarIds) {
    const known = new Set(calendars.map((k) => k.id));
    const unknown = patch.selectedCalendarIds.findIndex((id) => !known.has(id));
    if (unknown >= 0)
      throw unprocessable(`This account has no calendar ${patch.selectedCalendarIds[unknown]}.`, [
        { path: `body.selectedCalendarIds.${unknown}`, message: "is not a calendar of this account" },
      ]);
    const selected = new Set(patch.selectedCalendarIds);
    calendars = calendars.map((k) => ({ ...k, selected: selected.has(k.id) }));
  }
  const target = patch.targetCalendarId === undefined ? c.targetCalendarId : patch.targetCalendarId;
  if (target !== null && (patch.targetCalendarId !== undefined || patch.selectedCalendarIds)) {
    const calendar = calendars.find((k) => k.id === target);
    if (!calendar?.selected)
      throw unprocessable(
        calendar
          ? `New meetings cannot go to ${calendar.name}: it is not synced. Select it too.`
          : `This account has no calendar ${target}.`,
        [
          {
            path: "body.targetCalendarId",
            message: calendar ? "is not a selected calendar" : "is not a calendar of this account",
          },
        ],
      );
  }
  const updated = await updateConnection(db, userId, c.id, {
    ...(patch.syncs ? { syncs: patch.syncs } : {}),
    ...(patch.selectedCalendarIds ? { calendars } : {}),
    ...(patch.targetCalendarId !== undefined ? { targetCalendarId: patch.targetCalendarId } : {}),
    ...(patch.backfillDays !== undefined ? { backfillDays: patch.backfillDays } : {}),
    ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
  });
  if (!updated) throw notFound(`Connection ${c.id}`);
  return updated;
}
