// The OpenAPI document tells the truth: every operation it lists is exercised with real data, every
// status answered is one the document gives for that operation, every documented success status occurs,
// and every JSON answer matches its documented schema.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoginCode } from "../../server/auth/login-codes.js";
import { createApiToken } from "../../server/auth/tokens.js";
import { createConnection } from "../../server/connections/connections.js";
import { channelToken, newChannelId } from "../../server/providers/google/calendar-channel.js";
import { secretHash } from "../../server/providers/push-secret.js";
import { registerContactsPort } from "../../server/sync/contacts/port-factory.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { type Jwks, startJwks } from "../harness/jwks.js";
import { type Doc, openApiProblems, schemaValidator } from "../harness/openapi-structure.js";
import { MemoryAddressBook } from "../sync/contacts/memory-port.js";

const MESSAGE_ID = "<po-2027-118@acme-iberia.example>";
const RAW_MAIL = [
  "From: Marta Núñez <marta.nunez@acme-iberia.example>",
  "To: Ana <ana@acme.test>",
  "Subject: Orden de compra 2027-118",
  `Message-ID: ${MESSAGE_ID}`,
  "Date: Fri, 20 Nov 2026 09:00:00 +0100",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="b1"',
  "",
  "--b1",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "Adjunto la orden de compra.",
  "--b1",
  'Content-Type: application/pdf; name="orden.pdf"',
  'Content-Disposition: attachment; filename="orden.pdf"',
  "Content-Transfer-Encoding: base64",
  "",
  "JVBERi0xLjQKJSVFT0YK",
  "--b1--",
  "",
].join("\r\n");

/** Ids and tokens the examples create and later examples use. */
type State = Record<string, string>;

interface Example {
  /** "METHOD /path/{param}" as the document lists it. */
  op: string;
  /** The status this request must get. */
  status: number;
  params?: Record<string, string>;
  query?: string;
  /** JSON body; "example" sends the document's own example for the operation (with `patch` applied). */
  body?: unknown;
  patch?: Record<string, unknown>;
  raw?: { type: string; data: string };
  /** Request headers beyond authorization and content-type (a Google Calendar notification's X-Goog-*). */
  headers?: Record<string, string>;
  /** Who asks: a user of the test, "nobody" (no token), or a token. */
  as?: "ana" | "admin" | "nobody" | { token: string };
  keep?: (res: LightMyRequestResponse, st: State) => void;
}

const GOOGLE_CLIENT = "123-gmail-addon.apps.googleusercontent.com";
const PUSH_TOKEN = "openapi-push-token-0123456789abcdef0123456789";
const GRAPH_SUBSCRIPTION = "7f105c7d-2dc5-4530-97cd-4e7ae6534c07";
const GRAPH_STATE = "openapi-client-state-0123456789abcdef";
const graphNotification = (clientState: string) => ({
  value: [
    {
      subscriptionId: GRAPH_SUBSCRIPTION,
      clientState,
      changeType: "created",
      resource: "Users/u1/Messages/m1",
      resourceData: { "@odata.type": "#Microsoft.Graph.Message", id: "m1" },
    },
  ],
});
const UNKNOWN = "0192f5a0-0000-7000-8000-000000000000";

