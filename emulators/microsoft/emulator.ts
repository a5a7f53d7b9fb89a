import type { RequestHandler } from "msw";
import { Faults } from "../faults.js";
import { RequestCounter } from "../shared/counters.js";
import { bearerToken, readForm } from "../shared/http.js";
import { type OAuthClient, OAuthGrants } from "../shared/oauth-grants.js";
import { PushOutbox } from "../shared/push.js";
import { QuotaMeter } from "../shared/quota.js";
import { dispatch, mswHandler, type ProviderShape, type Route } from "../shared/router.js";
import { type SyntheticOptions, syntheticMail } from "../shared/synthetic.js";
import { GraphCalendarStore, type Recipient } from "./calendar-store.js";
import { GraphContactStore } from "./contact-store.js";
import { graphError, graphThrottled, graphUnauthenticated } from "./errors.js";
import { graphAttachmentRoutes } from "./graph-attachments.js";
import { graphBatchRoute } from "./graph-batch.js";
import { graphCalendarRoutes } from "./graph-calendar.js";
import { graphCalendarDeltaRoutes } from "./graph-calendar-delta.js";
import type { GraphCaller } from "./graph-caller.js";
import { graphCategoryRoutes } from "./graph-categories.js";
import { graphContactRoutes } from "./graph-contacts.js";
import { graphContactDeltaRoutes } from "./graph-contacts-delta.js";
import { graphDeltaRoutes } from "./graph-delta.js";
import { graphMailRoutes } from "./graph-mail.js";
import { GraphMailbox } from "./mailbox.js";
import { type ConsentMode, microsoftOAuthRoutes, type RevocationCause } from "./oauth.js";
import {
  contactChange,
  contactResource,
  eventChange,
  eventResource,
  mailChange,
  mailResource,
} from "./subscription-resources.js";
import { subscriptionRoutes } from "./subscription-routes.js";
import { GraphSubscriptions, type LifecycleEvent } from "./subscriptions.js";

/**
 * The Microsoft emulator: the identity platform (v2.0 endpoints), Graph mail and Graph calendars
 * over in-memory mailboxes, with subscriptions and JSON batching. `handlers()` gives the msw handlers; the rest
 * of the class is the typed ground-truth and knob API for tests and benchmarks.
 */
export const MICROSOFT_ORIGINS = ["https://login.microsoftonline.com", "https://graph.microsoft.com"];

export const DEMO_MICROSOFT_CLIENT: OAuthClient = {
  clientId: "5f0c6b1e-4b8a-4f3e-9d2a-0c1b2a3d4e5f",
  clientSecret: "demo-microsoft-secret",
};

export type MicrosoftEmulatorOptions = {
  clock?: () => number;
  /** Used for validation requests and notifications. */
  fetch?: typeof fetch;
  clients?: OAuthClient[];
  accessTokenTtlMs?: number;
  refreshTokenTtlMs?: number;
  rotationGraceMs?: number;
  /** Continuous access evaluation: revoked grants also reject access tokens at once. */
  continuousAccessEvaluation?: boolean;
  subscriptionMaxMinutes?: number;
  validationTimeoutMs?: number;
  allowHttpNotificationUrls?: boolean;
  notificationRetryDelaysMs?: number[];
};

function mergeNotifications(bodies: string[]): string {
  return JSON.stringify({ value: bodies.flatMap((b) => (JSON.parse(b) as { value: unknown[] }).value) });
}

export class MicrosoftEmulator {
  readonly faults = new Faults();
  readonly counter = new RequestCounter();
  readonly quota: QuotaMeter;
  readonly grants: OAuthGrants;
  readonly outbox: PushOutbox;
  readonly subscriptions: GraphSubscriptions;
  readonly clients = new Map<string, OAuthClient>();
  consent: ConsentMode = "approve";
  private readonly mailboxes = new Map<string, GraphMailbox>();
  private readonly calendarStores = new Map<string, GraphCalendarStore>();
  private readonly contactStores = new Map<string, GraphContactStore>();
  private readonly now: () => number;
  private readonly provider: ProviderShape<GraphCaller>;

