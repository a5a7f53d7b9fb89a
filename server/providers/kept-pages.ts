// A provider's pages of changes, kept in the worker's memory for a while. Calendars are listed in the
// provider's largest pages (Google's 2,500 events, Graph's 999 calendarView rows: one request where the
// engine's batches of 50 took dozens), while the engine stores and commits a batch at a time; the
// batches after the first are cut from the page kept here, also by the next step of the same
// connection. Lost (another worker, a restart, expired), the page is asked for again with the same
// cursor: one request more, never an item less (page-position.ts says where the next batch starts).

/** Long enough for the steps that store one page, short enough to hold little. */
const KEPT_MS = 10 * 60_000;

const everyKeeper: KeptPages<unknown>[] = [];

/** Pages of one kind, by a key that names the connection, the scope and the page's own cursor. */
export class KeptPages<Page> {
  private readonly pages = new Map<string, { page: Page; until: number }>();

  /** `most`: pages kept at most, across connections and scopes (the oldest goes first). */
  constructor(private readonly most = 32) {
    everyKeeper.push(this as KeptPages<unknown>);
  }

  get(key: string, now = Date.now()): Page | undefined {
    const hit = this.pages.get(key);
    if (!hit) return undefined;
    if (hit.until > now) return hit.page;
    this.pages.delete(key);
    return undefined;
  }

  keep(key: string, page: Page, now = Date.now()) {
    this.pages.delete(key);
    this.pages.set(key, { page, until: now + KEPT_MS });
    for (const old of this.pages.keys()) {
      if (this.pages.size <= this.most) break;
      this.pages.delete(old);
    }
  }

  /** A page stored to its end is not needed again. */
  drop(key: string) {
    this.pages.delete(key);
  }

  clear() {
    this.pages.clear();
  }
}

/** Forgets every kept page of every provider, as a worker that restarted would. */
export const forgetKeptPages = () => {
  for (const keeper of everyKeeper) keeper.clear();
};
