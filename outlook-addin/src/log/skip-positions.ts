// Which attachments to leave out, as the server names them: their positions in the message's
// attachment list (POST /api/v1/emails?skipAttachment=<position>).
//
// The rule that maps Outlook's list onto the server's. Outlook lists attachments in its own order
// and without the MIME structure; the server numbers the parts of the message it receives in
// document order, and both ways the pane obtains that message (Outlook's EML, or the rebuild in
// mime.ts) put inline images, inside multipart/related, before the files. So order alone does not
// match; names do. Each Outlook attachment is paired, in Outlook's order, with an unpaired part of
// the same name (case-insensitive): among several such parts, the one of the same size, else the
// first. Attachments no part is named after (an attached mail is named after its subject in
// Outlook, an unnamed part is attachment-N.ext on the server) are then paired with the unpaired
// parts in order, but only when as many are left on each side. Cloud attachments are links, not
// parts, and are never paired. An unticked attachment that cannot be paired stops the logging:
// leaving out the wrong file without a word would be worse than not logging.
import type { AttachmentSummary } from "../host/types.js";
import { attachmentParts } from "./attachment-parts.js";

/** An attachment the user unticked that the message does not contain recognisably. */
export class UnmatchedAttachment extends Error {
  constructor(readonly attachment: string) {
    super(`No part of the message is the attachment '${attachment}'.`);
  }
}

const key = (name: string) =>
  name
    .replace(/[\x00-\x1f\x7f/\\]/g, "_")
    .trim()
    .toLowerCase();

export function skipPositions(
  raw: Uint8Array,
  attachments: AttachmentSummary[],
  skipped: ReadonlySet<string>,
): number[] {
  if (!skipped.size) return [];
  const parts = attachmentParts(raw).map((p, position) => ({ ...p, position, paired: false }));
  const files = attachments.filter((a) => a.kind !== "cloud");
  const pairs = new Map<string, number>();
  for (const a of files) {
    const named = parts.filter((p) => !p.paired && key(p.name) === key(a.name));
    const part = named.find((p) => p.size === a.size) ?? named[0];
    if (!part) continue;
    part.paired = true;
    pairs.set(a.id, part.position);
  }
  const leftFiles = files.filter((a) => !pairs.has(a.id));
  const leftParts = parts.filter((p) => !p.paired);
  if (leftFiles.length === leftParts.length)
    for (const [i, a] of leftFiles.entries()) pairs.set(a.id, leftParts[i].position);

  return files
    .filter((a) => skipped.has(a.id))
    .map((a) => {
      const position = pairs.get(a.id);
      if (position === undefined) throw new UnmatchedAttachment(a.name);
      return position;
    })
    .sort((x, y) => x - y);
}