  constructor(private readonly options: MicrosoftEmulatorOptions = {}) {
    this.now = options.clock ?? Date.now;
    this.quota = new QuotaMeter(this.now);
    const accessTtlMs = options.accessTokenTtlMs ?? 3_599_000;
    this.grants = new OAuthGrants(this.now, {
      codeTtlMs: 600_000,
      accessTtlMs,
      refreshTtlMs: options.refreshTokenTtlMs ?? 90 * 86_400_000,
    });
    for (const client of options.clients ?? [DEMO_MICROSOFT_CLIENT])
      this.clients.set(client.clientId, client);
    this.outbox = new PushOutbox({
      faults: this.faults,
      fetch: options.fetch,
      retryDelaysMs: options.notificationRetryDelaysMs,
      merge: mergeNotifications,
    });
    this.subscriptions = new GraphSubscriptions(
      this.outbox,
      this.now,
      () => options.fetch ?? fetch,
      {
        maxMinutes: options.subscriptionMaxMinutes ?? 10_080,
        validationTimeoutMs: options.validationTimeoutMs ?? 10_000,
        allowHttp: options.allowHttpNotificationUrls ?? false,
      },
      [mailResource, eventResource, contactResource],
    );
    const oauth = microsoftOAuthRoutes({
      grants: this.grants,
      clients: this.clients,
      consent: () => this.consent,
      defaultAccount: () => this.mailboxes.keys().next().value ?? null,
      hasAccount: (email) => this.mailboxes.has(email),
      accessTtlMs,
      rotationGraceMs: options.rotationGraceMs ?? 60_000,
    });
    const routes: Route<GraphCaller>[] = [
      ...(oauth as Route<GraphCaller>[]),
      graphBatchRoute(
        (request) => dispatch(this.provider, request),
        (account) => this.faults.batchConcurrency(account),
      ),
      ...subscriptionRoutes(this.subscriptions),
      ...graphDeltaRoutes(),
      ...graphCalendarDeltaRoutes((email) => this.calendars(email)),
      ...graphCalendarRoutes((email) => this.calendars(email)),
      ...graphContactDeltaRoutes((email) => this.contacts(email)),
      ...graphContactRoutes(
        (email) => this.contacts(email),
        (who) => this.contactOwner(who),
      ),
      ...graphCategoryRoutes((email) => this.contacts(email)),
      ...graphAttachmentRoutes(),
      ...graphMailRoutes(),
    ];
    this.provider = {
      routes,
      faults: this.faults,
      counter: this.counter,
      authenticate: (request) => this.authenticate(request),
      accountKey: (account, request) => this.accountKey(account, request),
      throttled: graphThrottled,
      serverError: (status) =>
        graphError(
          status,
          status === 500 ? "generalException" : "UnknownError",
          "An internal server error occurred.",
        ),
      concurrencyCode: "ApplicationThrottled",
      quota: this.quota,
      // Graph counts every request (each batch item too) but not the sign-in endpoints.
      cost: (endpoint) => (endpoint.startsWith("oauth.") || endpoint === "graph.batch" ? 0 : 1),
      quotaExceeded: (retryAfter) => graphThrottled({ status: 429, retryAfter }),
      notFound: (request) => {
        const segment = new URL(request.url).pathname.split("/").filter(Boolean).pop() ?? "";
        return graphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
      },
    };
  }

  /** msw handlers on Microsoft's hosts, or on any origin (`"any"`) when served over HTTP. */
  handlers(origins: string[] | "any" = MICROSOFT_ORIGINS): RequestHandler[] {
    return [mswHandler(this.provider, origins === "any" ? null : () => origins)];
  }

  /** Answers one request without msw (tests that run several emulator instances side by side). */
  handle(request: Request): Promise<Response> {
    return dispatch(this.provider, request);
  }

  addAccount(email: string, displayName = email): GraphMailbox {
    const key = email.toLowerCase();
    const existing = this.mailboxes.get(key);
    if (existing) return existing;
    const mailbox = new GraphMailbox(key, displayName, this.now);
    mailbox.onChange((kind, message, restId) =>
      this.subscriptions.notify(mailChange(mailbox, kind, message, restId)),
    );
    this.mailboxes.set(key, mailbox);
    const calendars = new GraphCalendarStore({ name: displayName, address: key }, this.now);
    calendars.onChange((kind, id, calendarId, changeKey) =>
      this.subscriptions.notify(eventChange(mailbox, kind, id, calendarId, changeKey)),
    );
    this.calendarStores.set(key, calendars);
    const contacts = new GraphContactStore(key, this.now);
    contacts.onChange((kind, c) =>
      this.subscriptions.notify(
        contactChange(mailbox, kind, c.id, c.folderId, c.folderId === contacts.defaultFolder.id, c.changeKey),
      ),
    );
    this.contactStores.set(key, contacts);
    return mailbox;
  }

  mailbox(email: string): GraphMailbox {
    const mailbox = this.mailboxes.get(email.toLowerCase());
    if (!mailbox) throw new Error(`no Microsoft account ${email}`);
    return mailbox;
  }

  /** The mailbox's calendars: ground truth in (`seedEvent`, `userEdit`, `userDelete`) and out (`sentMail`). */
  calendars(email: string): GraphCalendarStore {
    const store = this.calendarStores.get(email.toLowerCase());
    if (!store) throw new Error(`no Microsoft account ${email}`);
    return store;
  }

  /** The mailbox's contacts, folders and master categories (ground truth and the user's edits). */
  contacts(email: string): GraphContactStore {
    const store = this.contactStores.get(email.toLowerCase());
    if (!store) throw new Error(`no Microsoft account ${email}`);
    return store;
  }

  private contactOwner(who: string) {
    const key = who.toLowerCase();
    const mailbox = [...this.mailboxes.values()].find(
      (m) => m.email === key || m.userId.toLowerCase() === key,
    );
    return mailbox
      ? { email: mailbox.email, userId: mailbox.userId, store: this.contacts(mailbox.email) }
      : undefined;
  }

