import type { Address } from "../shared/mail.js";
import { graphError } from "./errors.js";
import type { GraphMailbox, GraphMessage } from "./mailbox.js";

/** A message as Graph serialises it, and `$select` applied the way Graph applies it. */
const recipient = (a: Address) => ({ emailAddress: { name: a.name || a.address, address: a.address } });

/** Message timestamps carry no fraction (quirk 2). */
export const graphInstant = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export function messageJson(box: GraphMailbox, m: GraphMessage, immutable: boolean, textBody: boolean) {
  const f = m.facts;
  const id = immutable ? m.immutableId : m.restId;
  const html = f.html ?? `<html><body><pre>${f.text}</pre></body></html>`;
  return {
    "@odata.etag": `W/"${m.changeKey}"`,
    id,
    createdDateTime: graphInstant(m.created),
    lastModifiedDateTime: graphInstant(m.modified),
    changeKey: m.changeKey,
    categories: m.categories,
    receivedDateTime: graphInstant(m.received),
    sentDateTime: graphInstant(f.date.getTime()),
    hasAttachments: f.hasAttachments,
    internetMessageId: f.messageId,
    subject: f.subject,
    bodyPreview: f.text.replace(/\s+/g, " ").trim().slice(0, 255),
    importance: "normal",
    parentFolderId: m.folderId,
    conversationId: m.conversationId,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: m.isRead,
    isDraft: box.folders.get(m.folderId)?.wellKnownName === "drafts",
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: "focused",
    body: textBody ? { contentType: "text", content: f.text } : { contentType: "html", content: html },
    sender: f.from ? recipient(f.from) : null,
    from: f.from ? recipient(f.from) : null,
    toRecipients: f.to.map(recipient),
    ccRecipients: f.cc.map(recipient),
    bccRecipients: [],
    replyTo: [],
    flag: { flagStatus: "notFlagged" },
  };
}

export type MessageJson = ReturnType<typeof messageJson>;

/** Parses `$select`; an unknown property is a 400, as on Graph. */
export function parseSelect(value: string | null): string[] | Response | null {
  if (!value) return null;
  const fields = value.split(",").map((f) => f.trim());
  const known = Object.keys(messageJsonShape);
  const unknown = fields.find((f) => !known.some((k) => k.toLowerCase() === f.toLowerCase()));
  if (unknown) {
    return graphError(
      400,
      "RequestBroker--ParseUri",
      `Could not find a property named '${unknown}' on type 'microsoft.graph.message'.`,
    );
  }
  return fields.map((f) => known.find((k) => k.toLowerCase() === f.toLowerCase())!);
}

const messageJsonShape: Record<string, true> = Object.fromEntries(
  [
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "changeKey",
    "categories",
    "receivedDateTime",
    "sentDateTime",
    "hasAttachments",
    "internetMessageId",
    "subject",
    "bodyPreview",
    "importance",
    "parentFolderId",
    "conversationId",
    "isDeliveryReceiptRequested",
    "isReadReceiptRequested",
    "isRead",
    "isDraft",
    "webLink",
    "inferenceClassification",
    "body",
    "sender",
    "from",
    "toRecipients",
    "ccRecipients",
    "bccRecipients",
    "replyTo",
    "flag",
  ].map((k) => [k, true]),
);

export function applySelect(full: MessageJson, select: string[] | null): Record<string, unknown> {
  if (!select) return full;
  const out: Record<string, unknown> = { "@odata.etag": full["@odata.etag"], id: full.id };
  for (const field of select) out[field] = full[field as keyof MessageJson];
  return out;
}
