// What is stored and shown of a message body: sanitised HTML and its plain-text rendition.
import type { ParsedEmail } from "./parse.js";
import { plainTextOf } from "./plain-text.js";
import { sanitizeEmailHtml } from "./sanitize.js";

export function renderBody(
  mail: ParsedEmail,
  attachmentUrl: (contentId: string) => string | undefined,
): { html: string | null; text: string } {
  const html = mail.html ? sanitizeEmailHtml(mail.html, attachmentUrl) : null;
  return { html: html?.trim() ? html : null, text: plainTextOf(mail.text ?? undefined, html) };
}
