// Dates and amounts as the user's locale writes them, on the user's clock: the same shared formatting
// as the Outlook pane (shared/format.ts), so both sidebars look alike.
import { type Format, formatFor } from "../../shared/format.js";

// A card formats dozens of dates with one locale and zone; Intl formatters are costly to build.
const formats: Record<string, Format> = {};
function format(locale: string, timeZone: string): Format {
  const key = `${locale}|${timeZone}`;
  formats[key] ??= formatFor(locale, timeZone);
  return formats[key];
}

export function dateTime(
  iso: string | number,
  timeZone: string,
  locale: string,
  enteredIn?: string | null,
): string {
  return format(locale, timeZone).dateTime(iso, enteredIn);
}

/** An event's start: an all-day event's date as it is, else its time on the user's clock (or its own, named). */
export function eventStart(
  e: { allDay?: boolean; startDate?: string | null; startAt: string; timeZone: string },
  timeZone: string,
  locale: string,
): string {
  return format(locale, timeZone).eventStart(e);
}

export function date(iso: string, timeZone: string, locale: string): string {
  return format(locale, timeZone).date(iso);
}

export function money(value: number | null, currency: string | null, locale: string): string {
  if (value === null) return "";
  return format(locale, "UTC").money(value, currency);
}

/** Card text fields take a small HTML subset: user data must not be read as markup. */
export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
