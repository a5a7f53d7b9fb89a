// `concilia inspect-mail FILE.eml`: what the ingest pipeline would store for a message, without
// storing it. Inline images point at their attachment by position, as ids exist only once stored.
import { renderBody } from "./body.js";
import { parseEmail } from "./parse.js";

export async function inspectMail(raw: Buffer): Promise<object> {
  const mail = await parseEmail(raw);
  const position = new Map(mail.attachments.map((a, i) => [a.contentId?.toLowerCase(), i]));
  const body = renderBody(mail, (cid) => {
    const i = position.get(cid.toLowerCase());
    return i === undefined ? undefined : `attachments/${i}`;
  });
  return {
    messageId: mail.messageId,
    syntheticMessageId: mail.syntheticMessageId,
    subject: mail.subject,
    date: mail.date?.toISOString() ?? null,
    from: mail.from,
    sender: mail.sender,
    replyTo: mail.replyTo,
    to: mail.to,
    cc: mail.cc,
    bcc: mail.bcc,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    html: body.html,
    text: body.text,
    attachments: mail.attachments.map(({ content: _bytes, ...a }) => a),
    notes: mail.notes,
  };
}
