// R-CON: a user's accounts at mail and calendar providers, what each syncs, and the inputs that create,
// test, edit and (through OAuth) connect them. Credentials go in; they never come back out (R-CON-11).
import { z } from "zod";
import { email } from "./common.js";

/**
 * R-CON-3: Google and Microsoft sign in with OAuth; iCloud and Yahoo take an app password; IMAP is mail
 * only; "caldav" (Other CalDAV server: Nextcloud, Fastmail, Radicale…) is calendar only.
 */
export const connectionProvider = z.enum(["google", "microsoft", "icloud", "yahoo", "imap", "caldav"]);
export type ConnectionProvider = z.infer<typeof connectionProvider>;

export const oauthProvider = z.enum(["google", "microsoft"]);
export type OAuthProvider = z.infer<typeof oauthProvider>;

/** R-CON-2: what a connection keeps in sync. */
export const connectionSyncs = z.enum(["email", "calendar", "both"]);
export type ConnectionSyncs = z.infer<typeof connectionSyncs>;

export const imapTls = z.enum(["implicit", "starttls", "none"]);
export type ImapTls = z.infer<typeof imapTls>;

/** A calendar of the account, as the provider lists it (the sync engine fills the list). */
export const connectionCalendar = z.object({
  id: z.string(),
  name: z.string(),
  primary: z.boolean(),
  /** R-CON-9: synced; the primary calendar is preselected. */
  selected: z.boolean(),
  /**
   * R-ACT-5: the IANA zone the calendar shows times in, where the provider says (CalDAV
   * calendar-timezone, Google's timeZone, Graph's mailboxSettings timeZone mapped from Windows names).
   */
  timeZone: z.string().nullable().optional(),
});
export type ConnectionCalendar = z.infer<typeof connectionCalendar>;

/** Where the account's mail is read (IMAP, iCloud, Yahoo); never a credential. */
export const imapServer = z.object({
  host: z.string(),
  port: z.number().int(),
  tls: imapTls,
  username: z.string(),
});
export type ImapServer = z.infer<typeof imapServer>;

/** Where an Other CalDAV server account's calendars are found, and its login; never a credential. */
export const caldavServer = z.object({ url: z.string(), username: z.string() });
export type CaldavServer = z.infer<typeof caldavServer>;

export const connection = z.object({
  id: z.string(),
  provider: connectionProvider,
  accountAddress: z.string(),
  displayName: z.string(),
  syncs: connectionSyncs,
  calendars: z.array(connectionCalendar),
  /** The calendar new meetings go to; null: the primary one. */
  targetCalendarId: z.string().nullable(),
  /** How far back the first sync reaches. */
  backfillDays: z.number().int(),
  /** The IMAP server of an IMAP, iCloud or Yahoo account; null for Google and Microsoft. */
  imapServer: imapServer.nullable(),
  /** The server URL and username of an Other CalDAV server account; null for the others. */
  caldavServer: caldavServer.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The stored credentials, by name and version: never their values (R-CON-11). */
  secrets: z.array(z.object({ name: z.string(), version: z.number().int(), updatedAt: z.string() })),
});
export type Connection = z.infer<typeof connection>;

const password = z.string().min(1, "must not be empty").max(1024);

/** The IMAP server and the mail account's own login (R-CON-6: not the CRM's). */
export const imapAccountInput = z.strictObject({
  host: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(993),
  tls: imapTls.default("implicit"),
  username: z.string().trim().min(1).max(320),
  password,
  /** R-CON-5: only IMAP syncs; "pop3" is understood so that it can be refused with the reason. */
  protocol: z.enum(["imap", "pop3"]).default("imap"),
});
export type ImapAccountInput = z.infer<typeof imapAccountInput>;

/** R-CON-6: the connectivity test's answer: green, or red with the step that failed. */
export const imapTestResult = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    step: z.enum(["dns", "connect", "tls", "login", "capability"]),
    message: z.string(),
  }),
]);
export type ImapTestResult = z.infer<typeof imapTestResult>;

const backfillDays = z.number().int().min(0).max(3650);

/** An Other CalDAV server: the URL the provider gives (https, or a bare host name), the login, an app password. */
export const caldavAccountInput = z.strictObject({
  serverUrl: z.string().trim().min(1).max(2048),
  username: z.string().trim().min(1).max(320),
  password,
});
export type CaldavAccountInput = z.infer<typeof caldavAccountInput>;

/** The steps of the CalDAV connectivity test, in order (server/providers/caldav/connectivity.ts). */
export const caldavTestStep = z.enum(["lookup", "connection", "discovery", "login", "home"]);
export type CaldavTestStep = z.infer<typeof caldavTestStep>;

/** R-CON-6 for a CalDAV server: green with the calendars found, or red naming the step that failed. */
export const caldavTestResult = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), calendars: z.array(z.object({ name: z.string(), primary: z.boolean() })) }),
  z.object({
    ok: z.literal(false),
    step: caldavTestStep,
    /** A key of shared/calendar-account-messages.ts: each sidebar says it in the user's language. */
    messageKey: z.string(),
    /** The technical reason (never the password). */
    message: z.string(),
  }),
]);
export type CaldavTestResult = z.infer<typeof caldavTestResult>;

/** R-CON-4: an Other CalDAV server syncs calendars only. */
export const caldavConnectionInput = caldavAccountInput.extend({
  provider: z.literal("caldav"),
  syncs: z.literal("calendar").default("calendar"),
  /** How the account is named in the list; default: the username (with the server's host if it has no @). */
  accountAddress: z.string().trim().min(1).max(320).optional(),
  displayName: z.string().trim().max(200).optional(),
});

