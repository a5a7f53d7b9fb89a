import { randomUUID } from "node:crypto";
import { json } from "../shared/http.js";
import type { PushOutbox } from "../shared/push.js";
import { graphError } from "./errors.js";
import { type GraphCtx, immutableIds } from "./graph-caller.js";
import type { ChangeKind } from "./mailbox.js";
import { notificationUrlProblem, validationProblem } from "./subscription-handshake.js";
import { DENIED_SCOPE, type ResourceChange, type SubscribableResource } from "./subscription-resources.js";

/**
 * Graph change notifications (§1.9), for the resources in `subscription-resources.ts`. Creating a subscription first validates both URLs:
 * the emulator POSTs `?validationToken=…` (form-encoded, `+` for spaces, quirk 14) and requires
 * the decoded token back as text/plain with 200 within the timeout. Notifications carry ids only,
 * echo `clientState`, share one POST per URL when queued together, and go through the outbox (so
 * the notification knobs drop, duplicate and reorder them).
 */
export type Subscription = {
  id: string;
  account: string;
  resource: string;
  /** What the resource path resolved to (see `SubscribableResource`). */
  scope: string;
  changeTypes: ChangeKind[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expiration: number;
  applicationId: string;
  creatorId: string;
  /** Created with `Prefer: IdType="ImmutableId"`: notifications carry immutable ids. */
  immutableIds: boolean;
};

export type LifecycleEvent = "reauthorizationRequired" | "subscriptionRemoved" | "missed";

export type SubscriptionOptions = {
  /** Basic notifications on Outlook resources: 10,080 minutes (the older docs say 4,230). */
  maxMinutes: number;
  validationTimeoutMs: number;
  /** Real Graph wants https; loopback http is allowed so local receivers can be used. */
  allowHttp: boolean;
};

export const TENANT_ID = "9a5b1c2d-0e3f-4a5b-8c7d-6e5f4a3b2c1d";

const isoInstant = (ms: number) => new Date(ms).toISOString().replace("Z", "0000Z");

export class GraphSubscriptions {
  readonly all = new Map<string, Subscription>();

  constructor(
    private readonly outbox: PushOutbox,
    private readonly now: () => number,
    private readonly doFetch: () => typeof fetch,
    readonly options: SubscriptionOptions,
    private readonly resources: SubscribableResource[],
  ) {}

  json(s: Subscription, base: string) {
    return {
      "@odata.context": `${base}/$metadata#subscriptions/$entity`,
      id: s.id,
      resource: s.resource,
      applicationId: s.applicationId,
      changeType: s.changeTypes.join(","),
      clientState: s.clientState,
      notificationUrl: s.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: s.lifecycleNotificationUrl,
      expirationDateTime: isoInstant(s.expiration),
      creatorId: s.creatorId,
      includeResourceData: null,
      latestSupportedTlsVersion: "v1_2",
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }

  async create(ctx: GraphCtx, base: string): Promise<Response> {
    const caller = ctx.account!;
    const body = (await ctx.request.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body) return graphError(400, "BadRequest", "Empty Payload. JSON content expected.");
    const invalid = (message: string) => graphError(400, "InvalidRequest", message);
    const changeTypes = String(body.changeType ?? "")
      .split(",")
      .map((c) => c.trim());
    if (!changeTypes.every((c) => c === "created" || c === "updated" || c === "deleted")) {
      return invalid("Invalid 'changeType' attribute: '" + String(body.changeType) + "'.");
    }
    const resource = String(body.resource ?? "");
    const scope = this.resources.map((r) => r.scopeOf(caller, resource)).find((x) => x !== undefined);
    if (scope === undefined) return invalid(`Resource '${resource}' is not supported.`);
    if (scope === DENIED_SCOPE)
      return graphError(
        403,
        "ExtensionError",
        "Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied.]",
      );
    const expiration = Date.parse(String(body.expirationDateTime ?? ""));
    const expiryProblem = this.checkExpiration(expiration);
    if (expiryProblem) return expiryProblem;
    if (body.includeResourceData === true && !body.encryptionCertificate) {
      return invalid("encryptionCertificate is required when includeResourceData is true.");
    }
    const clientState = body.clientState == null ? null : String(body.clientState);
    if (clientState && clientState.length > 128)
      return invalid("clientState must be at most 128 characters.");
    const notificationUrl = String(body.notificationUrl ?? "");
    const lifecycleNotificationUrl = body.lifecycleNotificationUrl
      ? String(body.lifecycleNotificationUrl)
      : null;
    for (const url of [notificationUrl, lifecycleNotificationUrl]) {
      if (url === null) continue;
      const problem =
        notificationUrlProblem(url, this.options.allowHttp) ??
        (await validationProblem(url, this.doFetch(), this.options.validationTimeoutMs));
      if (problem) return invalid(problem);
    }
    const mine = [...this.all.values()].filter((s) => s.account === caller.email);
    if (mine.length >= 1000)
      return graphError(403, "ExtensionError", "Subscription limit of 1000 per mailbox reached.");
    const subscription: Subscription = {
      id: randomUUID(),
      account: caller.email,
      resource,
      scope,
      changeTypes: changeTypes as ChangeKind[],
      notificationUrl,
      lifecycleNotificationUrl,
      clientState,
      expiration,
      applicationId: caller.clientId,
      creatorId: caller.mailbox.userId,
      immutableIds: immutableIds(ctx.request),
    };
    this.all.set(subscription.id, subscription);
    return json(this.json(subscription, base), 201);
  }

  async renew(ctx: GraphCtx, id: string, base: string): Promise<Response> {
    const s = this.owned(ctx, id);
    if (s instanceof Response) return s;
    const body = (await ctx.request.json().catch(() => null)) as { expirationDateTime?: string } | null;
    const expiration = Date.parse(body?.expirationDateTime ?? "");
    const problem = this.checkExpiration(expiration);
    if (problem) return problem;
    s.expiration = expiration;
    return json(this.json(s, base));
  }

  owned(ctx: GraphCtx, id: string): Subscription | Response {
    const s = this.all.get(id);
    if (!s || s.account !== ctx.account!.email || s.expiration <= this.now()) {
      return graphError(404, "ResourceNotFound", "The object was not found.");
    }
    return s;
  }

  /** Sends a lifecycle notification; `subscriptionRemoved` also ends the subscription. */
  lifecycle(id: string, event: LifecycleEvent): void {
    const s = this.all.get(id);
    if (!s) throw new Error(`no subscription ${id}`);
    if (event === "subscriptionRemoved") this.all.delete(id);
    if (!s.lifecycleNotificationUrl) return;
    this.outbox.enqueue({
      account: s.account,
      url: s.lifecycleNotificationUrl,
      groupKey: `lifecycle ${s.lifecycleNotificationUrl}`,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({
        value: [
          {
            subscriptionId: s.id,
            subscriptionExpirationDateTime: isoInstant(s.expiration),
            tenantId: TENANT_ID,
            clientState: s.clientState,
            lifecycleEvent: event,
          },
        ],
      }),
    });
  }

  private checkExpiration(expiration: number): Response | null {
    if (!Number.isFinite(expiration))
      return graphError(400, "InvalidRequest", "expirationDateTime is required.");
    if (expiration <= this.now()) {
      return graphError(400, "InvalidRequest", "Subscription expiration date time must be in the future.");
    }
    if (expiration > this.now() + this.options.maxMinutes * 60_000) {
      return graphError(
        400,
        "InvalidRequest",
        `Subscription expiration can only be ${this.options.maxMinutes} minutes in the future.`,
      );
    }
    return null;
  }

  /** Queues a notification for every live subscription whose scope the change belongs to. */
  notify(change: ResourceChange): void {
    for (const s of this.all.values()) {
      if (s.account !== change.account || s.expiration <= this.now()) continue;
      if (!s.changeTypes.includes(change.kind) || !change.scopes.includes(s.scope)) continue;
      const id = s.immutableIds ? change.ids.immutable : change.ids.rest;
      const path = `Users/${change.userId}/${change.collection}/${id}`;
      this.outbox.enqueue({
        account: s.account,
        url: s.notificationUrl,
        groupKey: s.notificationUrl,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({
          value: [
            {
              subscriptionId: s.id,
              subscriptionExpirationDateTime: isoInstant(s.expiration),
              changeType: change.kind,
              resource: path,
              resourceData: {
                "@odata.type": change.odataType,
                "@odata.id": path,
                "@odata.etag": `W/"${change.changeKey}"`,
                id,
              },
              clientState: s.clientState,
              tenantId: TENANT_ID,
            },
          ],
        }),
      });
    }
  }
}
