import type { RequestHandler } from "msw";
import { Faults } from "../faults.js";
import { RequestCounter } from "../shared/counters.js";
import { bearerToken, readForm } from "../shared/http.js";
import { type OAuthClient, OAuthGrants } from "../shared/oauth-grants.js";
import { PushOutbox } from "../shared/push.js";
import { QuotaMeter } from "../shared/quota.js";
import { dispatch, mswHandler, type ProviderShape, type Route } from "../shared/router.js";
import { type SyntheticOptions, syntheticMail } from "../shared/synthetic.js";
import { calendarRoutes } from "./calendar-events.js";
import { GoogleCalendars } from "./calendar-store.js";
import { CalendarChannels, calendarWatchRoutes } from "./calendar-watch.js";
import { googleError, googleNotFound, googleThrottled, googleUnauthenticated } from "./errors.js";
import type { GmailCaller } from "./gmail-account.js";
import { gmailBatchRoute } from "./gmail-batch.js";
import { gmailHistoryRoutes } from "./gmail-history.js";
import { GmailMailbox, type Retention } from "./gmail-mailbox.js";
import { gmailMessageRoutes } from "./gmail-messages.js";
import { GmailPush, gmailWatchRoutes } from "./gmail-watch.js";
import { type ConsentMode, googleOAuthRoutes } from "./oauth.js";
import { googleUserinfoRoute } from "./userinfo.js";

/**
 * The Google emulator: OAuth 2.0, the Gmail API and Calendar v3 over in-memory mailboxes and
 * calendars. `handlers()` gives
 * the msw handlers (in-process on Google's real hosts, or on any origin when served); the rest
 * of the class is the typed ground-truth and knob API for tests and benchmarks.
 */
export const GOOGLE_ORIGINS = [
  "https://accounts.google.com",
  "https://oauth2.googleapis.com",
  "https://gmail.googleapis.com",
  "https://www.googleapis.com",
];

/** Gmail quota units per call (§4.1); batch parts are charged one by one, OAuth is free. */
export const GMAIL_QUOTA_UNITS: Record<string, number> = {
  "gmail.users.getProfile": 1,
  "gmail.users.labels.list": 1,
  "gmail.users.messages.list": 5,
  "gmail.users.messages.get": 5,
  "gmail.users.messages.attachments.get": 5,
  "gmail.users.history.list": 2,
  "gmail.users.watch": 100,
  "gmail.users.stop": 100,
};

export const DEMO_GOOGLE_CLIENT: OAuthClient = {
  clientId: "concilia-demo.apps.googleusercontent.com",
  clientSecret: "demo-google-secret",
};

export type GoogleEmulatorOptions = {
  clock?: () => number;
  /** Used for Pub/Sub push deliveries. */
  fetch?: typeof fetch;
  clients?: OAuthClient[];
  accessTokenTtlMs?: number;
  /** Finite for apps in "Testing" publishing status (7 days); real production tokens do not expire. */
  refreshTokenTtlMs?: number;
  /** How long history records are kept; Gmail keeps "at least a week, sometimes much less". */
  historyRetention?: Retention;
  pushMinIntervalMs?: number;
  pushRetryDelaysMs?: number[];
  /** How long Calendar sync tokens stay valid (Google expires them after an undocumented while). */
  syncTokenTtlMs?: number;
};

export class GoogleEmulator {
  readonly faults = new Faults();
  readonly counter = new RequestCounter();
  readonly quota: QuotaMeter;
  readonly grants: OAuthGrants;
  readonly outbox: PushOutbox;
  readonly push: GmailPush;
  readonly channels: CalendarChannels;
  readonly clients = new Map<string, OAuthClient>();
  consent: ConsentMode = "approve";
  private readonly mailboxes = new Map<string, GmailMailbox>();
  private readonly calendarStores = new Map<string, GoogleCalendars>();
  private readonly now: () => number;
  private readonly provider: ProviderShape<GmailCaller>;

