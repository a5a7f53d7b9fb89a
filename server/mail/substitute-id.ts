// R-MAIL-4: a message without a Message-ID is still logged once. Its substitute id is derived from
// what a person reads in it (date, sender, recipients, subject, text), never from its bytes, so the
// same message arriving with LF instead of CRLF, rebuilt with a fresh MIME boundary (the Outlook
// pane's rebuild), or re-encoded (base64 instead of quoted-printable) gets the same id.
// The text is reduced to its letters and digits: line wrapping, spacing and the punctuation of a
// text rendition (bullets, rules) differ between such copies, the words do not. The text of the
// HTML is preferred, as a rebuilt copy may keep the HTML alone. A message with no text at all (a
// scanner's attachment) is told apart by the SHA-256 of its attachments, which no re-encoding changes.
import { createHash } from "node:crypto";
import type { MailAddress } from "../db/schema.js";
import { htmlToPlainText } from "./plain-text.js";

export interface Readable {
  date: Date | null;
  from: MailAddress | null;
  to: MailAddress[];
  subject: string;
  html: string | null;
  text: string | null;
  attachments: { sha256: string }[];
}

export function substituteMessageId(mail: Readable): string {
  const body = (mail.html ? htmlToPlainText(mail.html) : (mail.text ?? ""))
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
  const seen = JSON.stringify([
    mail.date ? new Date(Math.floor(mail.date.getTime() / 1000) * 1000).toISOString() : "",
    mail.from?.address ?? "",
    [...new Set(mail.to.map((a) => a.address))].sort(),
    mail.subject.normalize("NFKC").replace(/\s+/g, " ").trim(),
    body || mail.attachments.map((a) => a.sha256).sort(),
  ]);
  return `sha256-${createHash("sha256").update(seen).digest("hex")}@concilia.invalid`;
}
