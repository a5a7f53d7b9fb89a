// What the Google and Graph drivers of the calendar benchmark share: the account connected as the OAuth
// flow leaves it (a connection that syncs calendars, with the calendar consent recorded and a refresh
// token stored), the emulator's request counter in the bench's shape, and the workload's UTC times in
// the forms the two APIs take.
import type { RequestCounter } from "../emulators/shared/counters.js";
import { createConnection, SECRET } from "../server/connections/connections.js";
import type { Db } from "../server/db/index.js";
import { secretBox } from "../server/secrets/box.js";
import { putSecret } from "../server/secrets/store.js";
import type { RequestCounts } from "../test/harness/caldav-proxy.js";

export async function connectEmulatedAccount(
  db: Db,
  userId: string,
  key: Buffer,
  o: {
    provider: "google" | "microsoft";
    account: string;
    grantedScopes: string[];
    refreshToken: string;
  },
): Promise<string> {
  const c = await createConnection(db, userId, {
    provider: o.provider,
    accountAddress: o.account,
    syncs: "calendar",
    grantedScopes: o.grantedScopes,
  });
  await putSecret({ db, secrets: secretBox(key) }, c.id, SECRET.refreshToken, o.refreshToken, null);
  return c.id;
}

/** The emulator's counts: every HTTP request (OAuth included) as `total`, and the calls by endpoint. */
export function countingEmulator(counter: RequestCounter) {
  return {
    snapshot(): RequestCounts {
      const s = counter.snapshot();
      return { ...s.perEndpoint, total: s.http } as RequestCounts;
    },
    reset: () => counter.reset(),
  };
}

/** `2026-12-02T09:00:00Z` → `20261202T090000Z` (iCalendar's UTC form). */
export const stamp = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

/** `20261202T090000Z` → ISO instant. */
export const fromStamp = (s: string) =>
  new Date(
    `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`,
  ).toISOString();
