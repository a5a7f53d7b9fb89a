// A Graph message's MIME ($value) as the fetched item the ingest reads; the folder gives the direction.
import type { FetchedItem, FolderRole } from "../types.js";
import type { GraphFolder } from "./list-changes.js";

export const graphFolderRole = (folder: GraphFolder): FolderRole =>
  folder === "sentitems" ? "sent" : "inbox";

/** Non-JSON answers inside a $batch come back base64-encoded. */
export function batchBodyBytes(body: unknown): Buffer | null {
  return typeof body === "string" ? Buffer.from(body, "base64") : null;
}

export function mapGraphMessage(id: string, raw: Buffer, folder: GraphFolder): FetchedItem {
  return { key: id, ref: { id }, raw, meta: { folder: graphFolderRole(folder) } };
}
