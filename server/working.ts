// What a process that works the queue runs (`concilia worker`, and `concilia serve` with its inline
// worker): the job queue, and the IMAP IDLE watches of the connections it syncs (CONCILIA_IMAP_IDLE).
import type { AppContext } from "./context.js";
import { type ImapWatches, startImapWatches } from "./providers/imap/idle-watches.js";

const watchesOf = new WeakMap<AppContext, ImapWatches>();

export async function startWorking(ctx: AppContext): Promise<void> {
  await ctx.jobs.work(ctx);
  if (ctx.config.CONCILIA_IMAP_IDLE === "on" && !watchesOf.has(ctx))
    watchesOf.set(ctx, startImapWatches(ctx));
}

/** The IDLE watches this process keeps, if it works the queue with them on. */
export const imapWatchesOf = (ctx: AppContext): ImapWatches | undefined => watchesOf.get(ctx);

/** Ends the watches (the queue is stopped by closeContext after this). */
export async function stopWorking(ctx: AppContext): Promise<void> {
  await watchesOf.get(ctx)?.stop();
  watchesOf.delete(ctx);
}
