// Raw RFC 5322 bytes -> what Concilia keeps of a message. Every ingest path (today the sidebars' "Log
// email" and `concilia inspect-mail`; Gmail/Graph/IMAP sync once it is built) goes through parseEmail.
//
// Where the line is drawn. Real mail is often broken; whatever a mail client would still show is
// repaired and logged: unknown or wrong charsets (charset.ts), a missing closing boundary, an
// unquoted boundary with "=", a boundary on a non-multipart type, duplicate or badly folded headers,
// raw 8-bit headers (headers.ts), an empty forwarded message. Input that is not a usable message is
// refused before anything is stored, with a problem naming what is wrong:
// - 400, not a message: an empty body; no header section (the first line is not "Name: value");
//   binary data in the header section; a header section cut off (the input ends inside a header
//   line, before the blank line); anything the MIME parser itself gives up on.
// - 422, a message that cannot be logged: no sender and no recipients at all; a multipart message
//   without a boundary parameter, or whose boundary never appears (a multipart with no part).
import { type AddressObject, type EmailAddress, type ParsedMail, simpleParser } from "mailparser";
import { safeAttachmentName, unnamedAttachmentName } from "../../shared/attachment-names.js";
import { messageIdsOf } from "../../shared/message-id.js";
import { badRequest, unprocessable } from "../api/problem.js";
import type { MailAddress } from "../db/schema.js";
import { sha256Hex } from "./blobs.js";
import { fallbackIconv } from "./charset.js";
import { declaredCharset, headerValue, joinMessage, type SplitMessage, splitMessage } from "./headers.js";
import { repairPartHeaders } from "./part-headers.js";
import { substituteMessageId } from "./substitute-id.js";

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer;
  /** Content-ID without angle brackets. */
  contentId: string | null;
  /** Shown inside the HTML body through a cid: reference. */
  inline: boolean;
}

export interface ParsedEmail {
  messageId: string;
  /** True when the message had no Message-ID and `messageId` was derived from its content (substitute-id.ts). */
  syntheticMessageId: boolean;
  subject: string;
  date: Date | null;
  from: MailAddress | null;
  sender: MailAddress | null;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  inReplyTo: string[];
  references: string[];
  /** The HTML body as sent: sanitise it (sanitize.ts) before storing or showing it. */
  html: string | null;
  /** The text/plain body, if the message has one. */
  text: string | null;
  attachments: ParsedAttachment[];
  /** Repairs made while reading the message. */
  notes: string[];
}

export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const split = splitMessage(raw);
  checkMultipart(split);
  const notes = [...split.notes];
  const contentType = headerValue(split, "content-type") ?? "";
  const body = repairPartHeaders(split.body, { contentType, charset: declaredCharset(contentType) }, (note) =>
    notes.push(note),
  );
  let mail: ParsedMail;
  try {
    mail = await simpleParser(joinMessage({ ...split, body }), {
      Iconv: fallbackIconv((note) => notes.push(note)),
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      keepCidLinks: true,
      checksumAlgo: "sha256",
    });
  } catch (err) {
    throw badRequest(`The message could not be parsed as MIME: ${(err as Error).message}`);
  }
  const single = (name: string) => addresses(mail.headers.get(name) as AddressObject | undefined)[0] ?? null;
  const from = addresses(mail.from);
  const parsed: Omit<ParsedEmail, "messageId" | "syntheticMessageId" | "attachments"> = {
    subject: noNul(mail.subject ?? "").trim(),
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    from: from[0] ?? null,
    sender: single("sender"),
    replyTo: addresses(mail.replyTo),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    bcc: addresses(mail.bcc),
    inReplyTo: messageIds(mail.inReplyTo),
    references: messageIds(mail.references),
    html: typeof mail.html === "string" && mail.html.trim() ? bodyText(mail.html) : null,
    text: mail.text ? bodyText(mail.text) : null,
    notes: [...new Set(notes)],
  };
  const everyone = [parsed.from, parsed.sender, ...parsed.replyTo, ...parsed.to, ...parsed.cc, ...parsed.bcc];
  if (!everyone.some(Boolean))
    throw unprocessable("The message has no sender and no recipients: no usable From, To or Cc address.");
  const ownId = messageIds(mail.messageId)[0];
  const attachments = attachmentsOf(mail, parsed.html);
  return {
    ...parsed,
    messageId: ownId ?? substituteMessageId({ ...parsed, attachments }),
    syntheticMessageId: !ownId,
    attachments,
  };
}

function checkMultipart(split: SplitMessage): void {
  const type = headerValue(split, "content-type") ?? "";
  const kind = /^\s*(multipart\/[\w.+-]+)/i.exec(type)?.[1]?.toLowerCase();
  if (!kind) return;
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(type);
  if (!boundary)
    throw unprocessable(`The message is declared ${kind} but its Content-Type has no boundary parameter.`);
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const body = split.body.toString("latin1");
  if (!body.startsWith(delimiter) && !body.includes(`\n${delimiter}`))
    throw unprocessable(
      `The message is declared ${kind} but contains no part: its boundary "${delimiter.slice(2)}" never appears.`,
    );
}

function addresses(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const flat = (list: EmailAddress[]): EmailAddress[] => list.flatMap((a) => (a.group ? flat(a.group) : [a]));
  const all = (Array.isArray(field) ? field : field ? [field] : []).flatMap((f) => flat(f.value ?? []));
  const out: MailAddress[] = [];
  for (const a of all) {
    const address = noNul(a.address ?? "")
      .trim()
      .toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) continue;
    const name = noNul(a.name ?? "").trim();
    out.push(name ? { name, address } : { address });
  }
  return out;
}

function messageIds(value: string | string[] | undefined): string[] {
  return messageIdsOf(Array.isArray(value) ? value.join(" ") : (value ?? ""));
}

// Parts mailparser reports besides the files a person attached: unnamed text alternatives of the
// body (text/watch-html, the text/calendar twin of an invitation) and empty unnamed parts (an empty
// forwarded message). Neither is a file anyone sent, so neither is stored.
function attachmentsOf(mail: ParsedMail, html: string | null): ParsedAttachment[] {
  const out: ParsedAttachment[] = [];
  for (const a of mail.attachments) {
    const named = Boolean(a.filename?.trim());
    const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType ?? "")
      ? a.contentType.toLowerCase()
      : "application/octet-stream";
    if (!named && contentType.startsWith("text/") && a.contentDisposition !== "attachment") continue;
    if (!named && a.content.length === 0) continue;
    const contentId = a.cid ? noNul(a.cid).trim() : null;
    out.push({
      filename: named
        ? safeAttachmentName(a.filename as string)
        : unnamedAttachmentName(out.length + 1, contentType),
      contentType,
      size: a.content.length,
      sha256: sha256Hex(a.content),
      content: a.content,
      contentId,
      inline: Boolean(contentId && html && referencesCid(html, contentId)),
    });
  }
  return out;
}

function referencesCid(html: string, contentId: string): boolean {
  const lower = html.toLowerCase();
  return [contentId, encodeURIComponent(contentId)].some((id) => lower.includes(`cid:${id.toLowerCase()}`));
}

/** A byte order mark is not text: Windows tools write one at the start of UTF-8 parts. */
function bodyText(s: string): string {
  return noNul(s).replace(/^\uFEFF/, "");
}

function noNul(s: string): string {
  return s.replace(/\u0000/g, "");
}