/** An iCloud or Yahoo account: its address and an app-specific password. */
const appPasswordInput = (provider: "icloud" | "yahoo") =>
  z.strictObject({
    provider: z.literal(provider),
    accountAddress: email,
    password,
    syncs: connectionSyncs.default("both"),
    displayName: z.string().trim().max(200).optional(),
    backfillDays: backfillDays.default(30),
  });

export const imapConnectionInput = imapAccountInput.extend({
  provider: z.literal("imap"),
  accountAddress: email,
  /** R-CON-4: IMAP syncs mail only; "calendar" and "both" are refused with the reason. */
  syncs: connectionSyncs.default("email"),
  displayName: z.string().trim().max(200).optional(),
  backfillDays: backfillDays.default(30),
});

/** A connection made without OAuth (Google and Microsoft connect through /connections/oauth/start). */
export const connectionInput = z.discriminatedUnion("provider", [
  appPasswordInput("icloud"),
  appPasswordInput("yahoo"),
  imapConnectionInput,
  caldavConnectionInput,
]);
export type ConnectionInput = z.infer<typeof connectionInput>;

/** R-CON-2, R-CON-9: what the user can change after connecting. */
export const connectionPatch = z.strictObject({
  syncs: connectionSyncs.optional(),
  /** The ids of the calendars to sync; the others are not synced. */
  selectedCalendarIds: z.array(z.string().min(1).max(1024)).max(500).optional(),
  targetCalendarId: z.string().min(1).max(1024).nullable().optional(),
  backfillDays: backfillDays.optional(),
  displayName: z.string().trim().max(200).optional(),
});
export type ConnectionPatch = z.infer<typeof connectionPatch>;

export const oauthStartInput = z.strictObject({
  provider: oauthProvider,
  /** Default: "both" for a new connection, what it syncs now for a reconnect. */
  syncs: connectionSyncs.optional(),
  /** Reconnect this connection (new consent, same connection, same sync cursors). */
  connectionId: z.string().min(1).max(100).optional(),
  /** "office" when the sign-in runs in the Outlook add-in's dialog, "web" for a browser popup. */
  opener: z.enum(["web", "office"]).default("web"),
});
export type OAuthStartInput = z.infer<typeof oauthStartInput>;

export const oauthStart = z.object({
  /** The provider's sign-in page: open it in a popup; it ends on Concilia's callback page. */
  authorizationUrl: z.string(),
  /**
   * The same sign-in started from Concilia's own origin (it redirects to authorizationUrl): for the
   * Outlook dialog, which must open on the add-in's domain.
   */
  dialogUrl: z.string(),
  /** The state expires then: start again after it. */
  expiresAt: z.string(),
});

/** What the callback page tells its opener (postMessage / Office messageParent). */
export interface OAuthResultMessage {
  type: "concilia:connection";
  ok: boolean;
  connectionId?: string;
  accountAddress?: string;
  /** access_denied, missing_permissions, invalid_state, invalid_grant, account_mismatch, no_refresh_token, provider_error */
  error?: string;
}

/** R-CON-10: the answer to stopping a connection. */
export const connectionStopped = z.object({
  id: z.string(),
  provider: connectionProvider,
  accountAddress: z.string(),
  /** The stored credentials are gone. */
  credentialsDeleted: z.literal(true),
  /** What the provider let us revoke: Google's token, nothing at Microsoft, the user's app password. */
  revocation: z.enum(["revoked", "failed", "unsupported", "not-applicable"]),
  /** A sentence to show the user. */
  message: z.string(),
});
export type ConnectionStopped = z.infer<typeof connectionStopped>;

/** R-ACT-3: what "Sync previous activities" queued. */
export const previousActivitiesQueued = z.object({
  connectionId: z.string(),
  /** Planned activities of calendar-shown types made before the connection, now on their way. */
  queued: z.number().int(),
  message: z.string(),
});
export type PreviousActivitiesQueued = z.infer<typeof previousActivitiesQueued>;

/**
 * R-ACT-4: the answer to "Remove sync": the connection, now syncing mail only, or null when it synced
 * only its calendar and is disconnected.
 */
export const calendarSyncRemoved = z.object({
  connection: connection.nullable(),
  /** A sentence to show the user: what stopped, and that nothing in the CRM was lost. */
  message: z.string(),
});
export type CalendarSyncRemoved = z.infer<typeof calendarSyncRemoved>;

// Named components of the OpenAPI document (server/api/openapi.ts), so that generated clients get named types.
const named: [z.ZodType, string][] = [
  [connection, "Connection"],
  [connectionCalendar, "ConnectionCalendar"],
  [imapServer, "ImapServer"],
  [connectionInput, "ConnectionInput"],
  [imapAccountInput, "ImapAccountInput"],
  [imapTestResult, "ImapTestResult"],
  [caldavServer, "CaldavServer"],
  [caldavAccountInput, "CaldavAccountInput"],
  [caldavTestResult, "CaldavTestResult"],
  [connectionPatch, "ConnectionPatch"],
  [oauthStartInput, "OAuthStartInput"],
  [oauthStart, "OAuthStart"],
  [connectionStopped, "ConnectionStopped"],
  [previousActivitiesQueued, "PreviousActivitiesQueued"],
  [calendarSyncRemoved, "CalendarSyncRemoved"],
];
for (const [schema, id] of named) schema.register(z.globalRegistry, { id });
