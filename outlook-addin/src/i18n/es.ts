import { cardWords } from "../../../shared/card-words.js";
import { codeWords } from "../../../shared/code-words.js";
import { logWords } from "../../../shared/log-words.js";
import { meetingWords } from "../../../shared/meeting-words.js";
import { searchWords } from "../../../shared/search-words.js";
import { syncWords } from "../../../shared/sync-words.js";
import type { Catalog } from "./en.js";

export const es: Catalog = {
  ...syncWords.es,
  ...cardWords.es,
  ...logWords.es,
  ...meetingWords.es,
  ...searchWords.es,
  ...codeWords.es,
  loading: "Cargando…",
  empty: "Selecciona un mensaje para ver sus contactos en Concilia.",
  noOne: "No hay más participantes en este mensaje.",
  signedOut: "Inicia sesión para ver los contactos de este mensaje en Concilia.",
  signIn: "Iniciar sesión",
  unreachable: "No se puede conectar con Concilia. Comprueba la conexión y vuelve a intentarlo.",
  error: "Algo ha fallado.",
  requestId: "Id. de solicitud",
  role: "Cargo",
  participants: "Participantes",
  recipients: "Destinatarios",
  saving: "Guardando…",
  created: "{name} se ha añadido a Concilia.",
  logging: "Registrando…",
  attachmentsToLog: "Adjuntos que se registran",
  inlineImage: "imagen insertada",
  attachmentNotFound:
    "No se ha registrado: {name} no se encuentra en el mensaje, así que no se puede dejar fuera. Márcalo para registrar el mensaje con él.",
  date: "Fecha",
  searchCity: "Buscar por ciudad",
  noTimeZoneMatch: "Ninguna zona horaria coincide con «{q}».",
  noAttendees: "Este mensaje no tiene participantes del CRM.",
  close: "Cerrar",
  noPlannedActivities: "Nada planificado",
  addTo: "Añadir a {name}",
  searchLabel: "Buscar en Concilia",
  searching: "Buscando…",
  resultsLeads: "Leads",
  noAddress: "sin correo electrónico",
  backToResults: "Volver a los resultados",
  closeSearch: "Cerrar búsqueda",
};
