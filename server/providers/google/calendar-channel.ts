// Calendar watch channels (§3.8) and what proves a notification is ours. A channel's id names the
// connection (`concilia-<connection id>-<random>`) and its token is an HMAC of that id under
// GOOGLE_PUSH_TOKEN: the push route checks a notification without any lookup, and a forged or
// replayed-elsewhere one is refused. Google echoes the token in X-Goog-Channel-Token.
import { createHmac, randomBytes } from "node:crypto";
import { sameSecret } from "../push-secret.js";
import { type GoogleCalendarClient, seg } from "./calendar-client.js";

export interface CalendarChannel {
  id: string;
  resourceId: string;
  calendarId: string;
  /** Milliseconds since the epoch. */
  expiration: number;
}

/** A channel lives 7 days; it is replaced once less than a day is left, so a missed step still leaves time. */
export const CHANNEL_TTL_S = 604_800;
export const CHANNEL_RENEW_WITHIN_MS = 86_400_000;

const CHANNEL_ID = /^concilia-([0-9a-f-]{36})-[0-9a-f]{8}$/;

export const channelToken = (secret: string, channelId: string) =>
  createHmac("sha256", secret).update(channelId).digest("base64url");

export const newChannelId = (connectionId: string) =>
  `concilia-${connectionId}-${randomBytes(4).toString("hex")}`;

/** The connection a notification is for, or null when its channel id or token is not ours. */
export function verifyChannel(
  secret: string | undefined,
  channelId: string | undefined,
  token: string | undefined,
): string | null {
  const connectionId = channelId ? CHANNEL_ID.exec(channelId)?.[1] : undefined;
  if (!secret || !connectionId || !sameSecret(token, channelToken(secret, channelId!))) return null;
  return connectionId;
}

export async function watchCalendar(
  client: GoogleCalendarClient,
  o: { calendarId: string; connectionId: string; address: string; secret: string },
): Promise<CalendarChannel> {
  const id = newChannelId(o.connectionId);
  const answer = await client.call<{ id: string; resourceId: string; expiration?: string }>(
    "POST",
    `/calendars/${seg(o.calendarId)}/events/watch`,
    {
      json: {
        id,
        type: "web_hook",
        address: o.address,
        token: channelToken(o.secret, id),
        params: { ttl: String(CHANNEL_TTL_S) },
      },
    },
  );
  return {
    id,
    resourceId: answer.resourceId,
    calendarId: o.calendarId,
    expiration: Number(answer.expiration ?? Date.now() + CHANNEL_TTL_S * 1000),
  };
}

export async function stopChannel(client: GoogleCalendarClient, channel: CalendarChannel): Promise<void> {
  await client.call("POST", "/channels/stop", { json: { id: channel.id, resourceId: channel.resourceId } });
}

export const channelDue = (channel: CalendarChannel | null, now = Date.now()) =>
  !channel || channel.expiration - now < CHANNEL_RENEW_WITHIN_MS;
