import { type AddressObject, simpleParser } from "mailparser";

/** What both mail emulators need to know about a stored RFC 822 message. */
export type Address = { name: string; address: string };

export type MailFacts = {
  messageId: string;
  inReplyTo: string | null;
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  date: Date;
  text: string;
  html: string | null;
  hasAttachments: boolean;
};

function addresses(value: AddressObject | AddressObject[] | undefined): Address[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((group) =>
    group.value.map((a) => ({ name: a.name ?? "", address: (a.address ?? "").toLowerCase() })),
  );
}

/** Parses the headers and body facts of a raw message (bytes are kept verbatim elsewhere). */
export async function readMail(raw: Buffer, fallbackDate: Date): Promise<MailFacts> {
  const parsed = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  return {
    messageId: parsed.messageId ?? "",
    inReplyTo: parsed.inReplyTo ?? null,
    subject: parsed.subject ?? "",
    from: addresses(parsed.from)[0] ?? null,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    date: parsed.date ?? fallbackDate,
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : null,
    hasAttachments: parsed.attachments.some((a) => a.contentDisposition !== "inline"),
  };
}

/** Gmail and Graph both show the start of the text; Gmail HTML-escapes it (quirk 30). */
export function snippetOf(text: string, length = 200): string {
  return text.replace(/\s+/g, " ").trim().slice(0, length);
}

export function htmlEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function formatAddress(a: Address): string {
  return a.name ? `"${a.name.replace(/"/g, "")}" <${a.address}>` : a.address;
}
