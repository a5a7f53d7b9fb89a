// Graph change and lifecycle notifications (§1.9). Each notification's clientState is compared in
// constant time with the one stored for its subscription; notifications of unknown subscriptions are
// ignored. A notification only says "look again": duplicates (Graph redelivers) are dropped, order does
// not matter since the sync reads delta from its own cursor, and `missed`/`reauthorizationRequired`/
// `subscriptionRemoved` ask for a sync too, and `keepOnLifecycle` makes the subscription keeper of that
// step renew (reauthorizationRequired) or re-create (subscriptionRemoved) the subscription.
import { matchesHash } from "../push-secret.js";
import type { GraphSubscriptionStore } from "./subscription-store.js";
import { RENEW_WITHIN_MS } from "./subscriptions.js";

export type GraphChangeReason = "change" | "missed" | "reauthorizationRequired" | "subscriptionRemoved";

export interface GraphChange {
  connectionId: string;
  subscriptionId: string;
  reason: GraphChangeReason;
}

interface Notification {
  subscriptionId?: unknown;
  clientState?: unknown;
  changeType?: unknown;
  lifecycleEvent?: unknown;
  resource?: unknown;
  resourceData?: { id?: unknown; "@odata.etag"?: unknown };
}

const LIFECYCLE = new Set(["missed", "reauthorizationRequired", "subscriptionRemoved"]);

/** The decoded token of a validation request (form-encoded: `+` is a space), or null. */
export function validationToken(rawQuery: string): string | null {
  return new URLSearchParams(rawQuery).get("validationToken");
}

/** Keys seen lately, oldest forgotten first. */
export class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 10_000) {}
  /** True the first time a key is seen. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value!);
    return true;
  }
}

/**
 * The changes a notification POST asks for, and whether its secrets held: `refused` when it carried
 * notifications of known subscriptions and none had the right clientState (then nothing is done).
 */
export async function readGraphNotifications(
  body: unknown,
  store: GraphSubscriptionStore,
  recent: RecentKeys,
): Promise<{ refused: boolean; changes: GraphChange[] }> {
  const list = (body as { value?: unknown } | null)?.value;
  const changes: GraphChange[] = [];
  let known = 0;
  let trusted = 0;
  for (const n of Array.isArray(list) ? (list as Notification[]) : []) {
    if (typeof n?.subscriptionId !== "string") continue;
    const sub = await store.get(n.subscriptionId);
    if (!sub) continue;
    known++;
    if (!matchesHash(typeof n.clientState === "string" ? n.clientState : null, sub.clientStateHash)) continue;
    trusted++;
    const lifecycle =
      typeof n.lifecycleEvent === "string" && LIFECYCLE.has(n.lifecycleEvent) ? n.lifecycleEvent : null;
    const key = lifecycle
      ? null
      : [sub.id, n.changeType, n.resourceData?.id ?? n.resource, n.resourceData?.["@odata.etag"]]
          .map(String)
          .join("|");
    if (key && !recent.add(key)) continue;
    changes.push({
      connectionId: sub.connectionId,
      subscriptionId: sub.id,
      reason: (lifecycle ?? "change") as GraphChangeReason,
    });
  }
  return { refused: known > 0 && trusted === 0, changes };
}

/**
 * What a lifecycle event asks of the stored subscription, before the sync it queues: reauthorization
 * marks it due, so the step's keeper renews it (PATCH) at once; a removed one is forgotten, so the
 * keeper creates it again. A `missed` event only asks for the sync.
 */
export async function keepOnLifecycle(
  store: GraphSubscriptionStore,
  change: GraphChange,
  now = Date.now(),
): Promise<void> {
  if (change.reason === "subscriptionRemoved") await store.delete(change.subscriptionId);
  if (change.reason !== "reauthorizationRequired") return;
  const record = await store.get(change.subscriptionId);
  if (record && record.expiresAt - now >= RENEW_WITHIN_MS) await store.put({ ...record, expiresAt: now });
}
