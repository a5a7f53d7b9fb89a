// The CRM store. One schema for PGlite (embedded) and PostgreSQL; migrations are generated from it
// with `npx drizzle-kit generate` and applied at start-up.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { SyncedEventState } from "../calendar/synced-state.js";
import type { SyncedContact } from "../reconcile/contacts-types.js";
import type { PostalAddress } from "../sync/contacts/port.js";

const id = () => text("id").primaryKey();
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export type RecordType = "person" | "company" | "lead";
export type CustomerStatus = "none" | "current" | "former";

export const users = pgTable("users", {
  id: id(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  role: text("role").$type<"admin" | "member">().notNull().default("member"),
  passwordHash: text("password_hash"),
  /** Further addresses of the user's own mailboxes: mail from any of them is outgoing. */
  aliases: jsonb("aliases").$type<string[]>().notNull().default([]),
  /** R-MAIL-7: the user's own never-log list, addresses and domains (mail/never-log.ts). */
  neverLog: jsonb("never_log").$type<string[]>().notNull().default([]),
  locale: text("locale").notNull().default("en"),
  timeZone: text("time_zone").notNull().default("UTC"),
  createdAt: createdAt(),
});

/** Read access to a record the user does not own. */
export const grants = pgTable(
  "grants",
  {
    recordType: text("record_type").$type<RecordType | "deal">().notNull(),
    recordId: text("record_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.recordType, t.recordId, t.userId] }), index("grants_user").on(t.userId)],
);

export const companies = pgTable(
  "companies",
  {
    id: id(),
    name: text("name").notNull(),
    domain: text("domain"),
    phones: jsonb("phones").$type<string[]>().notNull().default([]),
    /** The company's address: its Exchange contact's business address (R-X-6). */
    businessAddress: jsonb("business_address").$type<PostalAddress | null>(),
    customerStatus: text("customer_status").$type<CustomerStatus>().notNull().default("none"),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    customFields: jsonb("custom_fields").$type<Record<string, unknown>>().notNull().default({}),
    searchText: text("search_text").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // companies_domain: the context suggests the company of an unknown address by its domain.
  (t) => [
    index("companies_owner").on(t.ownerId),
    index("companies_domain").on(t.domain),
    // Trigram index: the search's LIKE '%…%' on the folded text stays fast on large tables.
    index("companies_search").using("gin", sql`${t.searchText} gin_trgm_ops`),
  ],
);

export const persons = pgTable(
  "persons",
  {
    id: id(),
    firstName: text("first_name").notNull().default(""),
    lastName: text("last_name").notNull().default(""),
    title: text("title"),
    companyId: text("company_id").references(() => companies.id, { onDelete: "set null" }),
    phones: jsonb("phones").$type<string[]>().notNull().default([]),
    mobilePhone: text("mobile_phone"),
    businessAddress: jsonb("business_address").$type<PostalAddress | null>(),
    homeAddress: jsonb("home_address").$type<PostalAddress | null>(),
    /**
     * When each synced field last changed in the CRM (ISO instants by field name, see
     * reconcile/contacts-types.ts): R-X-11 settles a conflict field by field, not record by record.
     */
    fieldChangedAt: jsonb("field_changed_at").$type<Record<string, string>>().notNull().default({}),
    customerStatus: text("customer_status").$type<CustomerStatus>().notNull().default("none"),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    customFields: jsonb("custom_fields").$type<Record<string, unknown>>().notNull().default({}),
    /** Set when this person was merged into another; such rows are hidden everywhere. */
    mergedInto: text("merged_into"),
    searchText: text("search_text").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("persons_owner").on(t.ownerId),
    index("persons_company").on(t.companyId),
    index("persons_search").using("gin", sql`${t.searchText} gin_trgm_ops`),
  ],
);

export const leads = pgTable(
  "leads",
  {
    id: id(),
    firstName: text("first_name").notNull().default(""),
    lastName: text("last_name").notNull().default(""),
    title: text("title"),
    companyName: text("company_name"),
    phones: jsonb("phones").$type<string[]>().notNull().default([]),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    customFields: jsonb("custom_fields").$type<Record<string, unknown>>().notNull().default({}),
    searchText: text("search_text").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("leads_owner").on(t.ownerId),
    index("leads_search").using("gin", sql`${t.searchText} gin_trgm_ops`),
  ],
);

/** Every email address of a person, company or lead; `email` is stored lower-cased for matching. */
export const recordEmails = pgTable(
  "record_emails",
  {
    recordType: text("record_type").$type<RecordType>().notNull(),
    recordId: text("record_id").notNull(),
    email: text("email").notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.recordType, t.recordId, t.email] }),
    index("record_emails_email").on(t.email),
  ],
);

export const deals = pgTable(
  "deals",
  {
    id: id(),
    name: text("name").notNull(),
    status: text("status").$type<"open" | "won" | "lost" | "unqualified">().notNull().default("open"),
    value: bigint("value", { mode: "number" }),
    currency: text("currency"),
    personId: text("person_id").references(() => persons.id, { onDelete: "set null" }),
    companyId: text("company_id").references(() => companies.id, { onDelete: "set null" }),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("deals_person").on(t.personId), index("deals_company").on(t.companyId)],
);

export const activityTypes = pgTable("activity_types", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  showInCalendars: boolean("show_in_calendars").notNull().default(false),
  createdAt: createdAt(),
});