/** Real requests per operation, in an order where each finds what the earlier ones created. */
const table: ((st: State) => Example)[] = [
  // Sign-in and tokens
  () => ({ op: "POST /auth/token", status: 400, body: {}, as: "nobody" }),
  () => ({ op: "POST /auth/token", status: 401, body: { code: "NOPE-NOPE" }, as: "nobody" }),
  (st) => ({
    op: "POST /auth/token",
    status: 200,
    body: { code: st.loginCode, name: "OpenAPI test" },
    as: "nobody",
    keep: (r, s) => {
      s.grantedTokenId = r.json().tokenId;
    },
  }),
  () => ({ op: "GET /api/v1/me", status: 200 }),
  () => ({ op: "GET /api/v1/me", status: 401, as: "nobody" }),
  () => ({ op: "GET /api/v1/tokens", status: 200 }),
  (st) => ({ op: "DELETE /api/v1/tokens/{id}", status: 204, params: { id: st.grantedTokenId } }),
  () => ({ op: "DELETE /api/v1/tokens/{id}", status: 404, params: { id: UNKNOWN } }),
  (st) => ({ op: "POST /api/v1/auth/sign-out", status: 204, as: { token: st.spareToken } }),
  (st) => ({ op: "POST /api/v1/auth/sign-out", status: 401, as: { token: st.spareToken } }),

  // Linked sign-in accounts and provider connections
  () => ({ op: "POST /auth/link", status: 400, body: {}, as: "nobody" }),
  (st) => ({
    op: "POST /auth/link",
    status: 200,
    body: { code: st.linkCode, idToken: st.googleToken },
    as: "nobody",
  }),
  () => ({ op: "GET /api/v1/me/identities", status: 200 }),
  (st) => ({ op: "GET /api/v1/users/{id}/identities", status: 200, params: { id: st.anaId }, as: "admin" }),
  (st) => ({ op: "GET /api/v1/users/{id}/identities", status: 403, params: { id: st.anaId } }),
  (st) => ({
    op: "POST /api/v1/users/{id}/identities",
    status: 201,
    params: { id: st.anaId },
    body: { provider: "google", subject: "google-ana-linked-by-admin" },
    as: "admin",
    keep: (r, s) => {
      s.identity = r.json().id;
    },
  }),
  (st) => ({
    op: "DELETE /api/v1/users/{id}/identities/{identityId}",
    status: 204,
    params: { id: st.anaId, identityId: st.identity },
    as: "admin",
  }),
  () => ({ op: "GET /api/v1/connections", status: 200 }),
  () => ({ op: "POST /api/v1/connections/test", status: 200, body: "example" }),
  () => ({ op: "POST /api/v1/connections/test", status: 422, body: "example", patch: { protocol: "pop3" } }),
  // A loopback server is refused at the lookup step (private hosts are not allowed here): no network needed.
  () => ({
    op: "POST /api/v1/connections/caldav-test",
    status: 200,
    body: "example",
    patch: { serverUrl: "http://127.0.0.1:1/" },
  }),
  () => ({
    op: "POST /api/v1/connections/caldav-test",
    status: 400,
    body: "example",
    patch: { serverUrl: "" },
  }),
  () => ({
    op: "POST /api/v1/connections",
    status: 201,
    body: "example",
    keep: (r, s) => {
      s.connection = r.json().id;
    },
  }),
  () => ({ op: "POST /api/v1/connections", status: 409, body: "example" }),
  () => ({ op: "POST /api/v1/connections", status: 422, body: "example", patch: { syncs: "both" } }),
  (st) => ({ op: "GET /api/v1/connections/{id}", status: 200, params: { id: st.connection } }),
  () => ({ op: "GET /api/v1/connections/{id}", status: 404, params: { id: UNKNOWN } }),
  (st) => ({
    op: "PATCH /api/v1/connections/{id}",
    status: 200,
    params: { id: st.connection },
    body: "example",
  }),
  (st) => ({
    op: "PATCH /api/v1/connections/{id}",
    status: 422,
    params: { id: st.connection },
    body: { syncs: "calendar" },
  }),
  () => ({ op: "POST /api/v1/connections/oauth/start", status: 200, body: "example" }),
  () => ({
    op: "POST /api/v1/connections/oauth/start",
    status: 404,
    body: { provider: "google", connectionId: UNKNOWN },
  }),
  (st) => ({
    op: "POST /api/v1/connections/oauth/start",
    status: 422,
    body: { provider: "microsoft", connectionId: st.connection },
  }),
  (st) => ({ op: "GET /api/v1/connections/{id}/status", status: 200, params: { id: st.connection } }),
  (st) => ({
    op: "GET /api/v1/connections/{id}/status",
    status: 200,
    params: { id: st.connection },
    as: "admin",
  }),
  () => ({ op: "GET /api/v1/connections/{id}/status", status: 404, params: { id: UNKNOWN } }),
  // The Exchange contact integration of the Microsoft mailbox (R-X-1..5)
  (st) => ({ op: "GET /api/v1/connections/{id}/exchange", status: 404, params: { id: st.mailbox } }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/exchange",
    status: 201,
    params: { id: st.mailbox },
    body: "example",
  }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/exchange",
    status: 200,
    params: { id: st.mailbox },
    body: "example",
  }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/exchange",
    status: 409,
    params: { id: st.mailbox },
    body: "example",
    patch: { language: "it" },
  }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/exchange",
    status: 422,
    params: { id: st.connection },
    body: "example",
  }),
  (st) => ({ op: "GET /api/v1/connections/{id}/exchange", status: 200, params: { id: st.mailbox } }),
  (st) => ({
    op: "GET /api/v1/connections/{id}/exchange",
    status: 404,
    params: { id: st.mailbox },
    as: "admin",
  }),
  (st) => ({
    op: "GET /api/v1/connections/{id}/exchange/categories",
    status: 200,
    params: { id: st.mailbox },
  }),
  () => ({ op: "GET /api/v1/connections/{id}/exchange/categories", status: 404, params: { id: UNKNOWN } }),
  (st) => ({ op: "GET /api/v1/connections/{id}/exchange/folders", status: 200, params: { id: st.mailbox } }),
  (st) => ({
    op: "PATCH /api/v1/connections/{id}/exchange",
    status: 200,
    params: { id: st.mailbox },
    body: "example",
  }),
  (st) => ({
    op: "PATCH /api/v1/connections/{id}/exchange",
    status: 400,
    params: { id: st.mailbox },
    body: "example",
    patch: { categories: ["Not a category"] },
  }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/exchange/deactivate",
    status: 200,
    params: { id: st.mailbox },
  }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/exchange/deactivate",
    status: 404,
    params: { id: st.connection },
  }),
  (st) => ({ op: "POST /api/v1/connections/{id}/pause", status: 200, params: { id: st.connection } }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/pause",
    status: 404,
    params: { id: st.connection },
    as: "admin",
  }),
  (st) => ({ op: "POST /api/v1/connections/{id}/resume", status: 200, params: { id: st.connection } }),
  () => ({ op: "POST /api/v1/connections/{id}/resume", status: 404, params: { id: UNKNOWN } }),
  (st) => ({ op: "POST /api/v1/connections/{id}/retry-failed", status: 200, params: { id: st.connection } }),
  () => ({ op: "POST /api/v1/connections/{id}/retry-failed", status: 404, params: { id: UNKNOWN } }),
  // R-ACT-3, R-ACT-4: the calendar-sync actions, on a calendar connection, on a mail-only one (409)
  (st) => ({
    op: "POST /api/v1/connections/{id}/sync-previous-activities",
    status: 200,
    params: { id: st.calendarConnection },
  }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/sync-previous-activities",
    status: 409,
    params: { id: st.connection },
  }),
  () => ({
    op: "POST /api/v1/connections/{id}/sync-previous-activities",
    status: 404,
    params: { id: UNKNOWN },
  }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/remove-calendar-sync",
    status: 200,
    params: { id: st.calendarConnection },
  }),
  (st) => ({
    op: "POST /api/v1/connections/{id}/remove-calendar-sync",
    status: 409,
    params: { id: st.calendarConnection },
  }),
  () => ({ op: "POST /api/v1/connections/{id}/remove-calendar-sync", status: 404, params: { id: UNKNOWN } }),
  (st) => ({ op: "DELETE /api/v1/connections/{id}", status: 200, params: { id: st.connection } }),
  (st) => ({ op: "DELETE /api/v1/connections/{id}", status: 404, params: { id: st.connection } }),

  // Companies
  () => ({
    op: "POST /api/v1/companies",
    status: 201,
    body: "example",
    keep: (r, s) => {
      s.company = r.json().id;
    },
  }),
  () => ({ op: "POST /api/v1/companies", status: 400, body: { name: "" } }),
  (st) => ({ op: "POST /api/v1/companies", status: 403, body: { name: "Not mine", ownerId: st.adminId } }),
  () => ({ op: "POST /api/v1/companies", status: 415, raw: { type: "text/plain", data: "name=Acme" } }),
  () => ({ op: "GET /api/v1/companies", status: 200, query: "q=acme" }),
  () => ({ op: "GET /api/v1/companies", status: 400, query: "limit=0" }),
  (st) => ({ op: "GET /api/v1/companies/{id}", status: 200, params: { id: st.company } }),
  () => ({ op: "GET /api/v1/companies/{id}", status: 404, params: { id: UNKNOWN } }),
  (st) => ({
    op: "PATCH /api/v1/companies/{id}",
    status: 200,
    params: { id: st.company },
    body: { phones: ["+34 91 555 00 00"] },
  }),
  (st) => ({
    op: "PATCH /api/v1/companies/{id}",
    status: 400,
    params: { id: st.company },
    body: { bogus: 1 },
  }),

  // Persons
  (st) => ({
    op: "POST /api/v1/persons",
    status: 201,
    body: "example",
    patch: { companyId: st.company },
    keep: (r, s) => {
      s.person = r.json().id;
    },
  }),
  () => ({
    op: "POST /api/v1/persons",
    status: 201,
    body: { firstName: "M.", lastName: "Núñez", emails: ["m.nunez@acme-iberia.example"] },
    keep: (r, s) => {
      s.duplicate = r.json().id;
    },
  }),
  () => ({ op: "POST /api/v1/persons", status: 400, body: {} }),
  () => ({ op: "GET /api/v1/persons", status: 200, query: "q=marta" }),
  (st) => ({ op: "GET /api/v1/persons/{id}", status: 200, params: { id: st.person } }),
  () => ({ op: "GET /api/v1/persons/{id}", status: 404, params: { id: UNKNOWN } }),
  (st) => ({ op: "PATCH /api/v1/persons/{id}", status: 200, params: { id: st.person }, body: "example" }),
  () => ({ op: "PATCH /api/v1/persons/{id}", status: 404, params: { id: UNKNOWN }, body: { title: "x" } }),
  (st) => ({
    op: "POST /api/v1/persons/merge",
    status: 200,
    body: { targetId: st.person, sourceId: st.duplicate },
  }),
  (st) => ({
    op: "POST /api/v1/persons/merge",
    status: 400,
    body: { targetId: st.person, sourceId: st.person },
  }),
  (st) => ({
    op: "POST /api/v1/persons/merge",
    status: 404,
    body: { targetId: st.person, sourceId: UNKNOWN },
  }),

  // Leads
  () => ({
    op: "POST /api/v1/leads",
    status: 201,
    body: "example",
    keep: (r, s) => {
      s.lead = r.json().id;
    },
  }),
  () => ({ op: "GET /api/v1/leads", status: 200 }),
  (st) => ({ op: "GET /api/v1/leads/{id}", status: 200, params: { id: st.lead } }),
  (st) => ({ op: "PATCH /api/v1/leads/{id}", status: 200, params: { id: st.lead }, body: { title: "CTO" } }),
  () => ({ op: "PATCH /api/v1/leads/{id}", status: 404, params: { id: UNKNOWN }, body: { title: "CTO" } }),

  // Deals
  (st) => ({
    op: "POST /api/v1/deals",
    status: 201,
    body: "example",
    patch: { companyId: st.company },
    keep: (r, s) => {
      s.deal = r.json().id;
    },
  }),
  () => ({ op: "POST /api/v1/deals", status: 400, body: { name: "Nobody's deal" } }),
  (st) => ({ op: "GET /api/v1/deals", status: 200, query: `status=open&companyId=${st.company}` }),
  (st) => ({ op: "GET /api/v1/deals/{id}", status: 200, params: { id: st.deal } }),
  (st) => ({ op: "PATCH /api/v1/deals/{id}", status: 200, params: { id: st.deal }, body: { status: "won" } }),
  (st) => ({
    op: "PATCH /api/v1/deals/{id}",
    status: 400,
    params: { id: st.deal },
    body: { currency: "euro" },
  }),

  // Sharing, addresses and deleting, for each record type
  ...(["persons", "companies", "leads", "deals"] as const).flatMap((path) => {
    const key = { persons: "person", companies: "company", leads: "lead", deals: "deal" }[path];
    return [
      (st: State) => ({
        op: `POST /api/v1/${path}/{id}/grants`,
        status: 200,
        params: { id: st[key] },
        body: { userId: st.adminId },
      }),
      (st: State) => ({ op: `GET /api/v1/${path}/{id}/grants`, status: 200, params: { id: st[key] } }),
      (st: State) => ({
        op: `DELETE /api/v1/${path}/{id}/grants/{userId}`,
        status: 204,
        params: { id: st[key], userId: st.adminId },
      }),
      () => ({ op: `GET /api/v1/${path}/{id}/grants`, status: 404, params: { id: UNKNOWN } }),
    ];
  }),
  ...(["persons", "companies", "leads"] as const).map((path) => (st: State) => ({
    op: `POST /api/v1/${path}/{id}/emails`,
    status: 200,
    params: { id: st[{ persons: "person", companies: "company", leads: "lead" }[path]] },
    body: { email: `added.${path}@acme-iberia.example` },
  })),
  () => ({
    op: "POST /api/v1/persons/{id}/emails",
    status: 404,
    params: { id: UNKNOWN },
    body: { email: "x@y.example" },
  }),
  () => ({
    op: "POST /api/v1/persons",
    status: 201,
    body: { firstName: "To", lastName: "Delete" },
    keep: (r, s) => {
      s.spare = r.json().id;
    },
  }),
  (st) => ({ op: "DELETE /api/v1/persons/{id}", status: 204, params: { id: st.spare } }),
  (st) => ({ op: "DELETE /api/v1/persons/{id}", status: 404, params: { id: st.spare } }),
  () => ({
    op: "POST /api/v1/companies",
    status: 201,
    body: { name: "Short-lived Ltd" },
    keep: (r, s) => {
      s.spareCompany = r.json().id;
    },
  }),
  (st) => ({ op: "DELETE /api/v1/companies/{id}", status: 204, params: { id: st.spareCompany } }),
  () => ({
    op: "POST /api/v1/leads",
    status: 201,
    body: "example",
    patch: { emails: ["short.lived@lead.example"] },
    keep: (r, s) => {
      s.spareLead = r.json().id;
    },
  }),
  (st) => ({ op: "DELETE /api/v1/leads/{id}", status: 204, params: { id: st.spareLead } }),
  (st) => ({
    op: "POST /api/v1/deals",
    status: 201,
    body: "example",
    patch: { companyId: st.company },
    keep: (r, s) => {
      s.spareDeal = r.json().id;
    },
  }),
  (st) => ({ op: "DELETE /api/v1/deals/{id}", status: 204, params: { id: st.spareDeal } }),

  // Activity types
  () => ({ op: "GET /api/v1/activity-types", status: 200 }),
  () => ({ op: "POST /api/v1/activity-types", status: 201, body: "example", as: "admin" }),
  () => ({ op: "POST /api/v1/activity-types", status: 409, body: "example", as: "admin" }),
  () => ({ op: "POST /api/v1/activity-types", status: 403, body: "example" }),
  () => ({
    op: "PATCH /api/v1/activity-types/{key}",
    status: 200,
    params: { key: "site_visit" },
    body: { name: "Visit on site" },
    as: "admin",
  }),
  () => ({
    op: "PATCH /api/v1/activity-types/{key}",
    status: 404,
    params: { key: "no_such_type" },
    body: { name: "x" },
    as: "admin",
  }),
  () => ({
    op: "PATCH /api/v1/activity-types/{key}",
    status: 403,
    params: { key: "site_visit" },
    body: { name: "x" },
  }),

  // Activities
  (st) => ({
    op: "POST /api/v1/activities",
    status: 201,
    body: "example",
    patch: { links: [{ type: "person", id: st.person }] },
    keep: (r, s) => {
      s.activity = r.json().id;
    },
  }),
  () => ({ op: "POST /api/v1/activities", status: 400, body: { type: "email", subject: "Hand-made mail" } }),
  (st) => ({ op: "GET /api/v1/activities", status: 200, query: `recordType=person&recordId=${st.person}` }),
  (st) => ({ op: "GET /api/v1/activities/{id}", status: 200, params: { id: st.activity } }),
  (st) => ({
    op: "PATCH /api/v1/activities/{id}",
    status: 200,
    params: { id: st.activity },
    body: { subject: "Call about the renewal" },
  }),
  (st) => ({ op: "DELETE /api/v1/activities/{id}", status: 204, params: { id: st.activity } }),
  (st) => ({ op: "DELETE /api/v1/activities/{id}", status: 404, params: { id: st.activity } }),

  // Logging mail
  () => ({
    op: "POST /api/v1/emails",
    status: 201,
    raw: { type: "message/rfc822", data: RAW_MAIL },
    keep: (r, s) => {
      s.mail = r.json().activityId;
    },
  }),
  () => ({ op: "POST /api/v1/emails", status: 200, raw: { type: "message/rfc822", data: RAW_MAIL } }),
  () => ({ op: "POST /api/v1/emails", status: 400, raw: { type: "message/rfc822", data: "" } }),
  () => ({ op: "POST /api/v1/emails", status: 415, body: { raw: RAW_MAIL } }),
  () => ({
    op: "POST /api/v1/emails",
    status: 422,
    query: "skipAttachment=5",
    raw: { type: "message/rfc822", data: RAW_MAIL.replace(MESSAGE_ID, "<another@acme-iberia.example>") },
  }),
  (st) => ({
    op: "GET /api/v1/activities/{id}/attachments/{attachmentId}",
    status: 200,
    params: { id: st.mail, attachmentId: st.attachment },
  }),
  (st) => ({
    op: "GET /api/v1/activities/{id}/attachments/{attachmentId}",
    status: 404,
    params: { id: st.mail, attachmentId: UNKNOWN },
  }),

  // Never-log lists and internal domains (R-MAIL-7)
  () => ({ op: "PUT /api/v1/never-log", status: 200, body: "example" }),
  () => ({ op: "PUT /api/v1/never-log", status: 400, body: { entries: ["not an address"] } }),
  () => ({ op: "GET /api/v1/never-log", status: 200 }),
  () => ({ op: "PUT /api/v1/admin/never-log", status: 200, body: "example", as: "admin" }),
  () => ({ op: "PUT /api/v1/admin/never-log", status: 403, body: "example" }),
  () => ({ op: "PUT /api/v1/admin/never-log", status: 400, body: { entries: "x" }, as: "admin" }),
  () => ({ op: "GET /api/v1/admin/never-log", status: 200, as: "admin" }),
  () => ({ op: "GET /api/v1/admin/never-log", status: 403 }),
  () => ({ op: "PUT /api/v1/admin/internal-domains", status: 200, body: "example", as: "admin" }),
  () => ({ op: "PUT /api/v1/admin/internal-domains", status: 403, body: "example" }),
  () => ({
    op: "PUT /api/v1/admin/internal-domains",
    status: 400,
    body: { domains: ["a@b.example"] },
    as: "admin",
  }),
  () => ({ op: "GET /api/v1/admin/internal-domains", status: 200, as: "admin" }),
  () => ({ op: "GET /api/v1/admin/internal-domains", status: 403 }),
  () => ({ op: "DELETE /api/v1/admin/internal-domains", status: 200, as: "admin" }),
  () => ({ op: "DELETE /api/v1/admin/internal-domains", status: 403 }),

  // Events
  () => ({
    op: "POST /api/v1/events",
    status: 201,
    body: "example",
    keep: (r, s) => {
      s.event = r.json().id;
    },
  }),
  () => ({
    op: "POST /api/v1/events",
    status: 400,
    body: { title: "Backwards", startAt: "2026-12-03T11:00:00Z", endAt: "2026-12-03T10:00:00Z" },
  }),
  () => ({
    op: "POST /api/v1/events",
    status: 201,
    body: {
      title: "Offsite",
      allDay: true,
      startDate: "2026-12-14",
      endDate: "2026-12-16",
      timeZone: "Romance Standard Time",
    },
  }),
  () => ({
    op: "POST /api/v1/events",
    status: 400,
    body: {
      title: "Nowhere",
      startAt: "2026-12-03T10:00:00Z",
      endAt: "2026-12-03T11:00:00Z",
      timeZone: "Mars/Olympus",
    },
  }),
  () => ({
    op: "GET /api/v1/events",
    status: 200,
    query: "from=2026-12-01T00:00:00Z&to=2026-12-31T00:00:00Z",
  }),
  (st) => ({ op: "GET /api/v1/events/{id}", status: 200, params: { id: st.event } }),
  (st) => ({
    op: "PATCH /api/v1/events/{id}",
    status: 200,
    params: { id: st.event },
    body: { title: "Renewal" },
  }),
  // The example is a weekly series on Thursdays at 10:00 Madrid time, from 3 December.
  (st) => ({
    op: "PATCH /api/v1/events/{id}/occurrences/{originalStart}",
    status: 200,
    params: { id: st.event, originalStart: "2026-12-10T09:00:00.000Z" },
    body: { title: "Renewal, week 2", startAt: "2026-12-10T12:00:00+01:00" },
  }),
  (st) => ({
    op: "PATCH /api/v1/events/{id}/occurrences/{originalStart}",
    status: 400,
    params: { id: st.event, originalStart: "2026-12-10T09:00:00.000Z" },
    body: {},
  }),
  (st) => ({
    op: "PATCH /api/v1/events/{id}/occurrences/{originalStart}",
    status: 404,
    params: { id: st.event, originalStart: "2026-12-11T09:00:00.000Z" },
    body: { title: "Not a Thursday" },
  }),
  (st) => ({
    op: "DELETE /api/v1/events/{id}/occurrences/{originalStart}",
    status: 204,
    params: { id: st.event, originalStart: "2026-12-17T09:00:00.000Z" },
  }),
  () => ({
    op: "DELETE /api/v1/events/{id}/occurrences/{originalStart}",
    status: 404,
    params: { id: UNKNOWN, originalStart: "2026-12-17T09:00:00.000Z" },
  }),
  (st) => ({ op: "DELETE /api/v1/events/{id}", status: 204, params: { id: st.event } }),
  (st) => ({ op: "GET /api/v1/events/{id}", status: 404, params: { id: st.event } }),
  (st) => ({
    op: "DELETE /api/v1/events/{id}/occurrences/{originalStart}",
    status: 404,
    params: { id: st.event, originalStart: "2026-12-17T09:00:00.000Z" },
  }),

  // Sidebar
  () => ({
    op: "GET /api/v1/context",
    status: 200,
    query: `address=${encodeURIComponent("Marta <marta.nunez@acme-iberia.example>")}&address=new.person%40elsewhere.example&messageId=${encodeURIComponent(MESSAGE_ID)}`,
    keep: (r) => {
      const body = r.json();
      expect(body.logged).not.toBeNull();
      expect(body.participants.map((p: { status: string }) => p.status)).toEqual(["known", "unknown"]);
    },
  }),
  () => ({ op: "GET /api/v1/context", status: 400 }),
  () => ({ op: "GET /api/v1/context", status: 401, query: "address=a%40b.example", as: "nobody" }),
  () => ({ op: "GET /api/v1/search", status: 200, query: "q=nunez" }),
  () => ({ op: "GET /api/v1/search", status: 400, query: "q=" }),

  // Provider push (public: each checks its own secret)
  () => ({
    op: "POST /push/google",
    status: 204,
    query: `token=${PUSH_TOKEN}`,
    body: "example",
    as: "nobody",
  }),
  () => ({ op: "POST /push/google", status: 403, query: "token=wrong", body: "example", as: "nobody" }),
  () => {
    const id = newChannelId("0193a5c2-7f3e-7a10-9b2c-0123456789ab");
    const token = channelToken(PUSH_TOKEN, id);
    const headers = {
      "x-goog-channel-id": id,
      "x-goog-channel-token": token,
      "x-goog-resource-state": "sync",
    };
    return { op: "POST /push/google/calendar", status: 204, headers, as: "nobody" };
  },
  () => ({
    op: "POST /push/google/calendar",
    status: 403,
    headers: { "x-goog-channel-id": "concilia-x", "x-goog-channel-token": "wrong" },
    as: "nobody",
  }),
  () => ({
    op: "POST /push/google",
    status: 400,
    query: `token=${PUSH_TOKEN}`,
    body: { message: {} },
    as: "nobody",
  }),
  () => ({
    op: "POST /push/microsoft",
    status: 200,
    query: "validationToken=Validation%3A+Testing+client+application+reachability",
    raw: { type: "text/plain", data: "" },
    as: "nobody",
  }),
  () => ({ op: "POST /push/microsoft", status: 202, body: graphNotification(GRAPH_STATE), as: "nobody" }),
  () => ({ op: "POST /push/microsoft", status: 403, body: graphNotification("wrong"), as: "nobody" }),
  () => ({ op: "POST /push/microsoft", status: 400, body: { value: "nope" }, as: "nobody" }),
];

