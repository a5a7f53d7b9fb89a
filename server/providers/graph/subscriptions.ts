// Graph change-notification subscriptions, one per followed folder or calendar (§1.9). Each gets a random
// clientState, stored to check notifications against. Outlook message subscriptions live at most
// 10,080 minutes by the current docs and 4,230 by older ones: we ask for 4,200 and renew once less
// than a day is left; a subscription Graph no longer knows is created again.
import { randomBytes } from "node:crypto";
import { SyncError } from "../../sync/errors.js";
import type { GraphClient } from "./client.js";
import type { GraphFolder } from "./list-changes.js";
import {
  clientStateHash,
  type GraphSubscriptionRecord,
  type GraphSubscriptionStore,
} from "./subscription-store.js";

export const SUBSCRIPTION_MINUTES = 4_200;
export const RENEW_WITHIN_MS = 86_400_000;

export interface SubscribeOptions {
  connectionId: string;
  /** A mail folder's messages, or `resource` (a calendar's events, with `changeType`). */
  folder?: GraphFolder;
  resource?: string;
  changeType?: string;
  /** `${CONCILIA_PUBLIC_URL}/push/microsoft`: change and lifecycle notifications both go there. */
  notificationUrl: string;
  now?: number;
}

const expiry = (now: number) => new Date(now + SUBSCRIPTION_MINUTES * 60_000).toISOString();

export async function createGraphSubscription(
  client: GraphClient,
  store: GraphSubscriptionStore,
  o: SubscribeOptions,
): Promise<GraphSubscriptionRecord> {
  const clientState = randomBytes(32).toString("base64url");
  const resource = o.resource ?? `/me/mailFolders('${o.folder}')/messages`;
  const created = await client.call<{ id: string; expirationDateTime: string }>("POST", "/subscriptions", {
    headers: { prefer: 'IdType="ImmutableId"' },
    json: {
      changeType: o.changeType ?? "created",
      notificationUrl: o.notificationUrl,
      lifecycleNotificationUrl: o.notificationUrl,
      resource,
      expirationDateTime: expiry(o.now ?? Date.now()),
      clientState,
    },
  });
  const record = {
    id: created.id,
    connectionId: o.connectionId,
    clientStateHash: clientStateHash(clientState),
    resource,
    expiresAt: Date.parse(created.expirationDateTime),
  };
  await store.put(record);
  return record;
}

export const subscriptionDue = (record: GraphSubscriptionRecord, now = Date.now()) =>
  record.expiresAt - now < RENEW_WITHIN_MS;

/** Extends the subscription when due (or when Graph asked to reauthorize); recreates it if Graph lost it. */
export async function renewGraphSubscription(
  client: GraphClient,
  store: GraphSubscriptionStore,
  record: GraphSubscriptionRecord,
  o: SubscribeOptions & { force?: boolean },
): Promise<GraphSubscriptionRecord> {
  const now = o.now ?? Date.now();
  if (!o.force && !subscriptionDue(record, now)) return record;
  try {
    const renewed = await client.call<{ expirationDateTime: string }>(
      "PATCH",
      `/subscriptions/${encodeURIComponent(record.id)}`,
      {
        json: { expirationDateTime: expiry(now) },
      },
    );
    const next = { ...record, expiresAt: Date.parse(renewed.expirationDateTime) };
    await store.put(next);
    return next;
  } catch (err) {
    if (!(err instanceof SyncError && err.kind === "not-found")) throw err;
    await store.delete(record.id);
    return createGraphSubscription(client, store, o);
  }
}

/** Stops notifications (sync stopped or paused); a subscription already gone is fine. */
export async function deleteGraphSubscription(
  client: GraphClient,
  store: GraphSubscriptionStore,
  record: GraphSubscriptionRecord,
): Promise<void> {
  try {
    await client.call("DELETE", `/subscriptions/${encodeURIComponent(record.id)}`);
  } catch (err) {
    if (!(err instanceof SyncError && err.kind === "not-found")) throw err;
  }
  await store.delete(record.id);
}
