// Dates and amounts as the user's language writes them, in the user's zone.
import type { Locale } from "../../shared/i18n.js";
import { formatDate } from "./host.js";

const patterns: Record<Locale, { dateTime: string; date: string; thousands: string }> = {
  en: { dateTime: "yyyy-MM-dd HH:mm", date: "yyyy-MM-dd", thousands: "," },
  es: { dateTime: "dd/MM/yyyy HH:mm", date: "dd/MM/yyyy", thousands: "." },
  it: { dateTime: "dd/MM/yyyy HH:mm", date: "dd/MM/yyyy", thousands: "." },
};

export function dateTime(iso: string | number, timeZone: string, locale: Locale): string {
  return formatDate(new Date(iso), timeZone, patterns[locale].dateTime);
}

export function date(iso: string, timeZone: string, locale: Locale): string {
  return formatDate(new Date(iso), timeZone, patterns[locale].date);
}

export function money(value: number | null, currency: string | null, locale: Locale): string {
  if (value === null) return "";
  const digits = String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, patterns[locale].thousands);
  return currency ? `${digits} ${currency}` : digits;
}

/** Card text fields take a small HTML subset: user data must not be read as markup. */
export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
