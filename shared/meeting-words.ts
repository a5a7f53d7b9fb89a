// R-SB-4: the words of the meeting form, one set for both sidebars (its problems' messages are in
// meeting-form.ts). Placeholders in braces are filled by each catalog's t().
import type { Locale } from "./i18n.js";

const en = {
  createMeeting: "Create meeting",
  meetingTitle: "Title",
  start: "Start",
  duration: "Duration",
  repeat: "Repeat",
  repeatNone: "Does not repeat",
  repeatDaily: "Every day",
  repeatWeekly: "Every week",
  repeatMonthly: "Every month",
  minutes: "{n} min",
  timeZone: "Time zone",
  location: "Location",
  onlineMeetingUrl: "Online meeting link",
  attendees: "Attendees",
  meetingCreated: "Meeting created: {title}, {when}.",
};

export type MeetingWords = typeof en;

const es: MeetingWords = {
  createMeeting: "Crear reunión",
  meetingTitle: "Título",
  start: "Inicio",
  duration: "Duración",
  repeat: "Repetir",
  repeatNone: "No se repite",
  repeatDaily: "Cada día",
  repeatWeekly: "Cada semana",
  repeatMonthly: "Cada mes",
  minutes: "{n} min",
  timeZone: "Zona horaria",
  location: "Ubicación",
  onlineMeetingUrl: "Enlace de la reunión en línea",
  attendees: "Asistentes",
  meetingCreated: "Reunión creada: {title}, {when}.",
};

const it: MeetingWords = {
  createMeeting: "Crea riunione",
  meetingTitle: "Titolo",
  start: "Inizio",
  duration: "Durata",
  repeat: "Ripeti",
  repeatNone: "Non si ripete",
  repeatDaily: "Ogni giorno",
  repeatWeekly: "Ogni settimana",
  repeatMonthly: "Ogni mese",
  minutes: "{n} min",
  timeZone: "Fuso orario",
  location: "Luogo",
  onlineMeetingUrl: "Link della riunione online",
  attendees: "Partecipanti",
  meetingCreated: "Riunione creata: {title}, {when}.",
};

export const meetingWords: Record<Locale, MeetingWords> = { en, es, it };
