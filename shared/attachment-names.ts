// How an attachment is named when stored. The server names what it stores this way and the Outlook
// pane names the parts it lists the same way, so the two lists line up name by name (R-SB-3).

const EXTENSIONS: Record<string, string> = {
  "message/rfc822": ".eml",
  "text/calendar": ".ics",
  "text/html": ".html",
  "text/plain": ".txt",
  "image/png": ".png",
  "image/gif": ".gif",
  "image/jpeg": ".jpg",
  "application/pdf": ".pdf",
  "application/x-gzip": ".gz",
  "application/gzip": ".gz",
};

/** A file name safe to store and serve: no control characters or path separators, at most 255 characters. */
export function safeAttachmentName(name: string): string {
  return name
    .replace(/[\x00-\x1f\x7f/\\]/g, "_")
    .trim()
    .slice(0, 255);
}

/** The name of an attachment that has none: its position (1-based) and an extension for its type. */
export function unnamedAttachmentName(position: number, contentType: string): string {
  return `attachment-${position}${EXTENSIONS[contentType] ?? ".bin"}`;
}
