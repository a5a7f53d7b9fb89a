// The CalDAV provider (iCloud, Yahoo, other servers) as the calendar sync uses it: connect (discovery),
// list calendars, list changes after a cursor, fetch objects, write with ETag preconditions, and map
// calendar objects to and from the synced event shape. The engine reaches it through sync-provider.ts
// (inbound calendar sync of iCloud and Yahoo connections).
export { type CaldavCalendar, listCalendars } from "./calendars.js";
export {
  type CaldavAccount,
  type CaldavClient,
  type CaldavConnectOptions,
  type CaldavCredentials,
  guardedFetch,
} from "./client.js";
export { type CaldavConnectivityResult, testCaldavConnectivity } from "./connectivity.js";
export { type CaldavCursor, parseCaldavCursor } from "./cursor.js";
export { CaldavStepError, connectCaldav, type DiscoveryStep } from "./discovery.js";
export { CaldavConflict, classifyCaldavError, DavHttpError } from "./errors.js";
export { type FetchedObject, fetchCalendarObjects } from "./fetch.js";
export { type CaldavChange, type CaldavChangesPage, listCalendarChanges } from "./list-changes.js";
export { type CaldavEvent, IcsParseError, parseCalendarObject, toCalendarObject } from "./map.js";
export { type CaldavProfile, type CaldavProfileId, caldavProfiles, serverUrlFor } from "./profiles.js";
export {
  createEvent,
  deleteEvent,
  hrefOfUid,
  objectHref,
  readObject,
  updateEvent,
  type WrittenObject,
} from "./write.js";
