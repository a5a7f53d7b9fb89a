// R-MAIL-7: mail sent by a machine rather than a person (newsletters, notifications, bounces, out of
// office replies) is not logged automatically. Read from the headers as sent, before anything is parsed.
import type { MailAddress } from "../db/schema.js";
import { headerValue, type SplitMessage } from "./headers.js";

/** Local parts of senders that are machines: no-reply@, noreply@, mailer-daemon@, postmaster@. */
const MACHINE_SENDER =
  /^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster)(?:[-+_.].*)?$/;

/**
 * The header that shows a message is automated, as `Name: value` for the user to read, or null:
 * `Auto-Submitted` other than `no` (RFC 3834), `Precedence: bulk|list|junk`, `List-Unsubscribe` or
 * `List-Id` (RFC 2369, 2919: a mailing list), a no-reply or mail-system sender.
 */
export function automatedBy(head: SplitMessage, senders: (MailAddress | null)[]): string | null {
  const value = (name: string) => headerValue(head, name.toLowerCase())?.trim().slice(0, 200);
  const auto = value("Auto-Submitted");
  if (auto && auto.split(";")[0].trim().toLowerCase() !== "no") return `Auto-Submitted: ${auto}`;
  const precedence = value("Precedence");
  if (precedence && /^(bulk|list|junk)$/i.test(precedence)) return `Precedence: ${precedence}`;
  // The unsubscribe links are long and mean nothing to the reader: the header's name says enough.
  if (value("List-Unsubscribe")) return "List-Unsubscribe";
  if (value("List-Id")) return `List-Id: ${value("List-Id")}`;
  for (const s of senders)
    if (s && MACHINE_SENDER.test(s.address.split("@")[0] ?? "")) return `From: ${s.address}`;
  return null;
}