  constructor(private readonly options: GoogleEmulatorOptions = {}) {
    this.now = options.clock ?? Date.now;
    this.quota = new QuotaMeter(this.now);
    const accessTtlMs = options.accessTokenTtlMs ?? 3_599_000;
    const refreshTtlMs = options.refreshTokenTtlMs ?? Number.POSITIVE_INFINITY;
    this.grants = new OAuthGrants(this.now, { codeTtlMs: 600_000, accessTtlMs, refreshTtlMs });
    for (const client of options.clients ?? [DEMO_GOOGLE_CLIENT]) this.clients.set(client.clientId, client);
    this.outbox = new PushOutbox({
      faults: this.faults,
      fetch: options.fetch,
      retryDelaysMs: options.pushRetryDelaysMs,
    });
    this.push = new GmailPush(this.outbox, this.now, options.pushMinIntervalMs);
    this.channels = new CalendarChannels(this.outbox, this.now);
    const calendarsOf = (email: string) => this.calendars(email);
    const oauth = googleOAuthRoutes({
      grants: this.grants,
      clients: this.clients,
      consent: () => this.consent,
      defaultAccount: () => this.mailboxes.keys().next().value ?? null,
      hasAccount: (email) => this.mailboxes.has(email),
      accessTtlMs,
      refreshTtlMs,
    });
    const routes: Route<GmailCaller>[] = [
      ...(oauth as Route<GmailCaller>[]),
      googleUserinfoRoute(),
      ...gmailMessageRoutes(this.now),
      ...gmailHistoryRoutes(),
      ...gmailWatchRoutes(this.push),
      ...calendarWatchRoutes(this.channels, calendarsOf),
      ...calendarRoutes(calendarsOf),
      gmailBatchRoute(
        (request) => dispatch(this.provider, request),
        (account) => this.faults.batchConcurrency(account),
        (request) => this.authenticate(request),
      ),
      gmailBatchRoute(
        (request) => dispatch(this.provider, request),
        (account) => this.faults.batchConcurrency(account),
        (request) => this.authenticate(request),
        { path: /^\/batch\/calendar\/v3$/, endpoint: "calendar.batch" },
      ),
    ];
    this.provider = {
      routes,
      faults: this.faults,
      counter: this.counter,
      authenticate: (request) => this.authenticate(request),
      accountKey: (account, request) => this.accountKey(account, request),
      throttled: googleThrottled,
      serverError: (status) => googleError(status, "backendError", "Backend Error"),
      quota: this.quota,
      // Calendar quotas count queries (600 per minute per user), Gmail counts units.
      cost: (endpoint) =>
        GMAIL_QUOTA_UNITS[endpoint] ??
        (endpoint.startsWith("calendar.") && endpoint !== "calendar.batch" ? 1 : 0),
      quotaExceeded: (retryAfter) =>
        googleError(
          429,
          "rateLimitExceeded",
          `User-rate limit exceeded.  Retry after ${new Date(this.now() + retryAfter * 1000).toISOString()}`,
        ),
      notFound: () => googleNotFound(),
    };
  }

  /** msw handlers on Google's hosts, or on any origin (`"any"`) when served over HTTP. */
  handlers(origins: string[] | "any" = GOOGLE_ORIGINS): RequestHandler[] {
    return [mswHandler(this.provider, origins === "any" ? null : () => origins)];
  }

  /** Answers one request without msw (tests that run several emulator instances side by side). */
  handle(request: Request): Promise<Response> {
    return dispatch(this.provider, request);
  }

  addAccount(email: string, displayName = email): GmailMailbox {
    const key = email.toLowerCase();
    const existing = this.mailboxes.get(key);
    if (existing) return existing;
    const mailbox = new GmailMailbox(
      key,
      displayName,
      this.now,
      this.options.historyRetention ?? { ms: 7 * 86_400_000 },
    );
    this.push.attach(mailbox);
    this.mailboxes.set(key, mailbox);
    const calendars = new GoogleCalendars(key, displayName, this.now);
    calendars.syncTokenTtlMs = this.options.syncTokenTtlMs ?? Number.POSITIVE_INFINITY;
    this.channels.attach(calendars);
    this.calendarStores.set(key, calendars);
    return mailbox;
  }

  mailbox(email: string): GmailMailbox {
    const mailbox = this.mailboxes.get(email.toLowerCase());
    if (!mailbox) throw new Error(`no Google account ${email}`);
    return mailbox;
  }

  /** The account's calendars: ground truth in (`seedEvent`, `userEdit`, `userDelete`) and out (`invitations`). */
  calendars(email: string): GoogleCalendars {
    const store = this.calendarStores.get(email.toLowerCase());
    if (!store) throw new Error(`no Google account ${email}`);
    return store;
  }