describe.each(engines)("OpenAPI document on %s", (engine) => {
  let s: TestServer;
  let doc: Doc;
  let jwks: Jwks;
  const st: State = {};
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    jwks = await startJwks();
    s = await startTestServer({
      engine,
      env: {
        GOOGLE_JWKS_URL: jwks.url,
        GOOGLE_CLIENT_IDS: GOOGLE_CLIENT,
        GOOGLE_OAUTH_CLIENT_ID: GOOGLE_CLIENT,
        GOOGLE_OAUTH_CLIENT_SECRET: "google-client-secret",
        MICROSOFT_OAUTH_CLIENT_ID: "6b1f0c6e-0000-4000-8000-00000000c0c1",
        MICROSOFT_OAUTH_CLIENT_SECRET: "microsoft-client-secret",
        GOOGLE_PUSH_TOKEN: PUSH_TOKEN,
      },
      // The example IMAP account: its server takes the example's password.
      imapTester: async (account) =>
        account.password === "mail-account-password"
          ? { ok: true }
          : { ok: false, step: "login", message: "AUTHENTICATIONFAILED" },
    });
    const ana = await s.user("ana@acme.test", { name: "Ana" });
    st.anaId = ana.id;
    const mailbox = await createConnection(s.ctx.db, ana.id, {
      provider: "microsoft",
      accountAddress: "ana@acme.test",
    });
    st.mailbox = mailbox.id;
    const book = new MemoryAddressBook();
    book.categories.push({ id: "c1", displayName: "Clientes", color: "preset4" });
    registerContactsPort("microsoft", () => book);
    await s.ctx.push.graphSubscriptions.put({
      id: GRAPH_SUBSCRIPTION,
      connectionId: mailbox.id,
      clientStateHash: secretHash(GRAPH_STATE),
      resource: "/me/mailFolders('inbox')/messages",
      expiresAt: Date.now() + 86_400_000,
    });
    st.linkCode = await createLoginCode(s.ctx.db, ana.id);
    st.googleToken = await jwks.signIdToken({
      iss: "https://accounts.google.com",
      aud: GOOGLE_CLIENT,
      sub: "google-ana",
      email: "ana@acme.test",
      email_verified: true,
    });
    const admin = await s.user("admin@acme.test", { role: "admin" });
    tokens.ana = ana.token;
    tokens.admin = admin.token;
    st.adminId = admin.id;
    st.loginCode = await createLoginCode(s.ctx.db, ana.id);
    st.spareToken = (await createApiToken(s.ctx.db, ana.id, { name: "spare" })).token;
    st.connection = (
      await createConnection(s.ctx.db, ana.id, { provider: "imap", accountAddress: "ana@mail.acme.test" })
    ).id;
    st.calendarConnection = (
      await createConnection(s.ctx.db, ana.id, {
        provider: "icloud",
        accountAddress: "ana@icloud.test",
        syncs: "both",
      })
    ).id;
    const r = await s.app.inject({ url: "/api/v1/openapi.json" });
    expect(r.statusCode).toBe(200);
    doc = r.json();
  });
  afterAll(async () => {
    await s?.close();
    await jwks?.close();
  });

  it("is a sound OpenAPI 3.1 document: every $ref resolves, every operation has responses", () => {
    expect(openApiProblems(doc)).toEqual([]);
  });

  it("names its schemas as components and references them, with examples for the main requests", () => {
    const names = Object.keys(doc.components.schemas);
    for (const name of ["Person", "Company", "Lead", "Deal", "Activity", "Event", "Context", "Problem"])
      expect(names).toContain(name);
    const get = (op: string) => {
      const [method, path] = op.split(" ");
      return doc.paths[path][method.toLowerCase()];
    };
    expect(get("GET /api/v1/persons/{id}").responses["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Person",
    });
    expect(get("GET /api/v1/context").responses["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Context",
    });
    expect(get("POST /api/v1/persons").requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/PersonInput",
    });
    const ajv = schemaValidator();
    for (const op of [
      "POST /api/v1/persons",
      "POST /api/v1/companies",
      "POST /api/v1/leads",
      "POST /api/v1/deals",
      "POST /api/v1/activities",
      "POST /api/v1/events",
    ]) {
      const media = get(op).requestBody.content["application/json"];
      expect(media.example, op).toBeDefined();
      const valid = ajv.validate({ ...media.schema, components: doc.components }, media.example);
      expect(valid ? "valid" : `${op}: ${ajv.errorsText(ajv.errors)}`).toBe("valid");
    }
  });

  it("POST /api/v1/emails documents 201 for a first log and 200 for a repeat", () => {
    expect(Object.keys(doc.paths["/api/v1/emails"].post.responses)).toEqual(
      expect.arrayContaining(["200", "201", "422"]),
    );
  });

  it("every operation answers only documented statuses, every documented success occurs, answers match their schemas", async () => {
    const operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const answered = new Map<string, Set<number>>(operations.map((op) => [op, new Set()]));
    const ajv = schemaValidator();
    const failures: string[] = [];

    for (const row of table) {
      const ex = row(st);
      const [method, template] = ex.op.split(" ");
      const op = doc.paths[template]?.[method.toLowerCase()];
      if (!op) {
        failures.push(`${ex.op} is not in the document`);
        continue;
      }
      if (ex.op === "GET /api/v1/activities/{id}/attachments/{attachmentId}" && !st.attachment) {
        const mail = await s.app.inject({
          url: `/api/v1/activities/${st.mail}`,
          headers: { authorization: `Bearer ${tokens.ana}` },
        });
        st.attachment = mail.json().email.attachments[0].id;
        ex.params = { id: st.mail, attachmentId: st.attachment };
      }
      const url =
        template.replace(/\{(\w+)\}/g, (_m, name) => encodeURIComponent(ex.params?.[name] ?? "")) +
        (ex.query ? `?${ex.query}` : "");
      let body = ex.body;
      if (body === "example") body = { ...op.requestBody.content["application/json"].example, ...ex.patch };
      const who = ex.as ?? "ana";
      const headers: Record<string, string> = { ...ex.headers };
      if (typeof who === "object") headers.authorization = `Bearer ${who.token}`;
      else if (who !== "nobody") headers.authorization = `Bearer ${tokens[who]}`;
      let payload: string | undefined;
      if (ex.raw) {
        headers["content-type"] = ex.raw.type;
        payload = ex.raw.data;
      } else if (body !== undefined) {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(body);
      }
      const res = await s.app.inject({ method: method as any, url, headers, payload });
      const where = `${ex.op} (${url})`;
      answered.get(ex.op)?.add(res.statusCode);

      const documented = op.responses[String(res.statusCode)];
      if (!documented)
        failures.push(`${where} answered ${res.statusCode}, not documented: ${res.body.slice(0, 200)}`);
      if (res.statusCode !== ex.status)
        failures.push(
          `${where} answered ${res.statusCode}, expected ${ex.status}: ${res.body.slice(0, 200)}`,
        );
      if (!documented) continue;
      const type = String(res.headers["content-type"] ?? "").split(";")[0];
      const media = documented.content?.[type] ?? documented.content?.["*/*"];
      if (documented.content && !media) {
        failures.push(
          `${where} ${res.statusCode}: answered ${type}, documented ${Object.keys(documented.content)}`,
        );
        continue;
      }
      if (!documented.content && res.body !== "")
        failures.push(`${where} ${res.statusCode}: undocumented body`);
      if (media?.schema) {
        const valid = ajv.validate({ ...media.schema, components: doc.components }, res.json());
        if (!valid) failures.push(`${where} ${res.statusCode}: ${ajv.errorsText(ajv.errors)}`);
      }
      if (res.statusCode < 300) ex.keep?.(res, st);
    }

    for (const op of operations) {
      const got = answered.get(op)!;
      if (!got.size) failures.push(`${op}: no example request in this test's table; add one`);
      const successes = Object.keys(doc.paths[op.split(" ")[1]][op.split(" ")[0].toLowerCase()].responses)
        .filter((status) => /^2\d\d$/.test(status))
        .map(Number);
      for (const status of successes)
        if (got.size && !got.has(status)) failures.push(`${op}: documented ${status} never answered`);
    }
    expect(failures).toEqual([]);
  });
});

describe("the OpenAPI structural check", () => {
  it("finds a dangling $ref, an operation without responses and a path parameter the template lacks", () => {
    const problems = openApiProblems({
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: {
        "/things/{id}": {
          get: {
            operationId: "getThing",
            summary: "Get",
            parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
            responses: {
              200: {
                description: "ok",
                content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
              },
            },
          },
          delete: {
            operationId: "deleteThing",
            summary: "Delete",
            parameters: [{ name: "key", in: "path", required: true, schema: {} }],
          },
        },
      },
      components: { schemas: {} },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\$ref '#\/components\/schemas\/Thing' does not resolve/),
        "DELETE /things/{id}: no responses",
        expect.stringMatching(/^DELETE \/things\/\{id\}: path parameters \["key"\]/),
      ]),
    );
  });
});
