import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { isoDateTime, page, recordType } from "../../shared/api/common.js";
import * as E from "../../shared/api/events.js";
import type { AppContext } from "../context.js";
import { listEvents } from "../crm/event-list.js";
import { cancelOccurrence, changeOccurrence } from "../crm/event-occurrences.js";
import * as events from "../crm/events.js";
import { syncCalendarsOf } from "../sync/crm-event-trigger.js";
import { route } from "./route.js";

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const occurrenceParams = z.strictObject({
  id: z.string().min(1).max(64),
  /** Where the rule puts the occurrence: the UTC instant (`2026-12-22T08:00:00.000Z`), or the date of an all-day series. */
  originalStart: z.string().min(10).max(40),
});

export function eventRoutes(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.db;
  route(app, {
    method: "GET",
    url: "/api/v1/events",
    tag: "events",
    summary:
      "List your events in a time range, by start, with the occurrences of your recurring series (each with its series id and original start; without `to`, a year of them); pass nextCursor back for the next page",
    query: z.strictObject({
      from: isoDateTime.optional(),
      to: isoDateTime.optional(),
      cursor: z.string().max(300).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      recordType: recordType.optional(),
      recordId: z.string().optional(),
    }),
    response: page(E.event),
    handler: ({ user, query }) => listEvents(db, user, query),
  });
  route(app, {
    method: "GET",
    url: "/api/v1/events/{id}",
    tag: "events",
    summary: "Get an event",
    params: idParams,
    response: E.event,
    handler: async ({ user, params }) =>
      (await events.toEvents(db, user, [await events.getEventRow(db, user, params.id)]))[0],
  });
  route(app, {
    method: "POST",
    url: "/api/v1/events",
    tag: "events",
    summary: "Create a CRM-owned event (a meeting)",
    body: E.eventInput,
    example: {
      title: "Acme Iberia: renewal",
      startAt: "2026-12-03T10:00:00+01:00",
      endAt: "2026-12-03T11:00:00+01:00",
      timeZone: "Europe/Madrid",
      location: "Calle Mayor 1, Madrid",
      attendees: [{ email: "jose.garcia@acme-iberia.example", name: "José García" }],
      recurrence: { freq: "weekly", byDay: ["TH"], count: 4 },
    },
    response: E.event,
    status: 201,
    handler: async ({ user, body }) =>
      db.transaction(async (tx) => {
        const row = await events.createEvent(tx, user, body);
        await syncCalendarsOf(ctx, tx, user.id);
        return (await events.toEvents(tx, user, [row]))[0];
      }),
  });
  route(app, {
    method: "PATCH",
    url: "/api/v1/events/{id}",
    tag: "events",
    summary:
      "Change a CRM-owned event; a new attendee list keeps the answers of those who stay (read-only events answer 409)",
    params: idParams,
    body: E.eventPatch,
    response: E.event,
    errors: [409],
    handler: async ({ user, params, body }) =>
      db.transaction(async (tx) => {
        const row = await events.updateEvent(tx, user, params.id, body);
        await syncCalendarsOf(ctx, tx, user.id);
        return (await events.toEvents(tx, user, [row]))[0];
      }),
  });
  route(app, {
    method: "DELETE",
    url: "/api/v1/events/{id}",
    tag: "events",
    summary: "Delete a CRM-owned event (events of your calendar, series and invitations answer 409)",
    params: idParams,
    status: 204,
    errors: [409],
    handler: async ({ user, params }) => {
      await db.transaction(async (tx) => {
        await events.deleteEvent(tx, user, params.id);
        await syncCalendarsOf(ctx, tx, user.id);
      });
    },
  });
  route(app, {
    method: "PATCH",
    url: "/api/v1/events/{id}/occurrences/{originalStart}",
    tag: "events",
    summary:
      "Change or move one occurrence of a series made in Concilia, named by where its rule puts it (series from your calendar and invitations answer 409; a move onto or past the day of the previous or next occurrence answers 422, as Outlook refuses it)",
    params: occurrenceParams,
    body: E.occurrencePatch,
    response: E.event,
    errors: [409, 422],
    handler: async ({ user, params, body }) =>
      db.transaction(async (tx) => {
        const row = await changeOccurrence(tx, user, params.id, params.originalStart, body);
        await syncCalendarsOf(ctx, tx, user.id);
        return (await events.toEvents(tx, user, [row]))[0];
      }),
  });
  route(app, {
    method: "DELETE",
    url: "/api/v1/events/{id}/occurrences/{originalStart}",
    tag: "events",
    summary:
      "Cancel one occurrence of a series made in Concilia; the series keeps it as a cancelled exception",
    params: occurrenceParams,
    status: 204,
    errors: [409],
    handler: async ({ user, params }) => {
      await db.transaction(async (tx) => {
        await cancelOccurrence(tx, user, params.id, params.originalStart);
        await syncCalendarsOf(ctx, tx, user.id);
      });
    },
  });
}
