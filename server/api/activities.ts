// Activities and their configurable types (R-ACT-1: "show in calendars").

import { asc, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import * as A from "../../shared/api/activities.js";
import { page, recordType } from "../../shared/api/common.js";
import type { AppContext } from "../context.js";
import * as activities from "../crm/activities.js";
import { activityTypes } from "../db/schema.js";
import { enqueueActivityType } from "../sync/calendar/outbox.js";
import { conflict, forbidden, notFound } from "./problem.js";
import { route } from "./route.js";

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

export function activityRoutes(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.db;

  route(app, {
    method: "GET",
    url: "/api/v1/activity-types",
    tag: "activities",
    summary: "List activity types",
    response: z.object({ items: z.array(A.activityType) }),
    handler: async () => ({
      items: (await db.select().from(activityTypes).orderBy(asc(activityTypes.key))).map((t) => ({
        key: t.key,
        name: t.name,
        showInCalendars: t.showInCalendars,
      })),
    }),
  });
  route(app, {
    method: "POST",
    url: "/api/v1/activity-types",
    tag: "activities",
    summary: "Add an activity type (admin)",
    body: A.activityTypeInput,
    example: { key: "site_visit", name: "Site visit", showInCalendars: true },
    response: A.activityType,
    status: 201,
    errors: [403, 409],
    handler: async ({ user, body }) => {
      if (user.role !== "admin") throw forbidden("Only an admin can configure activity types.");
      const [row] = await db.insert(activityTypes).values(body).onConflictDoNothing().returning();
      if (!row) throw conflict(`The activity type '${body.key}' exists already.`);
      return { key: row.key, name: row.name, showInCalendars: row.showInCalendars };
    },
  });
  route(app, {
    method: "PATCH",
    url: "/api/v1/activity-types/{key}",
    tag: "activities",
    summary: "Rename an activity type or switch its 'show in calendars' flag (admin)",
    params: z.strictObject({ key: z.string().max(40) }),
    body: A.activityTypePatch,
    response: A.activityType,
    errors: [403],
    handler: async ({ user, params, body }) => {
      if (user.role !== "admin") throw forbidden("Only an admin can configure activity types.");
      const row = await db.transaction(async (tx) => {
        const [before] = await tx.select().from(activityTypes).where(eq(activityTypes.key, params.key));
        if (!before) throw notFound(`Activity type '${params.key}'`);
        // An empty change changes nothing (an UPDATE without a column is not SQL): the type as it is.
        if (!Object.keys(body).length) return before;
        const [after] = await tx
          .update(activityTypes)
          .set(body)
          .where(eq(activityTypes.key, params.key))
          .returning();
        // R-ACT-1: switched on, its planned activities go to calendars; off, their entries are removed.
        if (after!.showInCalendars !== before.showInCalendars)
          await enqueueActivityType(tx, after!.key, after!.showInCalendars);
        return after!;
      });
      return { key: row.key, name: row.name, showInCalendars: row.showInCalendars };
    },
  });

  route(app, {
    method: "GET",
    url: "/api/v1/activities",
    tag: "activities",
    summary: "List your activities",
    query: z.strictObject({
      cursor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      recordType: recordType.optional(),
      recordId: z.string().optional(),
      state: z.enum(["planned", "done"]).optional(),
      type: z.string().optional(),
    }),
    response: page(A.activity),
    handler: ({ user, query }) => activities.listActivities(db, user, query),
  });
  route(app, {
    method: "GET",
    url: "/api/v1/activities/{id}",
    tag: "activities",
    summary: "Get an activity",
    params: idParams,
    response: A.activity,
    handler: async ({ user, params }) =>
      (await activities.toActivities(db, [await activities.getActivityRow(db, user, params.id)]))[0],
  });
  route(app, {
    method: "POST",
    url: "/api/v1/activities",
    tag: "activities",
    summary: "Create an activity",
    body: A.activityInput,
    example: {
      type: "call",
      state: "done",
      subject: "Call about the 2027 renewal",
      startAt: "2026-11-20T10:00:00+01:00",
      endAt: "2026-11-20T10:20:00+01:00",
      timeZone: "Europe/Madrid",
      links: [{ type: "person", id: "0192f5a0-7c1e-7b2a-9f3d-2c4b5a6d7e8f" }],
    },
    response: A.activity,
    status: 201,
    handler: async ({ user, body }) =>
      db.transaction(
        async (tx) =>
          (await activities.toActivities(tx, [await activities.createActivity(tx, user, body)]))[0],
      ),
  });
  route(app, {
    method: "PATCH",
    url: "/api/v1/activities/{id}",
    tag: "activities",
    summary: "Change an activity (automatically logged mail is read-only: 409)",
    params: idParams,
    body: A.activityPatch,
    response: A.activity,
    errors: [409],
    handler: async ({ user, params, body }) =>
      db.transaction(
        async (tx) =>
          (
            await activities.toActivities(tx, [await activities.updateActivity(tx, user, params.id, body)])
          )[0],
      ),
  });
  route(app, {
    method: "DELETE",
    url: "/api/v1/activities/{id}",
    tag: "activities",
    summary: "Delete an activity (automatically logged mail is read-only: 409)",
    params: idParams,
    status: 204,
    errors: [409],
    handler: async ({ user, params }) => {
      await db.transaction(async (tx) => {
        const released = await activities.deleteActivity(tx, user, params.id);
        // Blobs are shared between emails: collection removes those no other attachment uses.
        if (released.length) await ctx.jobs.send(tx, "blobs.collect", { sha256: released });
      });
    },
  });
}
