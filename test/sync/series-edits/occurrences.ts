// What failure mode 2's tests read back: the CRM's own view of a series after it was edited at the
// provider, as the user sees it in the events API (every occurrence in a range), and the counts that
// show nothing was duplicated or orphaned.
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { eventLinks, events } from "../../../server/db/schema.js";
import type { TestServer } from "../../harness/app.js";
import { api } from "../mail-e2e.js";

type User = { id: string; token: string };

/** The start instants of an event's occurrences (or of the event itself) in a range, in order. */
export async function occurrenceStarts(
  s: TestServer,
  user: User,
  eventId: string,
  from = "2027-01-01T00:00:00.000Z",
  to = "2027-04-01T00:00:00.000Z",
): Promise<string[]> {
  const starts: string[] = [];
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams({ from, to, limit: "200", ...(cursor ? { cursor } : {}) });
    const res = await api(s, user, "GET", `/api/v1/events?${q}`);
    expect(res.statusCode).toBe(200);
    const page = res.json();
    for (const e of page.items) if (e.id === eventId && e.status !== "cancelled") starts.push(e.startAt);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return starts.sort();
}

/** Each day at the same UTC time: `at("08:00", "2027-01-04", "2027-01-11")`. */
export const at = (time: string, ...days: string[]) => days.map((d) => `${d}T${time}:00.000Z`);

/**
 * Every provider's case ends with the same series: weekly on Mondays at 09:00 UTC from 4 January to 15
 * February 2027, its occurrence of 18 January moved to 10:00 UTC on Tuesday the 19th.
 */
export const WEEKLY_WITH_ONE_DETACHED = [
  ...at("09:00", "2027-01-04", "2027-01-11"),
  "2027-01-19T10:00:00.000Z",
  ...at("09:00", "2027-01-25", "2027-02-01", "2027-02-08", "2027-02-15"),
].sort();

/** The user's CRM events and a connection's links: a provider-side edit must change neither count. */
export async function counts(s: TestServer, user: User, connectionId: string) {
  const crm = await s.ctx.db.select({ id: events.id }).from(events).where(eq(events.ownerId, user.id));
  const links = await s.ctx.db
    .select({ id: eventLinks.providerId })
    .from(eventLinks)
    .where(eq(eventLinks.connectionId, connectionId));
  return { events: crm.length, links: links.length };
}

/** The CRM event a provider item is linked to (its external id must stay the same across edits). */
export async function eventIdOf(s: TestServer, providerId: string): Promise<string> {
  const [link] = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.providerId, providerId));
  expect(link?.eventId).toMatch(/^\S+$/);
  return link!.eventId!;
}
