// The connectivity test run before a CalDAV account is saved: ok with the calendars found, or the
// first step that failed (lookup, connection, discovery, login, calendar home) with a message key the
// settings views show in the user's language (shared/calendar-account-messages.ts).
import type { CalendarAccountMessageKey } from "../../../shared/calendar-account-messages.js";
import { HostLookupError, resolveAllowedAddress } from "../private-hosts.js";
import { type CaldavCalendar, listCalendars } from "./calendars.js";
import type { CaldavAccount, CaldavConnectOptions } from "./client.js";
import { CaldavStepError, connectCaldav, type DiscoveryStep, reasonOf } from "./discovery.js";

export type CaldavConnectivityResult =
  | { ok: true; messageKey: "caldav.ok"; calendars: CaldavCalendar[]; principalUrl: string; homeUrl: string }
  | {
      ok: false;
      step: DiscoveryStep;
      messageKey: CalendarAccountMessageKey;
      /** The technical reason, for the logs and a "details" line; never contains the password. */
      detail: string;
    };

export async function testCaldavConnectivity(
  account: CaldavAccount,
  opts: CaldavConnectOptions & { appPassword?: boolean },
): Promise<CaldavConnectivityResult> {
  let host: string;
  try {
    host = new URL(account.serverUrl).hostname;
  } catch {
    return fail("discovery", "caldav.discovery.failed", `"${account.serverUrl}" is not a URL.`);
  }
  try {
    await resolveAllowedAddress(host, opts.allowPrivate, opts.lookup);
  } catch (err) {
    return lookupFailure(err);
  }
  try {
    const client = await connectCaldav(account, opts);
    let calendars: CaldavCalendar[];
    try {
      calendars = await listCalendars(client);
    } catch (err) {
      return fail("home", "caldav.home.failed", reasonOf(err));
    }
    if (!calendars.some((c) => c.supportsEvents))
      return fail("home", "caldav.home.noCalendars", `${calendars.length} calendars, none with VEVENT.`);
    return {
      ok: true,
      messageKey: "caldav.ok",
      calendars,
      principalUrl: client.principalUrl,
      homeUrl: client.homeUrl,
    };
  } catch (err) {
    if (!(err instanceof CaldavStepError))
      return fail("connection", "caldav.connection.failed", reasonOf(err));
    switch (err.step) {
      case "lookup":
        return lookupFailure(err.cause);
      case "login":
        return fail(
          "login",
          opts.appPassword ? "caldav.login.appPassword" : "caldav.login.failed",
          err.message,
        );
      case "home":
        return fail("home", "caldav.home.failed", err.message);
      case "discovery":
        return fail("discovery", "caldav.discovery.failed", err.message);
      default: {
        const insecure = (err.cause as Error | undefined)?.name === "InsecureUrlError";
        return fail(
          "connection",
          insecure ? "caldav.connection.insecure" : "caldav.connection.failed",
          err.message,
        );
      }
    }
  }
}

function lookupFailure(err: unknown): CaldavConnectivityResult & { ok: false } {
  if (err instanceof HostLookupError)
    return fail(
      "lookup",
      err.reason === "not-found" ? "caldav.lookup.notFound" : "caldav.lookup.privateAddress",
      err.message,
    );
  return fail("lookup", "caldav.lookup.notFound", reasonOf(err));
}

function fail(
  step: DiscoveryStep,
  messageKey: CalendarAccountMessageKey,
  detail: string,
): CaldavConnectivityResult & { ok: false } {
  return { ok: false, step, messageKey, detail };
}
