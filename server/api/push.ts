// Provider push (R-P-2): Gmail's Cloud Pub/Sub pushes and Microsoft Graph's change and lifecycle
// notifications. Public (the providers carry no Concilia token) but each checks its own secret — the
// token in the push URL, the subscription's clientState — and does nothing when it is wrong or missing.
// They answer at once: the sync itself runs later (`onChange` only asks for it).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { verifyChannel } from "../providers/google/calendar-channel.js";
import { storedChannels } from "../providers/google/calendar-watch-upkeep.js";
import { parseGmailPush, verifyGmailPushToken } from "../providers/google/push.js";
import {
  keepOnLifecycle,
  readGraphNotifications,
  validationToken,
} from "../providers/graph/notifications.js";
import { badRequest, forbidden } from "./problem.js";
import { route } from "./route.js";

const pubsubPush = z.looseObject({
  message: z.looseObject({
    data: z.string().max(4096).describe('base64 of {"emailAddress": "…", "historyId": 1234}'),
    messageId: z.string().optional(),
    publishTime: z.string().optional(),
  }),
  subscription: z.string().optional(),
});

const graphNotifications = z.looseObject({
  value: z.array(z.looseObject({ subscriptionId: z.string(), clientState: z.string().nullish() })).max(1000),
});

/** Graph's validation tokens are short sentences; anything longer is not one. */
const MAX_VALIDATION_TOKEN = 1024;

export function pushRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.register(async (scope) => {
    // Graph's validation request is an empty text/plain POST.
    scope.addContentTypeParser("text/plain", { parseAs: "string", bodyLimit: 64 * 1024 }, (_r, body, done) =>
      done(null, body),
    );

    route(scope, {
      method: "POST",
      url: "/push/google",
      tag: "push",
      summary:
        "Gmail push (Cloud Pub/Sub push subscription): the endpoint URL carries ?token=GOOGLE_PUSH_TOKEN. A push newer than every earlier one for its mailbox asks for a sync; duplicates and older ones are acknowledged and ignored.",
      public: true,
      query: z.looseObject({ token: z.string().max(512).optional() }),
      body: pubsubPush,
      example: {
        message: {
          data: Buffer.from(
            JSON.stringify({ emailAddress: "ana@acme.test", historyId: 9876543210 }),
          ).toString("base64"),
          messageId: "2070443601311540",
          publishTime: "2026-11-30T09:00:00.000Z",
        },
        subscription: "projects/concilia/subscriptions/gmail-push",
      },
      errors: [403],
      handler: async ({ query, body }) => {
        if (!verifyGmailPushToken(query.token, ctx.push.googleToken))
          throw forbidden("The push token is missing or wrong.");
        const notice = parseGmailPush(body);
        if (!notice)
          throw badRequest("The push data is not a Gmail notification ({emailAddress, historyId}).");
        if (ctx.push.gmailFilter.isNew(notice))
          await ctx.push.onChange({
            provider: "google",
            account: notice.emailAddress,
            historyId: notice.historyId,
          });
      },
    });

    route(scope, {
      method: "POST",
      url: "/push/google/calendar",
      tag: "push",
      summary:
        "Google Calendar watch-channel notifications (empty body, X-Goog-* headers). The channel token is checked (403 when wrong); a notification of a channel the connection still keeps asks for a sync of that connection; the channel's first message (`sync`) and notifications of old channels are acknowledged and ignored. Duplicates only ask again for a sync already queued.",
      public: true,
      errors: [403],
      handler: async ({ req, reply }) => {
        const header = (name: string) => {
          const v = req.headers[name];
          return typeof v === "string" && v.length <= 512 ? v : undefined;
        };
        const channelId = header("x-goog-channel-id");
        const connectionId = verifyChannel(ctx.push.googleToken, channelId, header("x-goog-channel-token"));
        if (!connectionId) throw forbidden("The channel token is missing or wrong.");
        const state = header("x-goog-resource-state");
        if (state === "exists" || state === "not_exists") {
          const channels = await storedChannels(ctx.db, connectionId);
          if ([...channels.values()].some((c) => c.id === channelId))
            await ctx.push.onChange({ provider: "google-calendar", connectionId });
        }
        return reply.code(204).send();
      },
    });

    route(scope, {
      method: "POST",
      url: "/push/microsoft",
      tag: "push",
      summary:
        "Microsoft Graph change and lifecycle notifications. With ?validationToken=… (the subscription handshake) the token comes back as text/plain (200). Otherwise each notification's clientState is checked; a POST whose notifications all carry a wrong one is refused (403); notifications of unknown subscriptions are ignored; each new change asks for a sync (202).",
      public: true,
      rawBody: ["application/json", "text/plain"],
      produces: "text/plain",
      status: 202,
      alsoAnswers: [{ status: 200, description: "The validation token, echoed" }],
      errors: [403],
      handler: async ({ req, reply }) => {
        reply.header("x-content-type-options", "nosniff");
        const token = validationToken(req.url.split("?")[1] ?? "");
        if (token !== null) {
          if (token.length > MAX_VALIDATION_TOKEN) throw badRequest("The validation token is too long.");
          return reply.code(200).type("text/plain; charset=utf-8").send(token);
        }
        const parsed = graphNotifications.safeParse(req.body);
        if (!parsed.success)
          throw badRequest("The body is not a list of Graph notifications ({value: [...]}).");
        const { refused, changes } = await readGraphNotifications(
          parsed.data,
          ctx.push.graphSubscriptions,
          ctx.push.graphRecent,
        );
        if (refused) throw forbidden("The notifications' clientState is wrong.");
        for (const change of changes) {
          await keepOnLifecycle(ctx.push.graphSubscriptions, change);
          await ctx.push.onChange({ provider: "microsoft", ...change });
        }
        return reply.code(202).type("text/plain; charset=utf-8").send("");
      },
    });
  });
}
