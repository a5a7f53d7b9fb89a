/// <reference types="office-js" />
// For hosts without getAsFileAsync (before Mailbox 1.14): the message rebuilt as RFC 822 from what
// Office.js gives (headers, HTML body, attachment contents). Loaded only when the user logs.
import { buildMessage, type MimeAttachment } from "../log/mime.js";
import { officeCall, supports } from "./office-async.js";

export async function rebuildMessage(
  item: Office.MessageRead,
  profile: Office.UserProfile,
): Promise<Uint8Array> {
  const html = await officeCall<string>((cb) => item.body.getAsync(Office.CoercionType.Html, cb));
  const attachments: MimeAttachment[] = [];
  if (supports("Mailbox", "1.8")) {
    for (const a of item.attachments ?? []) {
      if (a.attachmentType === Office.MailboxEnums.AttachmentType.Cloud) continue;
      const content = await officeCall<Office.AttachmentContent>((cb) =>
        item.getAttachmentContentAsync(a.id, cb),
      );
      const format = content.format as string;
      if (format === "url") continue;
      attachments.push({
        name: a.name,
        contentType:
          format === "eml" ? "message/rfc822" : format === "iCalendar" ? "text/calendar" : a.contentType,
        inline: a.isInline,
        content: format === "base64" ? { base64: content.content } : { text: content.content },
      });
    }
  }
  const from = item.from ?? item.sender;
  const mailbox = (d: Office.EmailAddressDetails) => ({ name: d.displayName, email: d.emailAddress });
  return new TextEncoder().encode(
    buildMessage({
      from: from ? mailbox(from) : { name: profile.displayName, email: profile.emailAddress },
      to: (item.to ?? []).map(mailbox),
      cc: (item.cc ?? []).map(mailbox),
      subject: item.subject ?? "",
      date: item.dateTimeCreated ?? new Date(),
      messageId: item.internetMessageId || null,
      html,
      attachments,
    }),
  );
}