export interface MailAddress {
  name?: string;
  address: string;
}

export const activities = pgTable(
  "activities",
  {
    id: id(),
    type: text("type")
      .notNull()
      .references(() => activityTypes.key),
    state: text("state").$type<"planned" | "done">().notNull().default("done"),
    subject: text("subject").notNull().default(""),
    description: text("description"),
    startAt: timestamp("start_at", { withTimezone: true }),
    endAt: timestamp("end_at", { withTimezone: true }),
    timeZone: text("time_zone"),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    dealId: text("deal_id").references(() => deals.id, { onDelete: "set null" }),
    /** `manual`: created by a person, editable. `auto`: logged mail, read-only (R-MAIL-3). */
    source: text("source").$type<"manual" | "auto">().notNull().default("manual"),
    // Email activities
    messageId: text("message_id"),
    inReplyTo: text("in_reply_to"),
    references: jsonb("references").$type<string[]>(),
    threadId: text("thread_id"),
    /**
     * Every Message-ID the email names: its own, In-Reply-To and References. Logged emails that share
     * one are one conversation, whatever order they arrived in (R-MAIL-9).
     */
    threadKeys: text("thread_keys").array(),
    direction: text("direction").$type<"incoming" | "outgoing">(),
    fromAddress: jsonb("from_address").$type<MailAddress | null>(),
    toAddresses: jsonb("to_addresses").$type<MailAddress[]>(),
    ccAddresses: jsonb("cc_addresses").$type<MailAddress[]>(),
    bodyHtml: text("body_html"),
    bodyText: text("body_text"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("activities_owner").on(t.ownerId),
    index("activities_thread").on(t.threadId),
    // Searched by every logged email right after the inserts before it (thread.ts): with GIN's fast update
    // each search read the whole pending list of entries not yet merged, up to 4 MB, so inserts go into
    // the index at once.
    index("activities_thread_keys").using("gin", t.threadKeys).with({ fastupdate: false }),
    uniqueIndex("activities_owner_message").on(t.ownerId, t.messageId).where(sql`message_id is not null`),
  ],
);

/** The records an activity is about: an email is linked to every CRM participant. */
export const activityLinks = pgTable(
  "activity_links",
  {
    activityId: text("activity_id")
      .notNull()
      .references(() => activities.id, { onDelete: "cascade" }),
    recordType: text("record_type").$type<RecordType>().notNull(),
    recordId: text("record_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.activityId, t.recordType, t.recordId] }),
    index("activity_links_record").on(t.recordType, t.recordId),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: id(),
    activityId: text("activity_id")
      .notNull()
      .references(() => activities.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    /** The content's row in `blobs`. */
    sha256: text("sha256").notNull(),
    contentId: text("content_id"),
    inline: boolean("inline").notNull().default(false),
    position: integer("position").notNull().default(0),
  },
  (t) => [index("attachments_activity").on(t.activityId), index("attachments_sha").on(t.sha256)],
);

/**
 * Attachment bytes, once per content. Ingest holds a blob's row FOR SHARE until it commits the
 * attachment rows that use it; collection deletes only rows it holds FOR UPDATE and finds unused.
 * `bytes` holds the content on PostgreSQL (every process on every host reads it); on the embedded
 * database it is null and the bytes are a file in the blob folder.
 */
export const blobs = pgTable("blobs", {
  sha256: text("sha256").primaryKey(),
  size: integer("size").notNull(),
  bytes: bytea("bytes"),
  createdAt: createdAt(),
});

/**
 * A calendar event. Timed events are two instants, each with the IANA zone it was planned in (R-ACT-5).
 * All-day events are dates (`start_date`, `end_date` exclusive as iCalendar's DTEND): the same days
 * whatever the viewer's zone; their `start_at`/`end_at` are the dates' UTC midnights, kept only as sort
 * and range keys. A series has its rule (`recurrence`, RRULE text) with RDATE/EXDATE; its changed,
 * moved and cancelled occurrences are rows of `event_exceptions`.
 */
export const events = pgTable(
  "events",
  {
    id: id(),
    title: text("title").notNull(),
    description: text("description"),
    location: text("location"),
    /** The https link attendees join an online meeting with. */
    onlineMeetingUrl: text("online_meeting_url"),
    startAt: timestamp("start_at", { withTimezone: true }).notNull(),
    endAt: timestamp("end_at", { withTimezone: true }).notNull(),
    /** The zone of the start (and of the series' wall-clock times). */
    timeZone: text("time_zone").notNull().default("UTC"),
    endTimeZone: text("end_time_zone").notNull().default("UTC"),
    allDay: boolean("all_day").notNull().default(false),
    startDate: date("start_date", { mode: "string" }),
    /** Exclusive: a one-day event on 3 December ends on 4 December. */
    endDate: date("end_date", { mode: "string" }),
    /** `crm`: created in Concilia, editable. `external`: imported from a synced calendar (R-CAL-3). */
    origin: text("origin").$type<"crm" | "external">().notNull().default("crm"),
    /** The user was invited (is not the organizer): read-only in Concilia (R-CAL-4). */
    guest: boolean("guest").notNull().default(false),
    /** Cancelled events are kept (R-CAL-9), not deleted. */
    status: text("status").$type<"confirmed" | "tentative" | "cancelled">().notNull().default("confirmed"),
    organizerEmail: text("organizer_email"),
    organizerName: text("organizer_name"),
    /** The series' RRULE value (`FREQ=WEEKLY;BYDAY=TU`), null for a single event. */
    recurrence: text("recurrence"),
    /** Extra occurrences (RDATE) and removed ones (EXDATE): UTC instants, or dates for all-day series. */
    rdates: jsonb("rdates").$type<string[]>().notNull().default([]),
    exdates: jsonb("exdates").$type<string[]>().notNull().default([]),
    dealId: text("deal_id").references(() => deals.id, { onDelete: "set null" }),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("events_owner_start").on(t.ownerId, t.startAt)],
);

/**
 * One occurrence of a series that differs from its rule, keyed by where the rule put it (its original
 * start: a UTC instant `2026-03-10T09:00:00.000Z`, or a date for all-day series), as Google's
 * originalStartTime, Graph's originalStart and iCalendar's RECURRENCE-ID do. Moved: new start and end;
 * changed: the fields that differ (null keeps the series' value); cancelled: status `cancelled`.
 */
export const eventExceptions = pgTable(
  "event_exceptions",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    originalStart: text("original_start").notNull(),
    status: text("status").$type<"confirmed" | "tentative" | "cancelled">().notNull().default("confirmed"),
    startAt: timestamp("start_at", { withTimezone: true }),
    endAt: timestamp("end_at", { withTimezone: true }),
    timeZone: text("time_zone"),
    endTimeZone: text("end_time_zone"),
    startDate: date("start_date", { mode: "string" }),
    endDate: date("end_date", { mode: "string" }),
    title: text("title"),
    description: text("description"),
    location: text("location"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.originalStart] })],
);

