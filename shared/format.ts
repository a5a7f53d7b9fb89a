// One look for both sidebars: dates, times and amounts as the user's locale writes them (Intl), on the
// user's clock. A time entered in another zone (a meeting planned in New York) is shown on that zone's
// clock and the zone is named, so "10:00" never silently means another hour (R-ACT-5).
import { pickLocale } from "./i18n.js";
import { zoneCity } from "./time-zones.js";
import { isTimeZone, offsetMinutes } from "./zoned-time.js";

export interface Format {
  /** Date and time; `enteredIn`: the zone the time belongs to (an event's zone), if not the user's. */
  dateTime(instant: string | number, enteredIn?: string | null): string;
  date(instant: string | number): string;
  /**
   * When an event starts: an all-day event's date as it is (the same day whatever the clock: it is not
   * an instant), a timed event's start as dateTime shows it, on its zone's clock if that differs.
   */
  eventStart(e: { allDay?: boolean; startDate?: string | null; startAt: string; timeZone: string }): string;
  /** A whole amount, with its currency when it has one. */
  money(value: number, currency: string | null): string;
}

/** The locale tag Intl should use: the user's own (`en-GB`, `es-419`) when valid, else the language. */
function intlLocale(tag: string | null | undefined): string {
  const language = pickLocale(tag);
  try {
    const [canonical] = Intl.getCanonicalLocales(tag ?? "");
    if (canonical && pickLocale(canonical) === language && canonical.split("-")[0] === language)
      return canonical;
  } catch {
    // Not a locale tag: the language will do.
  }
  return language;
}

// ICU versions differ on the space before AM/PM (U+202F or a plain space): one output everywhere.
const tidy = (s: string) => s.replace(/[\u202f\u2009]/g, " ");

export function formatFor(locale: string | null | undefined, timeZone: string): Format {
  const userZone = isTimeZone(timeZone) ? timeZone : "UTC";
  const tag = intlLocale(locale);
  const dateTimeIn = (timeZone: string) =>
    new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short", timeZone });
  const own = dateTimeIn(userZone);
  const dateOnly = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeZone: userZone });
  const calendarDate = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeZone: "UTC" });
  const at = (instant: string | number) => new Date(instant);
  return {
    eventStart(e) {
      if (e.allDay && e.startDate) return tidy(calendarDate.format(new Date(`${e.startDate}T00:00:00Z`)));
      return this.dateTime(e.startAt, e.timeZone);
    },
    dateTime(instant, enteredIn) {
      const when = at(instant);
      const ms = when.getTime();
      if (!enteredIn || enteredIn === userZone || !isTimeZone(enteredIn)) return tidy(own.format(when));
      if (offsetMinutes(ms, enteredIn) === offsetMinutes(ms, userZone)) return tidy(own.format(when));
      return `${tidy(dateTimeIn(enteredIn).format(when))} (${zoneCity(enteredIn)})`;
    },
    date: (instant) => tidy(dateOnly.format(at(instant))),
    money(value, currency) {
      if (currency)
        try {
          return new Intl.NumberFormat(tag, {
            style: "currency",
            currency,
            minimumFractionDigits: 0,
            maximumFractionDigits: 0,
          }).format(value);
        } catch {
          // Not an ISO 4217 code: show it as stored.
        }
      const n = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 }).format(value);
      return currency ? `${n} ${currency}` : n;
    },
  };
}
