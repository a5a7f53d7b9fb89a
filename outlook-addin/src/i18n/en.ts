import { cardWords } from "../../../shared/card-words.js";
import { codeWords } from "../../../shared/code-words.js";
import { logWords } from "../../../shared/log-words.js";
import { meetingWords } from "../../../shared/meeting-words.js";
import { searchWords } from "../../../shared/search-words.js";
import { syncWords } from "../../../shared/sync-words.js";
export const en = {
  ...syncWords.en,
  ...cardWords.en,
  ...logWords.en,
  ...meetingWords.en,
  ...searchWords.en,
  ...codeWords.en,
  loading: "Loading…",
  empty: "Select a message to see its contacts in Concilia.",
  noOne: "No one else is on this message.",
  signedOut: "Sign in to see this message's contacts in Concilia.",
  signIn: "Sign in",
  unreachable: "Concilia can't be reached. Check your connection and try again.",
  error: "Something went wrong.",
  requestId: "Request id",
  role: "Job title",
  participants: "Participants",
  recipients: "Recipients",
  saving: "Saving…",
  created: "{name} was added to Concilia.",
  logging: "Logging…",
  attachmentsToLog: "Attachments to log",
  inlineImage: "inline image",
  attachmentNotFound:
    "Not logged: {name} could not be found in the message, so it cannot be left out. Tick it to log the message with it.",
  date: "Date",
  searchCity: "Search by city",
  noTimeZoneMatch: "No time zone matches “{q}”.",
  noAttendees: "No CRM participants on this message.",
  close: "Close",
  noPlannedActivities: "Nothing planned",
  addTo: "Add to {name}",
  searchLabel: "Look up in Concilia",
  searching: "Searching…",
  resultsLeads: "Leads",
  noAddress: "no email address",
  backToResults: "Back to results",
  closeSearch: "Close search",
};
export type Catalog = typeof en;
