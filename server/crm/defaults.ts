import type { Tx } from "../db/index.js";
import { activityTypes } from "../db/schema.js";

/** Activity types every workspace starts with; admins add more and switch "show in calendars" (R-ACT-1). */
export const defaultActivityTypes = [
  { key: "email", name: "Email", showInCalendars: false },
  { key: "call", name: "Call", showInCalendars: true },
  { key: "meeting", name: "Meeting", showInCalendars: true },
  { key: "task", name: "Task", showInCalendars: false },
];

export async function ensureDefaults(db: Tx): Promise<void> {
  await db.insert(activityTypes).values(defaultActivityTypes).onConflictDoNothing();
}
