import { json, randomId } from "../shared/http.js";
import type { PushOutbox } from "../shared/push.js";
import type { Route, RouteContext } from "../shared/router.js";
import type { CalendarsOf } from "./calendar-read.js";
import type { GoogleCalendars } from "./calendar-store.js";
import { googleError, googleNotFound } from "./errors.js";
import type { GmailCaller } from "./gmail-account.js";

/**
 * Calendar watch channels (§3.8): `events/watch` opens a channel and sends its `sync` message;
 * every change to the calendar sends `exists`, a deleted calendar `not_exists`. Bodies are empty;
 * everything is in the X-Goog headers, with a message number that grows per channel. Channels
 * expire (7 days by default, `params.ttl` seconds or `expiration` ms, whichever is sooner) and are
 * never renewed; `channels/stop` ends one. Deliveries go through the outbox and its knobs.
 */
type Ctx = RouteContext<GmailCaller | null>;

export type Channel = {
  id: string;
  resourceId: string;
  resourceUri: string;
  account: string;
  calendarId: string;
  address: string;
  token: string | null;
  expiration: number;
  messages: number;
};

const DEFAULT_TTL_S = 604_800;

export class CalendarChannels {
  readonly all = new Map<string, Channel>();

  constructor(
    private readonly outbox: PushOutbox,
    private readonly now: () => number,
  ) {}

  attach(store: GoogleCalendars): void {
    store.onChange((calendarId, kind) => {
      for (const channel of this.all.values()) {
        if (channel.account !== store.email || channel.calendarId !== calendarId) continue;
        if (channel.expiration <= this.now()) {
          this.all.delete(channel.id);
          continue;
        }
        this.send(channel, kind === "calendarDeleted" ? "not_exists" : "exists");
      }
    });
  }

  private send(channel: Channel, state: "sync" | "exists" | "not_exists"): void {
    channel.messages++;
    const headers: Record<string, string> = {
      "x-goog-channel-id": channel.id,
      "x-goog-channel-expiration": new Date(channel.expiration).toUTCString(),
      "x-goog-resource-id": channel.resourceId,
      "x-goog-resource-uri": channel.resourceUri,
      "x-goog-resource-state": state,
      "x-goog-message-number": String(channel.messages),
      "content-length": "0",
    };
    if (channel.token !== null) headers["x-goog-channel-token"] = channel.token;
    this.outbox.enqueue({ account: channel.account, url: channel.address, headers, body: "" });
  }

  async watch(ctx: Ctx, calendarsOf: CalendarsOf): Promise<Response> {
    const store = calendarsOf(ctx.account!.email);
    const calendar = store.calendar(ctx.params[0]);
    if (!calendar) return googleNotFound();
    const body = (await ctx.request.json().catch(() => null)) as {
      id?: string;
      type?: string;
      address?: string;
      token?: string;
      expiration?: number | string;
      params?: { ttl?: string };
    } | null;
    if (!body?.id || body.id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(body.id)) {
      return googleError(400, "invalid", "Invalid channel id.");
    }
    if (body.type !== "web_hook" && body.type !== "webhook")
      return googleError(400, "invalid", "Invalid channel type.");
    const address = body.address ?? "";
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      return googleError(400, "push.webhookUrlNotHttps", "WebHook callback must be HTTPS: " + address);
    }
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !loopback) {
      return googleError(400, "push.webhookUrlNotHttps", `WebHook callback must be HTTPS: ${address}`);
    }
    const live = this.all.get(body.id);
    if (live && live.expiration > this.now())
      return googleError(400, "channelIdNotUnique", `Channel id ${body.id} not unique`);
    const ttl = Number(body.params?.ttl ?? DEFAULT_TTL_S);
    let expiration = this.now() + (Number.isFinite(ttl) ? ttl : DEFAULT_TTL_S) * 1000;
    if (body.expiration !== undefined) expiration = Math.min(expiration, Number(body.expiration));
    const channel: Channel = {
      id: body.id,
      resourceId: randomId(20),
      resourceUri: `${ctx.url.origin}/calendar/v3/calendars/${encodeURIComponent(calendar.id)}/events?alt=json`,
      account: store.email,
      calendarId: calendar.id,
      address,
      token: body.token ?? null,
      expiration,
      messages: 0,
    };
    this.all.set(channel.id, channel);
    this.send(channel, "sync");
    return json({
      kind: "api#channel",
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token !== null ? { token: channel.token } : {}),
      expiration: String(channel.expiration),
    });
  }

  async stop(ctx: Ctx): Promise<Response> {
    const body = (await ctx.request.json().catch(() => null)) as { id?: string; resourceId?: string } | null;
    const channel = body?.id ? this.all.get(body.id) : undefined;
    if (!channel || channel.resourceId !== body?.resourceId || channel.account !== ctx.account!.email) {
      return googleError(404, "notFound", `Channel '${body?.id ?? ""}' not found for project '000000000000'`);
    }
    this.all.delete(channel.id);
    return new Response(null, { status: 204 });
  }
}

export function calendarWatchRoutes(
  channels: CalendarChannels,
  calendarsOf: CalendarsOf,
): Route<GmailCaller>[] {
  return [
    {
      method: "POST",
      path: /^\/calendar\/v3\/calendars\/([^/]+)\/events\/watch$/,
      endpoint: "calendar.events.watch",
      auth: true,
      handle: (ctx) => channels.watch(ctx, calendarsOf),
    },
    {
      method: "POST",
      path: /^\/calendar\/v3\/channels\/stop$/,
      endpoint: "calendar.channels.stop",
      auth: true,
      handle: (ctx) => channels.stop(ctx),
    },
  ];
}