  seedCalendarEvent(
    email: string,
    event: Record<string, unknown>,
    options: { calendarId?: string; organizer?: { name: string; address: string } } = {},
  ) {
    const fields = options.organizer
      ? {
          ...event,
          organizer: { email: options.organizer.address.toLowerCase(), displayName: options.organizer.name },
        }
      : event;
    return { id: this.calendars(email).seedEvent(options.calendarId ?? email.toLowerCase(), fields).id };
  }

  addCalendar(email: string, calendar: { name: string; readOnly?: boolean }) {
    const accessRole = calendar.readOnly ? "reader" : "owner";
    return { id: this.calendars(email).addCalendar({ summary: calendar.name, accessRole }).id };
  }

  /** Every stored event of every calendar (series, exceptions, cancelled ones), for comparisons. */
  calendarSnapshot(email: string) {
    return [...this.calendars(email).calendars.values()].flatMap((c) =>
      [...c.events.values()].map((e) => ({ calendarId: c.id, id: e.id, etag: e.etag, ...e.fields })),
    );
  }

  userEditEvent(email: string, id: string, changes: Record<string, unknown>, calendarId?: string): void {
    this.calendars(email).userEdit(calendarId ?? email.toLowerCase(), id, changes);
  }

  userDeleteEvent(email: string, id: string, calendarId?: string): void {
    this.calendars(email).userDelete(calendarId ?? email.toLowerCase(), id);
  }

  sentInvitations(email: string) {
    return this.calendars(email).invitations;
  }

  accounts(): string[] {
    return [...this.mailboxes.keys()];
  }

  /** Seeds `count` synthetic messages (INBOX, or SENT with `sent`), a `share` with `participant`. */
  generate(email: string, options: Omit<SyntheticOptions, "owner">): void {
    const mailbox = this.mailbox(email);
    const labels = options.sent ? ["SENT"] : ["INBOX", "UNREAD"];
    for (const mail of syntheticMail({
      ...options,
      owner: { name: mailbox.displayName, address: mailbox.email },
    })) {
      mailbox.addParsed(mail.raw, mail.facts, labels);
    }
  }

  /** Tokens without the browser dance, for tests that are not about OAuth. */
  issueTokens(email: string, scope = "https://www.googleapis.com/auth/gmail.readonly", clientId?: string) {
    return this.grants.issueTokens(email, clientId ?? this.clients.keys().next().value!, scope);
  }

  invalidateCursors(email: string): void {
    this.mailbox(email).invalidateHistory();
    this.calendars(email).invalidateSyncTokens();
  }

  expireAccessTokens(email: string): void {
    this.grants.expireAccessTokens(email.toLowerCase());
  }

  async seed(email: string, raw: string, labelIds: string[]): Promise<{ id: string }> {
    return { id: (await this.mailbox(email).addRaw(raw, labelIds)).id };
  }

  snapshot(email: string): { id: string; messageId: string; where: string[] }[] {
    return [...this.mailbox(email).messages.values()].map((m) => ({
      id: m.id,
      messageId: m.facts.messageId,
      where: [...m.labelIds],
    }));
  }

  /** The user (or an admin, or Google for a Testing app) revoked access: refresh gives invalid_grant. */
  revokeTokens(email: string): void {
    this.grants.revokeAccount(email.toLowerCase(), "revoked");
  }

  private authenticate(request: Request): GmailCaller | Response {
    const token = bearerToken(request);
    const check = token ? this.grants.checkAccess(token) : null;
    if (!check?.ok) return googleUnauthenticated();
    const mailbox = this.mailboxes.get(check.grant.account);
    if (!mailbox) return googleUnauthenticated();
    return { email: mailbox.email, scope: check.scope, mailbox };
  }

  private async accountKey(account: GmailCaller | null, request: Request): Promise<string | null> {
    if (account) return account.email;
    const token = bearerToken(request);
    if (token) return this.grants.grantOfToken(token)?.account ?? null;
    const form = await readForm(request);
    const code = form.get("code");
    if (code) return this.grants.accountOfCode(code);
    const refresh = form.get("refresh_token") ?? form.get("token");
    return refresh ? (this.grants.grantOfToken(refresh)?.account ?? null) : null;
  }
}