export const eventAttendees = pgTable(
  "event_attendees",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    name: text("name"),
    responseStatus: text("response_status")
      .$type<"needsAction" | "accepted" | "declined" | "tentative">()
      .notNull()
      .default("needsAction"),
    recordType: text("record_type").$type<RecordType>(),
    recordId: text("record_id"),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.email] }),
    index("event_attendees_record").on(t.recordType, t.recordId),
  ],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    scopes: jsonb("scopes").$type<string[]>().notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("api_tokens_user").on(t.userId)],
);

/**
 * An account at an identity provider linked to one Concilia user (R-SB-7). ID tokens sign in by this
 * link only, keyed by the provider's stable ids (Entra: tenant + object id; Google: subject), never
 * by an address claim. A link is made by a password sign-in in the dialog or by an admin.
 */
export const externalIdentities = pgTable(
  "external_identities",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").$type<"entra" | "google">().notNull(),
    /** Entra's `tid`; empty for Google, whose subjects are global. */
    tenantId: text("tenant_id").notNull().default(""),
    /** Entra's `oid`, Google's `sub`. */
    subject: text("subject").notNull(),
    /** The address the provider last named, shown to people; never used to sign in. */
    email: text("email"),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("external_identities_key").on(t.provider, t.tenantId, t.subject),
    index("external_identities_user").on(t.userId),
  ],
);

