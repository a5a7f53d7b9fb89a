// Where the sync of one IMAP folder stands. Plain JSON (numbers and strings, never BigInt), so the engine
// stores it as it is and commits it in the same transaction as the messages it covers.
import { z } from "zod";

export const imapFolderCursorSchema = z.object({
  v: z.literal(1),
  path: z.string().min(1),
  /** UIDVALIDITY as a decimal string: UIDs only mean something together with it. */
  uidValidity: z.string().regex(/^\d+$/),
  /** Every UID up to this one has been handed out (or lay outside the backfill window). */
  lastUid: z.number().int().min(0),
  /** HIGHESTMODSEQ (CONDSTORE) as a decimal string when the server has one. */
  highestModseq: z.string().regex(/^\d+$/).nullable(),
  /**
   * While the first scan runs: the window start (ISO date-time) and the last UID that existed when it
   * began. Messages up to `untilUid` are taken only if they arrived on or after `since`; later ones always.
   */
  backfill: z.object({ since: z.iso.datetime(), untilUid: z.number().int().min(0) }).nullable(),
});

export type ImapFolderCursor = z.infer<typeof imapFolderCursorSchema>;

/** Reads a stored cursor; a cursor that does not parse is treated as none (a safe re-scan follows). */
export function parseImapCursor(value: unknown): ImapFolderCursor | null {
  const parsed = imapFolderCursorSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
