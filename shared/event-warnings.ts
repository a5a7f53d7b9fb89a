// What an event's answer warns about (R-CAL-6), by a stable code, and the words both sidebars show for
// each. The server's own message (English, more technical) rides along for API clients; a sidebar
// shows its words for a code it knows and the server's message for one it does not.
import type { Locale } from "./i18n.js";

export const EVENT_WARNING_CODES = [
  /** The rule (FREQ=SECONDLY or MINUTELY) is no calendar recurrence: only the first event is read. */
  "recurrence-read-as-first-event",
] as const;
export type EventWarningCode = (typeof EVENT_WARNING_CODES)[number];

export interface EventWarning {
  code: EventWarningCode;
  message: string;
}

export const eventWarningWords: Record<Locale, Record<EventWarningCode, string>> = {
  en: {
    "recurrence-read-as-first-event":
      "Repeats every second or minute, which no calendar schedules by: only its first occurrence is shown.",
  },
  es: {
    "recurrence-read-as-first-event":
      "Se repite cada segundo o cada minuto, algo que ningún calendario programa: solo se muestra su primera repetición.",
  },
  it: {
    "recurrence-read-as-first-event":
      "Si ripete ogni secondo o ogni minuto, cosa che nessun calendario pianifica: viene mostrata solo la prima occorrenza.",
  },
};

/** The words a sidebar shows for a warning, in its language. */
export function eventWarningText(w: { code: string; message: string }, locale: Locale): string {
  return (eventWarningWords[locale] as Record<string, string>)[w.code] ?? w.message;
}
