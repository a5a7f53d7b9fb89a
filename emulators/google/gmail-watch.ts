import { json } from "../shared/http.js";
import type { PushOutbox } from "../shared/push.js";
import type { Route, RouteContext } from "../shared/router.js";
import { googleError } from "./errors.js";
import type { GmailCaller } from "./gmail-account.js";
import type { GmailMailbox, HistoryRecord } from "./gmail-mailbox.js";
import { USER, wrongUser } from "./gmail-messages.js";

/**
 * users.watch / users.stop and the Cloud Pub/Sub push they cause (§4.6). A topic must be
 * registered with a push endpoint first (the emulator's stand-in for creating the topic and its
 * push subscription). A watch lasts 7 days; at most one push per `minIntervalMs` per user is
 * sent, extra ones are dropped, as the real service does.
 */
type Ctx = RouteContext<GmailCaller | null>;

type Watch = { topic: string; labelIds: string[]; behavior: "INCLUDE" | "EXCLUDE"; expiration: number };

export class GmailPush {
  readonly topics = new Map<string, { pushUrl: string; subscription: string }>();
  private readonly watches = new Map<string, Watch>();
  private readonly lastPush = new Map<string, number>();

  constructor(
    private readonly outbox: PushOutbox,
    private readonly now: () => number,
    public minIntervalMs = 1000,
  ) {}

  registerTopic(
    topic: string,
    pushUrl: string,
    subscription = "projects/concilia-emulator/subscriptions/gmail-push",
  ) {
    this.topics.set(topic, { pushUrl, subscription });
  }

  watching(email: string): Watch | undefined {
    return this.watches.get(email);
  }

  attach(mailbox: GmailMailbox): void {
    mailbox.onChange((record) => this.changed(mailbox, record));
  }

  watch(ctx: Ctx): Promise<Response> | Response {
    return ctx.request.json().then(
      (body: {
        topicName?: string;
        labelIds?: string[];
        labelFilterBehavior?: string;
        labelFilterAction?: string;
      }) => {
        const topic = body.topicName ?? "";
        if (!/^projects\/[^/]+\/topics\/[^/]+$/.test(topic)) {
          return googleError(
            400,
            "invalidArgument",
            "Invalid topicName does not match projects/{project}/topics/{topic}",
          );
        }
        if (!this.topics.has(topic)) {
          return googleError(404, "notFound", `Resource not found (resource=${topic.split("/").pop()}).`);
        }
        const behavior = (body.labelFilterBehavior ?? body.labelFilterAction ?? "include").toUpperCase();
        const email = ctx.account!.email;
        const expiration = this.now() + 7 * 86_400_000;
        this.watches.set(email, {
          topic,
          labelIds: body.labelIds ?? [],
          behavior: behavior === "EXCLUDE" ? "EXCLUDE" : "INCLUDE",
          expiration,
        });
        return json({ historyId: String(ctx.account!.mailbox.historyId), expiration: String(expiration) });
      },
      () => googleError(400, "invalidArgument", "Invalid JSON payload received."),
    );
  }

  stop(ctx: Ctx): Response {
    this.watches.delete(ctx.account!.email);
    return new Response(null, { status: 204 });
  }

  private changed(mailbox: GmailMailbox, record: HistoryRecord): void {
    const watch = this.watches.get(mailbox.email);
    if (!watch || watch.expiration <= this.now()) return;
    const touched = [...record.labelsAfter, ...record.changed];
    const hit = watch.labelIds.length === 0 || watch.labelIds.some((l) => touched.includes(l));
    if (watch.behavior === "INCLUDE" ? !hit : hit && watch.labelIds.length > 0) return;
    const last = this.lastPush.get(mailbox.email) ?? Number.NEGATIVE_INFINITY;
    if (this.now() - last < this.minIntervalMs) return;
    this.lastPush.set(mailbox.email, this.now());
    const topic = this.topics.get(watch.topic);
    if (!topic) return;
    const id = String(10_000_000_000_000 + Math.floor(Math.random() * 1e12));
    const publishTime = new Date(this.now()).toISOString();
    // historyId is a number inside the notification but a string everywhere else (quirk 27);
    // Pub/Sub encodes data as standard base64, not base64url (quirk 28).
    const data = Buffer.from(
      JSON.stringify({ emailAddress: mailbox.email, historyId: mailbox.historyId }),
    ).toString("base64");
    this.outbox.enqueue({
      account: mailbox.email,
      url: topic.pushUrl,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        message: { data, messageId: id, message_id: id, publishTime, publish_time: publishTime },
        subscription: topic.subscription,
      }),
    });
  }
}

export function gmailWatchRoutes(push: GmailPush): Route<GmailCaller>[] {
  return [
    {
      method: "POST",
      path: new RegExp(`^${USER}/watch$`),
      endpoint: "gmail.users.watch",
      auth: true,
      handle: (ctx) => wrongUser(ctx) ?? push.watch(ctx),
    },
    {
      method: "POST",
      path: new RegExp(`^${USER}/stop$`),
      endpoint: "gmail.users.stop",
      auth: true,
      handle: (ctx) => wrongUser(ctx) ?? push.stop(ctx),
    },
  ];
}
