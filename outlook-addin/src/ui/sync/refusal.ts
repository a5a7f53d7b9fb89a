import { refusalWord } from "../../../../shared/sync-words.js";
import { ApiProblem } from "../../api/client.js";
import type { I18n } from "../../i18n/index.js";

/**
 * A refusal of the connections API (422: R-CON-4 IMAP with calendars, R-CON-5 POP3, R-CON-7 iCloud
 * not the user's) in the user's language, found by the field it names; null for any other error.
 */
export function refusalText(err: unknown, t: I18n["t"], address: string): string | null {
  if (!(err instanceof ApiProblem) || err.status !== 422) return null;
  const word = refusalWord(err.errors.map((e) => e.path));
  return word ? t(word, { address }) : null;
}
