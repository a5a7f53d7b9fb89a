// The words of the Concilia search in both sidebars (find a record, add an address to it). Placeholders
// in braces are filled by each catalog's t().
import type { Locale } from "./i18n.js";

const en = {
  addToExisting: "Add to existing",
  findRecord: "Find a person or company",
  addedTo: "{address} was added to {name}.",
  searchCrm: "Search Concilia",
  searchHint: "A person, company or lead by name, email address or phone number.",
  search: "Search",
  noResults: "Nothing in Concilia matches “{q}”.",
  resultsPersons: "Persons",
  resultsCompanies: "Companies",
};

export type SearchWords = typeof en;

const es: SearchWords = {
  addToExisting: "Añadir a uno existente",
  findRecord: "Busca una persona o empresa",
  addedTo: "{address} se ha añadido a {name}.",
  searchCrm: "Buscar en Concilia",
  searchHint: "Una persona, empresa o lead por nombre, correo electrónico o teléfono.",
  search: "Buscar",
  noResults: "Nada en Concilia coincide con «{q}».",
  resultsPersons: "Personas",
  resultsCompanies: "Empresas",
};

const it: SearchWords = {
  addToExisting: "Aggiungi a uno esistente",
  findRecord: "Cerca una persona o un'azienda",
  addedTo: "{address} è stato aggiunto a {name}.",
  searchCrm: "Cerca in Concilia",
  searchHint: "Una persona, un'azienda o un lead per nome, indirizzo email o telefono.",
  search: "Cerca",
  noResults: "Nessun risultato in Concilia per «{q}».",
  resultsPersons: "Persone",
  resultsCompanies: "Aziende",
};

export const searchWords: Record<Locale, SearchWords> = { en, es, it };
