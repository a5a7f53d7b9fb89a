import { HttpResponse, http, type RequestHandler } from "msw";
import { z } from "zod";
import { accountIn, accountRoutes, attempt, noContent } from "./admin-http.js";

/**
 * The calendar part of a served emulator's admin route: seed events, read the calendars back,
 * make the user edit, move, cancel or delete something "in the provider's UI" between two syncs,
 * and read the invitation mail the provider sent. Bodies are the provider's own event JSON
 * (Google Calendar v3 or Graph), as the typed API takes them in-process.
 */
export type Organizer = { name: string; address: string };

export type CalendarControllable = {
  accounts(): string[];
  seedCalendarEvent(
    email: string,
    event: Record<string, unknown>,
    options: { calendarId?: string; organizer?: Organizer },
  ): { id: string };
  calendarSnapshot(email: string): unknown[];
  /** A further calendar; `readOnly` makes it one the user can read but not write (R-CON-9 picker). */
  addCalendar(email: string, calendar: { name: string; readOnly?: boolean }): { id: string };
  userEditEvent(email: string, id: string, changes: Record<string, unknown>, calendarId?: string): void;
  userDeleteEvent(email: string, id: string, calendarId?: string): void;
  sentInvitations(email: string): { eventId: string; to: string; kind: string; at: number }[];
};

const seedSchema = z.object({
  event: z.record(z.string(), z.unknown()),
  calendarId: z.string().optional(),
  organizer: z.object({ name: z.string(), address: z.string() }).optional(),
});
const calendarSchema = z.object({ name: z.string().min(1), readOnly: z.boolean().optional() });
const editSchema = z.object({
  changes: z.record(z.string(), z.unknown()),
  calendarId: z.string().optional(),
});

export function calendarAdminHandlers(target: CalendarControllable): RequestHandler[] {
  const { plain, withBody } = accountRoutes((email) => accountIn(target.accounts(), email));
  const base = "/__emulator/accounts/:email";
  return [
    http.post(
      `${base}/calendars`,
      withBody(calendarSchema, (email, body) =>
        HttpResponse.json(target.addCalendar(email, body), { status: 201 }),
      ),
    ),
    http.post(
      `${base}/events`,
      withBody(seedSchema, (email, body) =>
        attempt(() => HttpResponse.json(target.seedCalendarEvent(email, body.event, body), { status: 201 })),
      ),
    ),
    http.get(
      `${base}/events`,
      plain((email) => HttpResponse.json({ events: target.calendarSnapshot(email) })),
    ),
    http.patch(
      `${base}/events/:id`,
      withBody(editSchema, (email, body, { params }) =>
        attempt(() => {
          target.userEditEvent(email, String(params.id), body.changes, body.calendarId);
          return noContent();
        }),
      ),
    ),
    http.delete(
      `${base}/events/:id`,
      plain((email, { request, params }) => {
        const calendarId = new URL(request.url).searchParams.get("calendarId") ?? undefined;
        return attempt(() => {
          target.userDeleteEvent(email, String(params.id), calendarId);
          return noContent();
        });
      }),
    ),
    http.get(
      `${base}/invitations`,
      plain((email) => HttpResponse.json({ invitations: target.sentInvitations(email) })),
    ),
  ];
}