/** One-time codes of the sign-in dialog: valid 3 minutes, used once. */
export const loginCodes = pgTable("login_codes", {
  codeHash: text("code_hash").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  scopes: jsonb("scopes").$type<string[]>().notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * Failed password sign-ins per (account, client), per account and per client address (see
 * auth/throttle.ts), kept in the database so that every server process counts the same failures.
 * The key is a hash: no address or IP address is stored here.
 */
export const signInFailures = pgTable("sign_in_failures", {
  keyHash: text("key_hash").primaryKey(),
  failures: integer("failures").notNull(),
  /** The last failure: the count is forgotten an hour after it. */
  since: timestamp("since", { withTimezone: true }).notNull(),
  /** No attempt is checked before this time (the column keeps its first name). */
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});

/**
 * A user's account at a mail or calendar provider that Concilia talks to (a Google account, a
 * Microsoft 365 mailbox, an IMAP server): a user may have several. Its credentials are in
 * `connection_secrets`. The sync work extends this table.
 */
export const connections = pgTable(
  "connections",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** e.g. "google", "microsoft", "imap". */
    provider: text("provider").notNull(),
    /** The account's address at the provider, lower-cased. */
    accountAddress: text("account_address").notNull(),
    displayName: text("display_name").notNull().default(""),
    /** R-CON-2: "email", "calendar" or "both" (IMAP: "email" only, R-CON-4). */
    syncs: text("syncs").$type<"email" | "calendar" | "both">().notNull().default("both"),
    /** The account's calendars as the provider lists them, and which of them are synced (R-CON-9). */
    calendars: jsonb("calendars")
      .$type<{ id: string; name: string; primary: boolean; selected: boolean; timeZone?: string | null }[]>()
      .notNull()
      .default([]),
    /** Where new meetings go; null: the primary calendar. */
    targetCalendarId: text("target_calendar_id"),
    /** How many days back the first sync reaches. */
    backfillDays: integer("backfill_days").notNull().default(30),
    /** IMAP, iCloud, Yahoo: the mail server (host, port, TLS, username); never the password. */
    imapServer: jsonb("imap_server").$type<{
      host: string;
      port: number;
      tls: "implicit" | "starttls" | "none";
      username: string;
    }>(),
    /** Other CalDAV server (provider "caldav"): where discovery starts, and the login; never the password. */
    caldavServer: jsonb("caldav_server").$type<{ url: string; username: string }>(),
    /** Google, Microsoft: the scopes the user granted, to tell when a new choice needs a new consent. */
    grantedScopes: jsonb("granted_scopes").$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("connections_account").on(t.userId, t.provider, t.accountAddress),
    index("connections_user").on(t.userId),
  ],
);

/**
 * A connection's credentials (refresh tokens, app passwords), one row per name, encrypted with
 * AES-256-GCM (R-CON-11). `version` grows with each write, and a write names the version it
 * replaces, so that of two workers refreshing a rotating token at once only one wins.
 */
export const connectionSecrets = pgTable(
  "connection_secrets",
  {
    id: id(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    /** e.g. "refresh-token", "app-password". */
    name: text("name").notNull(),
    version: integer("version").notNull(),
    keyId: text("key_id").notNull(),
    ciphertext: text("ciphertext").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("connection_secrets_name").on(t.connectionId, t.name)],
);

/**
 * Where a CRM event (or a planned activity, R-ACT-1) lives in a synced calendar: one row per item and
 * calendar, and per exception of a series (`original_start`). `last_synced` is the item as both sides
 * agreed at the last sync (server/calendar/synced-state.ts), so that reconciling is a function of the
 * CRM state, the provider's state and this one.
 */
export const eventLinks = pgTable(
  "event_links",
  {
    id: id(),
    eventId: text("event_id").references(() => events.id, { onDelete: "cascade" }),
    activityId: text("activity_id").references(() => activities.id, { onDelete: "cascade" }),
    /** Set for the link of one exception of a series; empty for the item itself. */
    originalStart: text("original_start").notNull().default(""),
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    /** The provider's calendar id (Graph, Google) or collection URL (CalDAV). */
    calendarId: text("calendar_id").notNull(),
    /** The provider's id of the item (Graph/Google event id, CalDAV object href). */
    providerId: text("provider_id").notNull(),
    icalUid: text("ical_uid"),
    /** Google etag, Graph changeKey, CalDAV ETag: byte for byte as the provider sent it. */
    etag: text("etag"),
    sequence: integer("sequence").notNull().default(0),
    lastSynced: jsonb("last_synced").$type<SyncedEventState>(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("event_links_provider").on(t.connectionId, t.calendarId, t.providerId),
    uniqueIndex("event_links_item")
      .on(t.connectionId, t.calendarId, t.eventId, t.originalStart)
      .where(sql`event_id is not null`),
    uniqueIndex("event_links_activity")
      .on(t.connectionId, t.calendarId, t.activityId)
      .where(sql`activity_id is not null`),
    index("event_links_event").on(t.eventId),
    // The calendar sync finds the CRM event of each incoming item by its iCalUID (R-CAL-3).
    index("event_links_ical_uid").on(t.icalUid),
    check("event_links_one_item", sql`(${t.eventId} is null) <> (${t.activityId} is null)`),
  ],
);

export type EventLink = typeof eventLinks.$inferSelect;
export type NewEventLink = typeof eventLinks.$inferInsert;

/**
 * Calendar writes waiting to go out (ARCHITECTURE's outbox): a CRM change to an event or a planned
 * activity writes one row per connection that already pushed to its calendar, in the change's own
 * transaction; the connection's next step drains them (sync/calendar/outbound.ts) and deletes a row only
 * after the provider write and the `event_links` row are recorded. Several rows of one item are one
 * write. `removal` is set when the item's links go with it (a deleted activity): where to remove it.
 */
export const calendarOutbox = pgTable(
  "calendar_outbox",
  {
    id: id(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    itemKind: text("item_kind").$type<"event" | "activity">().notNull(),
    /** No foreign key: the row outlives a deleted item, whose removal it carries. */
    itemId: text("item_id").notNull(),
    removal: jsonb("removal").$type<{ calendarId: string; providerId: string; etag: string | null }[]>(),
    /** "Sync previous activities" (R-ACT-3): history, pushed without invitations. */
    history: boolean("history").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("calendar_outbox_connection").on(t.connectionId, t.id)],
);

/**
 * Outlook events Concilia itself deleted lately (providers/graph/calendar-own-removals.ts): the
 * calendar's delta lists each as a removed id no link names any more, which would otherwise have every
 * linked series read again. Written in the transaction that records the links after the deletes, so
 * every worker knows the echo; kept for `kept_until`, at most a few thousand per connection.
 */
export const calendarOwnRemovals = pgTable(
  "calendar_own_removals",
  {
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    /** The Graph event id deleted (a series' master id covers its occurrences' ids, which extend it). */
    providerId: text("provider_id").notNull(),
    keptUntil: timestamp("kept_until", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.providerId] }),
    index("calendar_own_removals_kept_until").on(t.keptUntil),
  ],
);

/**
 * An OAuth sign-in under way (connections/oauth-flow.ts): the state sent to the provider (as a
 * SHA-256 hash) with the PKCE code verifier, bound to the user who started it. Used once, within
 * ten minutes.
 */
export const oauthStates = pgTable(
  "oauth_states",
  {
    stateHash: text("state_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").$type<"google" | "microsoft">().notNull(),
    syncs: text("syncs").$type<"email" | "calendar" | "both">().notNull(),
    /** A reconnect: the connection whose credentials the sign-in replaces. */
    connectionId: text("connection_id").references(() => connections.id, { onDelete: "cascade" }),
    codeVerifier: text("code_verifier").notNull(),
    opener: text("opener").$type<"web" | "office">().notNull(),
    locale: text("locale").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("oauth_states_expiry").on(t.expiresAt)],
);

/**
 * The sync state machine of a connection, 1:1 (server/sync/state-machine.ts is the only writer): what the
 * user sees, the stage and when it began, when the next step is due, failures and progress. `version`
 * grows with every write, and writes name the version they read, so two workers cannot interleave.
 */
export const syncStates = pgTable(
  "sync_states",
  {
    connectionId: text("connection_id")
      .primaryKey()
      .references(() => connections.id, { onDelete: "cascade" }),
    version: integer("version").notNull().default(1),
    status: text("status")
      .$type<"syncing" | "up_to_date" | "reconnect_needed" | "paused" | "failed">()
      .notNull(),
    stage: text("stage").$type<"initial" | "incremental" | "resync" | "idle">().notNull(),
    /** Never null: a stage is only ever entered together with its start time. */
    stageStartedAt: timestamp("stage_started_at", { withTimezone: true }).notNull(),
    /** Set while a step runs; the watchdog frees a step that has held it past the timeout. */
    stepStartedAt: timestamp("step_started_at", { withTimezone: true }),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull(),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    lastErrorKind: text("last_error_kind"),
    /** Plain words for the user: never a token, a password or a message body. */
    lastErrorReason: text("last_error_reason"),
    progressDone: integer("progress_done"),
    progressFound: integer("progress_found"),
    lastSyncedAt: timestamp("last_synced_at", { withTimezone: true }),
    /** The credentials version that failed authentication: a newer one ends `reconnect_needed`. */
    authFailedSecretVersion: integer("auth_failed_secret_version"),
    /** Items the adapter chose not to store, by reason (R-MAIL-8). */
    skipCounts: jsonb("skip_counts").$type<Record<string, number>>().notNull().default({}),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("sync_states_due").on(t.nextRunAt),
    check("sync_states_error_pair", sql`(${t.lastErrorKind} is null) = (${t.lastErrorReason} is null)`),
    check("sync_states_progress_pair", sql`(${t.progressDone} is null) = (${t.progressFound} is null)`),
  ],
);

/** Where a connection's sync stands in each folder or calendar: the provider's opaque cursor. */
export const syncCursors = pgTable(
  "sync_cursors",
  {
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    /** e.g. "mail:INBOX", "calendar:primary". */
    scopeKey: text("scope_key").notNull(),
    cursor: jsonb("cursor").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.scopeKey] })],
);

