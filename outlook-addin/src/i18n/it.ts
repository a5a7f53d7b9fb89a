import { cardWords } from "../../../shared/card-words.js";
import { codeWords } from "../../../shared/code-words.js";
import { logWords } from "../../../shared/log-words.js";
import { meetingWords } from "../../../shared/meeting-words.js";
import { searchWords } from "../../../shared/search-words.js";
import { syncWords } from "../../../shared/sync-words.js";
import type { Catalog } from "./en.js";

export const it: Catalog = {
  ...syncWords.it,
  ...cardWords.it,
  ...logWords.it,
  ...meetingWords.it,
  ...searchWords.it,
  ...codeWords.it,
  loading: "Caricamento…",
  empty: "Seleziona un messaggio per vederne i contatti in Concilia.",
  noOne: "Non ci sono altri partecipanti in questo messaggio.",
  signedOut: "Accedi per vedere i contatti di questo messaggio in Concilia.",
  signIn: "Accedi",
  unreachable: "Impossibile raggiungere Concilia. Controlla la connessione e riprova.",
  error: "Qualcosa è andato storto.",
  requestId: "ID richiesta",
  role: "Ruolo",
  participants: "Partecipanti",
  recipients: "Destinatari",
  saving: "Salvataggio…",
  created: "{name} è stato aggiunto a Concilia.",
  logging: "Registrazione…",
  attachmentsToLog: "Allegati da registrare",
  inlineImage: "immagine incorporata",
  attachmentNotFound:
    "Non registrato: {name} non si trova nel messaggio, quindi non può essere escluso. Selezionalo per registrare il messaggio con l'allegato.",
  date: "Data",
  searchCity: "Cerca per città",
  noTimeZoneMatch: "Nessun fuso orario corrisponde a «{q}».",
  noAttendees: "Nessun partecipante del CRM in questo messaggio.",
  close: "Chiudi",
  noPlannedActivities: "Niente in programma",
  addTo: "Aggiungi a {name}",
  searchLabel: "Cerca in Concilia",
  searching: "Ricerca…",
  resultsLeads: "Lead",
  noAddress: "nessun indirizzo email",
  backToResults: "Torna ai risultati",
  closeSearch: "Chiudi ricerca",
};
