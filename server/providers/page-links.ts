// A listing that follows a provider's next links (or page tokens) ends: a link given again within one
// listing would have the reader ask for the same pages for ever, so it is a classified failure (R-P-4).
import { SyncError } from "../sync/errors.js";

/** The links of one listing, each once; `next(link)` hands a new link back and refuses one seen before. */
export function onceEach(provider: string, what: string) {
  const seen = new Set<string>();
  return (link: string | undefined): string | undefined => {
    if (link === undefined) return undefined;
    if (seen.has(link))
      throw new SyncError("unknown", `The ${provider} server's pages of ${what} go round in a circle.`);
    seen.add(link);
    return link;
  };
}