/**
 * Items that failed to sync while their cursor moved on: retried at the next steps, then parked
 * (`parked_at`) after the allowed attempts until the user asks to retry them. Nothing is dropped.
 */
export const syncFailedItems = pgTable(
  "sync_failed_items",
  {
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    itemKey: text("item_key").notNull(),
    scopeKey: text("scope_key").notNull(),
    /** What the adapter needs to fetch the item again. */
    itemRef: jsonb("item_ref").notNull(),
    errorKind: text("error_kind").notNull(),
    reason: text("reason").notNull(),
    attempts: integer("attempts").notNull(),
    firstFailedAt: timestamp("first_failed_at", { withTimezone: true }).notNull(),
    lastFailedAt: timestamp("last_failed_at", { withTimezone: true }).notNull(),
    parkedAt: timestamp("parked_at", { withTimezone: true }),
    /**
     * The message's Message-ID (normalised) when the item was fetched but could not be written: the
     * sidebars' context statement reads it to say "failed" for that message (R-MAIL-8).
     */
    messageId: text("message_id"),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.itemKey] }),
    index("sync_failed_items_message").on(t.messageId),
  ],
);

/**
 * A Microsoft Graph change-notification subscription of a connection (one per followed folder). Only a
 * SHA-256 of its clientState is kept: enough to check notifications, useless to forge one.
 */
