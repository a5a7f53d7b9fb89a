// R-MAIL-8: the words of a message's logged state in both sidebars: Log email, how it was logged, or
// why it was not. Placeholders in braces are filled by each catalog's t().
import type { NotLoggedReason } from "./api/context.js";
import type { Locale } from "./i18n.js";

const en = {
  logEmail: "Log email",
  logged: "Logged in Concilia",
  loggedByHand: "Logged by hand",
  loggedAutomatically: "Logged automatically by mail sync; read-only",
  whyNoCrmParticipant: "Not logged: no one on this message is in Concilia. Add a contact to log it.",
  whyNeverLog: "Not logged automatically: on a never-log list ({detail}). You can still log it by hand.",
  whyInternal:
    "Not logged automatically: internal mail, everyone on it is in your organization. You can still log it by hand.",
  whyAutomated: "Not logged automatically: sent by a machine ({detail}). You can still log it by hand.",
  whyNotSyncedYet: "Not logged yet: mail sync has not reached this message.",
  whyFailed: "Mail sync could not log this message: {detail}. You can log it by hand.",
};

export type LogWords = typeof en;

const es: LogWords = {
  logEmail: "Registrar correo",
  logged: "Registrado en Concilia",
  loggedByHand: "Registrado a mano",
  loggedAutomatically: "Registrado automáticamente por la sincronización del correo; solo lectura",
  whyNoCrmParticipant:
    "No registrado: nadie de este mensaje está en Concilia. Añade un contacto para registrarlo.",
  whyNeverLog:
    "No se registra automáticamente: está en una lista de no registrar ({detail}). Puedes registrarlo a mano.",
  whyInternal:
    "No se registra automáticamente: correo interno, todos sus participantes son de tu organización. Puedes registrarlo a mano.",
  whyAutomated:
    "No se registra automáticamente: es un envío automático ({detail}). Puedes registrarlo a mano.",
  whyNotSyncedYet: "Aún no registrado: la sincronización del correo todavía no ha llegado a este mensaje.",
  whyFailed:
    "La sincronización del correo no pudo registrar este mensaje: {detail}. Puedes registrarlo a mano.",
};

const it: LogWords = {
  logEmail: "Registra email",
  logged: "Registrata in Concilia",
  loggedByHand: "Registrata a mano",
  loggedAutomatically: "Registrata automaticamente dalla sincronizzazione della posta; sola lettura",
  whyNoCrmParticipant:
    "Non registrata: nessuno in questo messaggio è in Concilia. Aggiungi un contatto per registrarla.",
  whyNeverLog:
    "Non registrata automaticamente: è in un elenco da non registrare ({detail}). Puoi comunque registrarla a mano.",
  whyInternal:
    "Non registrata automaticamente: posta interna, tutti i partecipanti sono della tua organizzazione. Puoi comunque registrarla a mano.",
  whyAutomated:
    "Non registrata automaticamente: è un invio automatico ({detail}). Puoi comunque registrarla a mano.",
  whyNotSyncedYet:
    "Non ancora registrata: la sincronizzazione della posta non è ancora arrivata a questo messaggio.",
  whyFailed:
    "La sincronizzazione della posta non è riuscita a registrare questo messaggio: {detail}. Puoi registrarla a mano.",
};

export const logWords: Record<Locale, LogWords> = { en, es, it };

/** R-MAIL-8: the word that says why a message is not logged, for each reason the context gives. */
export const notLoggedWords: Record<NotLoggedReason, keyof LogWords> = {
  "no-crm-participant": "whyNoCrmParticipant",
  "never-log": "whyNeverLog",
  internal: "whyInternal",
  automated: "whyAutomated",
  "not-synced-yet": "whyNotSyncedYet",
  failed: "whyFailed",
};
