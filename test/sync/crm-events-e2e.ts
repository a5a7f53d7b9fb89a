// CRM events made through the events API, as the owner of a calendar connection makes them in the
// sidebar: the calendar sync tests push these out and look for them at the provider; and the links the
// sync keeps from provider events to CRM events.
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { eventLinks } from "../../server/db/schema.js";
import type { TestServer } from "../harness/app.js";
import { api, MARTA } from "./mail-e2e.js";

type Attendee = { email: string };

/** An event from 10:00 to 11:00 UTC on `day`, Marta invited unless `attendees` says otherwise; its id. */
export async function createCrmEvent(
  s: TestServer,
  user: { token: string },
  title: string,
  day: string,
  attendees: Attendee[] = [{ email: MARTA }],
) {
  const made = await api(s, user, "POST", "/api/v1/events", {
    title,
    startAt: `${day}T10:00:00.000Z`,
    endAt: `${day}T11:00:00.000Z`,
    attendees,
  });
  expect(made.statusCode).toBe(201);
  return made.json().id as string;
}

/** A series from `day` at 09:00 on Madrid's clock until `endsAt` (its wall-clock end, "09:30"); its id. */
export async function createCrmSeries(
  s: TestServer,
  user: { token: string },
  title: string,
  day: string,
  recurrence: object,
  o: { endsAt: string; attendees?: Attendee[] },
) {
  const made = await api(s, user, "POST", "/api/v1/events", {
    title,
    startAt: `${day}T09:00:00+01:00`,
    endAt: `${day}T${o.endsAt}:00+01:00`,
    timeZone: "Europe/Madrid",
    recurrence,
    attendees: o.attendees ?? [{ email: MARTA }],
  });
  expect(made.statusCode).toBe(201);
  return made.json().id as string;
}

/** The connection's links from the provider events `providerIds` to CRM events (one per link). */
export async function linksOf(s: TestServer, connectionId: string, providerIds: string[]) {
  const links = await s.ctx.db
    .select({ providerId: eventLinks.providerId, eventId: eventLinks.eventId })
    .from(eventLinks)
    .where(eq(eventLinks.connectionId, connectionId));
  return links.filter((l) => providerIds.includes(l.providerId));
}