export const graphSubscriptions = pgTable(
  "graph_subscriptions",
  {
    /** Graph's subscription id. */
    id: text("id").primaryKey(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    resource: text("resource").notNull(),
    clientStateHash: text("client_state_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("graph_subscriptions_connection").on(t.connectionId)],
);

/** Workspace-wide settings, one row per key. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
});

/**
 * R-MAIL-8: a message automatic logging saw and did not store, and why (mail/auto-log.ts). Only the
 * Message-ID is kept, never content (R-MAIL-2). One row per user and message: the source and time it
 * was first seen stay; the reason follows the latest decision.
 */
export const mailSkips = pgTable(
  "mail_skips",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    messageId: text("message_id").notNull(),
    reason: text("reason").$type<"no-crm-participant" | "never-log" | "internal" | "automated">().notNull(),
    /** What decided it, e.g. the never-log entry or the automated header; shown to the user. */
    detail: text("detail"),
    source: text("source").$type<"gmail" | "graph" | "imap">().notNull(),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.messageId] }),
    index("mail_skips_user_seen").on(t.userId, t.firstSeenAt),
  ],
);

/**
 * The Exchange contact integration of a Microsoft connection (R-X-1): the categories whose contacts are
 * imported (R-X-2), the language our seven category names use, fixed at activation (R-X-4), the
 * private folders followed (R-X-5) and the one new CRM contacts are created in. `pushedThrough` is the
 * outbound watermark: CRM changes after it are pushed (sync/contacts/outbound.ts).
 */
