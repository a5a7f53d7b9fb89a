// RFC 822 / MIME writer for hosts that cannot hand over the message file. The server parses what this
// writes with the same parser as every other path (R-MAIL-4), so it only has to be correct, not clever.
import { bracketMessageId, normalizeMessageId } from "../../../shared/message-id.js";

export interface MimeMailbox {
  name: string;
  email: string;
}

export interface MimeAttachment {
  name: string;
  contentType: string;
  inline: boolean;
  content: { base64: string } | { text: string };
}

export interface MessageParts {
  from: MimeMailbox;
  to: MimeMailbox[];
  cc: MimeMailbox[];
  subject: string;
  date: Date;
  messageId: string | null;
  html: string;
  attachments: MimeAttachment[];
}

const CRLF = "\r\n";

function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

const wrap = (b64: string) => b64.replace(/.{1,76}/g, (line) => line + CRLF);

/** RFC 2047 encoded-word when the text is not plain ASCII. */
export function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${utf8Base64(text)}?=`;
}

function mailbox(m: MimeMailbox): string {
  if (!m.name) return `<${m.email}>`;
  const name = /^[\x20-\x7e]*$/.test(m.name) ? `"${m.name.replace(/["\\]/g, "\\$&")}"` : encodeWord(m.name);
  return `${name} <${m.email}>`;
}

function rfc2822Date(d: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

let boundaryCounter = 0;
const boundary = (kind: string) =>
  `=_concilia_${kind}_${Date.now().toString(36)}_${(boundaryCounter++).toString(36)}`;

/** Outlook names inline images' content ids after the file (`image001.png@01D…`); match on that, else order. */
function contentIds(html: string, inline: MimeAttachment[]): Map<MimeAttachment, string> {
  const cids = [...html.matchAll(/cid:([^"'\s)>]+)/gi)].map((m) => decodeURIComponent(m[1]));
  const result = new Map<MimeAttachment, string>();
  const free = new Set(cids);
  for (const a of inline) {
    const byName = [...free].find((c) => c.toLowerCase().startsWith(a.name.toLowerCase()));
    if (byName) {
      result.set(a, byName);
      free.delete(byName);
    }
  }
  for (const a of inline) {
    if (result.has(a)) continue;
    const next = [...free][0];
    if (next) free.delete(next);
    result.set(a, next ?? `${a.name}@concilia`);
  }
  return result;
}

function attachmentPart(a: MimeAttachment, cid: string | undefined): string {
  const name = encodeWord(a.name).replace(/"/g, "");
  const headers = [
    `Content-Type: ${a.contentType || "application/octet-stream"}; name="${name}"`,
    `Content-Disposition: ${a.inline ? "inline" : "attachment"}; filename="${name}"`,
    ...(cid ? [`Content-ID: <${cid}>`] : []),
  ];
  if (a.contentType === "message/rfc822" && "text" in a.content)
    return headers.join(CRLF) + CRLF + CRLF + a.content.text.replace(/\r?\n/g, CRLF) + CRLF;
  const b64 = "base64" in a.content ? a.content.base64.replace(/\s+/g, "") : utf8Base64(a.content.text);
  return [...headers, "Content-Transfer-Encoding: base64"].join(CRLF) + CRLF + CRLF + wrap(b64);
}

function multipart(type: string, parts: string[]): string {
  const b = boundary(type);
  const body = parts.map((p) => `--${b}${CRLF}${p}`).join(CRLF) + `${CRLF}--${b}--${CRLF}`;
  return `Content-Type: multipart/${type}; boundary="${b}"${CRLF}${CRLF}${body}`;
}

export function buildMessage(m: MessageParts): string {
  const htmlPart =
    `Content-Type: text/html; charset=utf-8${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}` +
    wrap(utf8Base64(m.html));
  const inline = m.attachments.filter((a) => a.inline);
  const files = m.attachments.filter((a) => !a.inline);
  const cids = contentIds(m.html, inline);
  const related = inline.length
    ? multipart("related", [htmlPart, ...inline.map((a) => attachmentPart(a, cids.get(a)))])
    : htmlPart;
  const body = files.length
    ? multipart("mixed", [related, ...files.map((a) => attachmentPart(a, undefined))])
    : related;
  const headers = [
    `From: ${mailbox(m.from)}`,
    ...(m.to.length ? [`To: ${m.to.map(mailbox).join(", ")}`] : []),
    ...(m.cc.length ? [`Cc: ${m.cc.map(mailbox).join(", ")}`] : []),
    `Subject: ${encodeWord(m.subject)}`,
    `Date: ${rfc2822Date(m.date)}`,
    ...(m.messageId && normalizeMessageId(m.messageId)
      ? [`Message-ID: ${bracketMessageId(m.messageId)}`]
      : []),
    "MIME-Version: 1.0",
  ];
  return headers.join(CRLF) + CRLF + body;
}
