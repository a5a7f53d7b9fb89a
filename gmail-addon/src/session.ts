// What every trigger and action starts from: the user's language and zone, and the API with the
// user's token (the Concilia token from a sign-in by code, else the Google identity).
import { createApi } from "./api.js";
import type { View } from "./cards/record-sections.js";
import { SERVER_ORIGIN, userLocale, userTimeZone } from "./config.js";
import { identityToken, userSettings } from "./host.js";
import { i18n } from "./i18n.js";

type Event = GoogleAppsScript.Addons.EventObject;

/** A Concilia token from a sign-in by code; when present it is used instead of the Google identity. */
export const SIGN_IN_TOKEN = "conciliaToken";

export function session(e: Event) {
  const i = i18n(userLocale(e));
  const tz = userTimeZone(e);
  const api = createApi({
    origin: SERVER_ORIGIN,
    locale: i.locale,
    token: () => userSettings.get(SIGN_IN_TOKEN) ?? identityToken(),
    // A revoked or expired code token is forgotten, so the next try uses the Google identity again.
    onRefused: () => userSettings.remove(SIGN_IN_TOKEN),
  });
  const view: View = {
    t: i.t,
    activityType: i.activityType,
    locale: userLocale(e) || i.locale,
    timeZone: tz.id,
  };
  return { i, t: i.t, tz, api, view };
}
export type Session = ReturnType<typeof session>;