export const exchangeIntegrations = pgTable("exchange_integrations", {
  connectionId: text("connection_id")
    .primaryKey()
    .references(() => connections.id, { onDelete: "cascade" }),
  enabled: boolean("enabled").notNull().default(true),
  categories: jsonb("categories").$type<string[]>().notNull().default([]),
  language: text("language").$type<"en" | "es" | "it">().notNull(),
  folderIds: jsonb("folder_ids").$type<string[]>().notNull().default([]),
  targetFolderId: text("target_folder_id"),
  /** The ids of our seven master categories as last made, by R-CAT-2 key: a renamed one is found by id. */
  categoryIds: jsonb("category_ids").$type<Record<string, string>>().notNull().default({}),
  pushedThrough: timestamp("pushed_through", { withTimezone: true }),
  activatedAt: timestamp("activated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: updatedAt(),
});

/**
 * An Exchange contact of a connection and the CRM record it is synced with: a person, a company or a
 * lead (`record_type`; R-CAT-1 kind), by the one of `person_id`, `company_id`, `lead_id` that type names.
 * `state` `ignored` is kept for good: the contact was deleted in Exchange (R-X-7: its record is never
 * created there again), its record was deleted in the CRM (the id nulled: the contact is never imported
 * again), or it is the duplicate given up after a CRM merge (R-X-9). `last_synced` is the contact as both
 * sides last agreed, field by field, with when each field last changed in Exchange (R-X-11).
 */
export const contactLinks = pgTable(
  "contact_links",
  {
    id: id(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    folderId: text("folder_id").notNull(),
    providerId: text("provider_id").notNull(),
    recordType: text("record_type").$type<RecordType>().notNull().default("person"),
    personId: text("person_id").references(() => persons.id, { onDelete: "set null" }),
    companyId: text("company_id").references(() => companies.id, { onDelete: "set null" }),
    leadId: text("lead_id").references(() => leads.id, { onDelete: "set null" }),
    state: text("state").$type<"linked" | "ignored">().notNull().default("linked"),
    ignoredReason: text("ignored_reason").$type<
      "deleted-in-exchange" | "deleted-in-crm" | "merged-duplicate" | "not-visible"
    >(),
    changeKey: text("change_key"),
    lastSynced: jsonb("last_synced").$type<SyncedContact>(),
    /** A value the CRM won in Exchange waits to be written there (the next outbound pass does it). */
    pushPending: boolean("push_pending").notNull().default(false),
    syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("contact_links_provider").on(t.connectionId, t.providerId),
    uniqueIndex("contact_links_person").on(t.connectionId, t.personId).where(sql`state = 'linked'`),
    uniqueIndex("contact_links_company").on(t.connectionId, t.companyId).where(sql`state = 'linked'`),
    uniqueIndex("contact_links_lead").on(t.connectionId, t.leadId).where(sql`state = 'linked'`),
    index("contact_links_person_any").on(t.personId),
    index("contact_links_company_any").on(t.companyId),
    index("contact_links_lead_any").on(t.leadId),
  ],
);

export type ContactLink = typeof contactLinks.$inferSelect;

/**
 * A contact create sent to Exchange whose outcome is not recorded yet: written before the POST and
 * removed once the link is saved. One left behind means the answer may have been lost, so the next
 * push looks for the contact by our id before creating it again (R-P-2); without one it creates at once.
 */
export const contactPendingCreates = pgTable(
  "contact_pending_creates",
  {
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    recordType: text("record_type").$type<RecordType>().notNull(),
    recordId: text("record_id").notNull(),
    folderId: text("folder_id").notNull(),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.recordType, t.recordId] })],
);

/** R-X-11: a value the most recent change overwrote, kept with the CRM person. */
export const overwrittenValues = pgTable(
  "overwritten_values",
  {
    id: id(),
    personId: text("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    field: text("field").notNull(),
    oldValue: jsonb("old_value"),
    /** Where the overwritten value came from. */
    source: text("source").$type<"crm" | "exchange">().notNull(),
    overwrittenAt: timestamp("overwritten_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("overwritten_values_person").on(t.personId, t.overwrittenAt)],
);
