// The meeting forms of both sidebars (R-SB-4): which field a problem belongs to, and what to tell the user
// about it in their language. Problems found by the sidebar and problems the server answers (problem+json
// field paths) end in the same localized messages; the server's own English text is never shown raw.
import type { Locale } from "./i18n.js";

export type MeetingField =
  | "title"
  | "start"
  | "timeZone"
  | "repeat"
  | "location"
  | "onlineMeetingUrl"
  | "attendees";
/** A problem that names no field of the form. */
export type MeetingProblem = MeetingField | "other";

export const MEETING_TITLE_MAX = 500;
export const MEETING_LOCATION_MAX = 500;
export const MEETING_URL_MAX = 2000;

/**
 * How often a meeting made in a sidebar repeats: the simple choices, each a series with no end on the
 * start's weekday or day of the month (R-CAL-6); other rules are for the API.
 */
export const MEETING_REPEATS = ["none", "daily", "weekly", "monthly"] as const;
export type MeetingRepeat = (typeof MEETING_REPEATS)[number];
/** The word key of each choice, the same in both sidebars. */
export const repeatWords = {
  none: "repeatNone",
  daily: "repeatDaily",
  weekly: "repeatWeekly",
  monthly: "repeatMonthly",
} as const;
/** The event's `recurrence` for a choice (none for "none", or for anything not in the list). */
export function recurrenceOfRepeat(repeat: string): { freq: Exclude<MeetingRepeat, "none"> } | undefined {
  return repeat === "daily" || repeat === "weekly" || repeat === "monthly" ? { freq: repeat } : undefined;
}

/** The event a sidebar's meeting form sends to POST /api/v1/events: the part of the API's input it uses. */
export interface MeetingRequest {
  title: string;
  description?: string;
  startAt: string;
  endAt: string;
  timeZone: string;
  location?: string | null;
  onlineMeetingUrl?: string | null;
  /** A simple repeat (MEETING_REPEATS); the API takes more. */
  recurrence?: { freq: Exclude<MeetingRepeat, "none"> };
  attendees: { email: string; name?: string | null }[];
}

export const meetingMessages: Record<Locale, Record<MeetingProblem, string>> = {
  en: {
    title: "Give the meeting a title (at most 500 characters).",
    start: "Pick a valid date and start time.",
    timeZone: "Pick a time zone from the list.",
    repeat: "Pick how the meeting repeats from the list; one that repeats every month starts on day 1 to 28.",
    location: "The location can have at most 500 characters.",
    onlineMeetingUrl:
      "The online meeting link must be a full https:// address, such as https://meet.example.com/abc.",
    attendees: "An attendee's email address is not valid.",
    other: "Concilia did not accept this meeting. Check the fields and try again.",
  },
  es: {
    title: "Ponle un título a la reunión (500 caracteres como máximo).",
    start: "Elige una fecha y una hora de inicio válidas.",
    timeZone: "Elige una zona horaria de la lista.",
    repeat:
      "Elige de la lista cómo se repite la reunión; una que se repite cada mes empieza entre el día 1 y el 28.",
    location: "La ubicación puede tener 500 caracteres como máximo.",
    onlineMeetingUrl:
      "El enlace de la reunión en línea debe ser una dirección https:// completa, como https://meet.example.com/abc.",
    attendees: "La dirección de correo de un asistente no es válida.",
    other: "Concilia no ha aceptado esta reunión. Revisa los campos y vuelve a intentarlo.",
  },
  it: {
    title: "Dai un titolo alla riunione (al massimo 500 caratteri).",
    start: "Scegli una data e un'ora di inizio valide.",
    timeZone: "Scegli un fuso orario dall'elenco.",
    repeat:
      "Scegli dall'elenco come si ripete la riunione; una che si ripete ogni mese inizia tra il giorno 1 e il 28.",
    location: "Il luogo può avere al massimo 500 caratteri.",
    onlineMeetingUrl:
      "Il link della riunione online deve essere un indirizzo https:// completo, come https://meet.example.com/abc.",
    attendees: "L'indirizzo email di un partecipante non è valido.",
    other: "Concilia non ha accettato questa riunione. Controlla i campi e riprova.",
  },
};

/** `body.startAt` → `start`, `body.attendees.2.email` → `attendees`, anything unknown → `other`. */
export function meetingProblemAt(path: string): MeetingProblem {
  const [where, field] = path.split(".");
  if (where !== "body") return "other";
  switch (field) {
    case "title":
    case "timeZone":
    case "location":
    case "onlineMeetingUrl":
    case "attendees":
      return field;
    case "startAt":
    case "endAt":
      return "start";
    case "recurrence":
      return "repeat";
    default:
      return "other";
  }
}

/** Each problem once, in the order of the form. */
export function meetingProblemsAt(paths: string[]): MeetingProblem[] {
  const order: MeetingProblem[] = [
    "title",
    "start",
    "timeZone",
    "repeat",
    "location",
    "onlineMeetingUrl",
    "attendees",
    "other",
  ];
  const found = new Set(paths.map(meetingProblemAt));
  return order.filter((p) => found.has(p));
}

const label = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?";
const httpsUrl = new RegExp(`^https://${label}(?:\\.${label})*(?::\\d{1,5})?(?:[/?#]\\S*)?$`, "iu");

/** An absolute https URL with a host name (the link attendees click to join); no `URL` needed. */
export function isHttpsUrl(text: string): boolean {
  return text.length <= MEETING_URL_MAX && httpsUrl.test(text);
}