  seedCalendarEvent(
    email: string,
    event: Record<string, unknown>,
    options: { calendarId?: string; organizer?: Recipient } = {},
  ) {
    return { id: this.calendars(email).seedEvent(event, options).id };
  }

  addCalendar(email: string, calendar: { name: string; readOnly?: boolean }) {
    return { id: this.calendars(email).addCalendar({ name: calendar.name, canEdit: !calendar.readOnly }).id };
  }

  /** Every stored event (masters with their exceptions and cancelled slots), for comparisons. */
  calendarSnapshot(email: string) {
    const iso = (ms: number) => new Date(ms).toISOString();
    return [...this.calendars(email).events.values()].map((e) => ({
      calendarId: e.calendarId,
      id: e.id,
      changeKey: e.changeKey,
      subject: e.fields.subject ?? null,
      start: iso(e.start),
      end: iso(e.end),
      isAllDay: e.isAllDay,
      recurrence: e.recurrence,
      exceptions: [...e.exceptions].map(([t, x]) => ({
        originalStart: iso(t),
        start: iso(x.start),
        end: iso(x.end),
      })),
      cancelledOccurrences: [...e.cancelled].map(iso),
      transactionId: e.transactionId,
      isOrganizer: e.isOrganizer,
      singleValueExtendedProperties: [...e.extended.values()],
    }));
  }

  userEditEvent(email: string, id: string, changes: Record<string, unknown>): void {
    this.calendars(email).userEdit(id, changes);
  }

  userDeleteEvent(email: string, id: string): void {
    this.calendars(email).userDelete(id);
  }

  sentInvitations(email: string) {
    return this.calendars(email).sentMail;
  }

  accounts(): string[] {
    return [...this.mailboxes.keys()];
  }

  /** Seeds `count` synthetic messages (inbox, or sentitems with `sent`), a `share` with `participant`. */
  generate(email: string, options: Omit<SyntheticOptions, "owner">): void {
    const mailbox = this.mailbox(email);
    const folder = options.sent ? "sentitems" : "inbox";
    for (const mail of syntheticMail({
      ...options,
      owner: { name: mailbox.displayName, address: mailbox.email },
    })) {
      mailbox.addParsed(mail.raw, mail.facts, folder);
    }
  }

  /** Tokens without the browser dance, for tests that are not about OAuth. */
  issueTokens(email: string, scope = "openid offline_access Mail.Read", clientId?: string) {
    return this.grants.issueTokens(email, clientId ?? this.clients.keys().next().value!, scope);
  }

  invalidateCursors(email: string): void {
    this.mailbox(email).invalidateDelta();
    this.calendars(email).invalidateDelta();
    this.contacts(email).invalidateDelta();
  }

  expireAccessTokens(email: string): void {
    this.grants.expireAccessTokens(email.toLowerCase());
  }

  /** Consent revoked, password reset, or 90 days of inactivity: the next refresh fails with its AADSTS code. */
  revokeTokens(email: string, cause: RevocationCause = "consent"): void {
    if (cause === "inactivity") this.grants.expireRefreshTokens(email.toLowerCase());
    else this.grants.revokeAccount(email.toLowerCase(), cause);
  }

  async seed(email: string, raw: string, where: string[]): Promise<{ id: string }> {
    return { id: (await this.mailbox(email).addRaw(raw, where[0])).restId };
  }

  snapshot(email: string): { id: string; messageId: string; where: string[] }[] {
    const box = this.mailbox(email);
    return [...box.messages.values()].map((m) => {
      const folder = box.folders.get(m.folderId)!;
      return { id: m.restId, messageId: m.facts.messageId, where: [folder.wellKnownName ?? folder.id] };
    });
  }

  lifecycle(subscriptionId: string, event: LifecycleEvent): void {
    this.subscriptions.lifecycle(subscriptionId, event);
  }

  private authenticate(request: Request): GraphCaller | Response {
    const token = bearerToken(request);
    if (!token) return graphUnauthenticated("missing");
    const check = this.grants.checkAccess(token, this.options.continuousAccessEvaluation ?? false);
    if (!check.ok) return graphUnauthenticated(check.reason === "unknown" ? "invalid" : "expired");
    const mailbox = this.mailboxes.get(check.grant.account);
    if (!mailbox) return graphUnauthenticated("invalid");
    return { email: mailbox.email, scope: check.scope, mailbox, clientId: check.grant.clientId };
  }

  private async accountKey(account: GraphCaller | null, request: Request): Promise<string | null> {
    if (account) return account.email;
    const form = await readForm(request);
    const code = form.get("code");
    if (code) return this.grants.accountOfCode(code);
    const refresh = form.get("refresh_token") ?? bearerToken(request);
    return refresh ? (this.grants.grantOfToken(refresh)?.account ?? null) : null;
  }
}
