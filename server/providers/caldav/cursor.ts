// Where the sync of one CalDAV calendar stands. Plain JSON, stored by the engine as it is and committed
// in the same transaction as the items it covers.
import { z } from "zod";

export const caldavCursorSchema = z.object({
  v: z.literal(1),
  /** The calendar collection the cursor belongs to; another calendar's cursor is no cursor. */
  calendarUrl: z.string().url(),
  /**
   * sync-collection: `syncToken` is RFC 6578's token (opaque; "0" or "" still count as tokens once the
   * server gave them). etag-listing (servers without sync-collection): `ctag` says whether anything
   * changed and `etags` (href → ETag) is the listing the next one is compared with.
   */
  mode: z.enum(["sync-collection", "etag-listing"]),
  syncToken: z.string().nullable(),
  ctag: z.string().nullable(),
  etags: z.record(z.string(), z.string()).nullable(),
  /**
   * While a full listing runs over several truncated answers: the hrefs listed so far, so that its
   * last page can tell which known items are gone.
   */
  fullListing: z
    .object({ seen: z.array(z.string()) })
    .nullable()
    .optional(),
  /**
   * Changes the server listed beyond the page limit, handed out by the next calls before the server
   * is asked again (with `syncToken`, which already covers them); `more`: the server's own answer was
   * truncated too.
   */
  pending: z
    .object({
      changes: z.array(z.object({ href: z.string(), etag: z.string().nullable(), removed: z.boolean() })),
      more: z.boolean(),
    })
    .nullable()
    .optional(),
});

export type CaldavCursor = z.infer<typeof caldavCursorSchema>;

/** Reads a stored cursor; a cursor that does not parse is treated as none (a full listing follows). */
export function parseCaldavCursor(value: unknown): CaldavCursor | null {
  const parsed = caldavCursorSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
