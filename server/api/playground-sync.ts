// Dev mode only: what the playground's "Try sync" panel needs beyond the public API. `POST
// /playground/demo-mail` puts the next demo message in the demo user's emulated Gmail and Microsoft
// mailboxes (server/dev/emulators.ts) and starts a sync of the user's Google and Microsoft connections
// now, as a provider's push notification would.
import type { FastifyInstance } from "fastify";
import { authenticate } from "../auth/authenticate.js";
import { listConnections } from "../connections/connections.js";
import type { AppContext } from "../context.js";
import { emulatorOrigins, sendNextDemoMail } from "../dev/emulators.js";
import { queueSync } from "../sync/trigger.js";
import { conflict, unauthorized } from "./problem.js";

export function playgroundSyncRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post("/playground/demo-mail", async (req, reply) => {
    // Outside /api/ the request is not authenticated by the app's hook.
    const user = await authenticate(ctx, req.headers.authorization);
    if (!user) throw unauthorized("Sign in first: send 'Authorization: Bearer <token>'.");
    if (!emulatorOrigins(ctx.config))
      throw conflict(
        "The Google and Microsoft emulators are not running: a real OAuth client is configured, so there is no demo mailbox to send to.",
      );
    const mail = await sendNextDemoMail(ctx.config);
    const synced = (await listConnections(ctx.db, user.id)).filter(
      (c) => c.provider === "google" || c.provider === "microsoft",
    );
    await ctx.db.transaction(async (tx) => {
      for (const c of synced) await queueSync(ctx, tx, c.id);
    });
    return reply.code(201).send({
      subject: mail.subject,
      from: mail.sent ? null : mail.other,
      kind: mail.kind,
      syncing: synced.map((c) => c.id),
    });
  });
}
