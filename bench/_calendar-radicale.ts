// The calendar benchmark's CalDAV provider: a throwaway Radicale (scripts/services.mjs) with one user and
// one calendar, reached by the sync engine through a counting proxy (CALDAV_URL) and by the bench
// directly (changes and read-back are not counted). CalDAV has no push: changes at the provider are
// found by the engine's polling only. The seed is written straight into Radicale's storage folder, as a
// restored backup would be: Radicale 3.1 reads every object of the collection on each PUT of a new UID
// (its no-uid-conflict check), so seeding 10,000 objects by PUT takes hours and measures Radicale, not us.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { makeCalendar } from "tsdav";
import { SECRET } from "../server/connections/connections.js";
import type { Db } from "../server/db/index.js";
import { connections } from "../server/db/schema.js";
import { newId } from "../server/ids.js";
import type { CaldavClient } from "../server/providers/caldav/client.js";
import { connectCaldav } from "../server/providers/caldav/discovery.js";
import { fetchCalendarObjects, MULTIGET_BATCH } from "../server/providers/caldav/fetch.js";
import { listCalendarChanges } from "../server/providers/caldav/list-changes.js";
import { parseCalendarObject } from "../server/providers/caldav/map.js";
import { parseAllowance } from "../server/providers/private-hosts.js";
import { secretBox } from "../server/secrets/box.js";
import { putSecret } from "../server/secrets/store.js";
import { startCaldavProxy } from "../test/harness/caldav-proxy.js";
import type { MinimumInput, ProviderDriver } from "./_calendar-driver.js";
import { icsOf } from "./_calendar-ics.js";
import { fromSyncedState, type TruthEvent } from "./_calendar-truth.js";
import { services } from "./_services.js";

const loopback = parseAllowance(["127.0.0.0/8"]);

export async function radicaleDriver(): Promise<ProviderDriver & { env: Record<string, string> }> {
  const radicale = await services.startRadicale();
  const cut = radicale.value.lastIndexOf(":/");
  const url = radicale.value.slice(0, cut);
  const dir = radicale.value.slice(cut + 1);
  const username = `bench${randomBytes(4).toString("hex")}`;
  const password = randomBytes(9).toString("base64url");
  fs.appendFileSync(path.join(dir, "users"), `${username}:${password}\n`);
  const client: CaldavClient = await connectCaldav(
    { serverUrl: url, username, password },
    { allowPrivate: loopback, timeoutMs: 60_000 },
  );
  const calendarUrl = new URL("work/", client.homeUrl).href;
  const [made] = await makeCalendar({
    url: calendarUrl,
    props: { "d:displayname": "Work" },
    headers: client.headers,
    fetch: client.fetch,
  });
  if (!made?.ok && made?.status !== 201) throw new Error(`MKCALENDAR answered ${made?.status}`);
  const storage = path.join(
    dir,
    "collections",
    "collection-root",
    ...decodeURIComponent(new URL(calendarUrl).pathname).split("/").filter(Boolean),
  );
  if (!fs.existsSync(path.join(storage, ".Radicale.props")))
    throw new Error(`Radicale's storage for ${calendarUrl} is not at ${storage}`);
  const proxy = await startCaldavProxy(url);
  // The engine sees the calendar under the proxy's address.
  const proxiedCalendar = new URL(new URL(calendarUrl).pathname, proxy.url).href;
  const account = `${username}@icloud.test`;
  const hrefOf = (uid: string) => new URL(`${encodeURIComponent(uid)}.ics`, calendarUrl).href;
  const put = async (e: TruthEvent, sequence: number) => {
    const res = await client.fetch(hrefOf(e.uid), {
      method: "PUT",
      headers: { ...client.headers, "content-type": "text/calendar; charset=utf-8" },
      body: icsOf(e, account, sequence),
    });
    await res.body?.cancel();
    if (res.status >= 300) throw new Error(`PUT ${e.uid}: ${res.status}`);
  };
  const readObjects = async () => {
    const listed = await listCalendarChanges(client, { url: calendarUrl, syncCollection: true }, null);
    const hrefs = listed.changes.filter((c) => !c.removed).map((c) => c.href);
    const got = await fetchCalendarObjects(client, calendarUrl, hrefs, 500);
    return got.flatMap((o) => ("ics" in o ? [o] : []));
  };

  return {
    available: true,
    key: "radicale",
    label: "Radicale (CalDAV)",
    account,
    push: "CalDAV has no push (RFC 4791/6578 define none; Radicale sends none): changes are found by polling",
    env: { CALDAV_URL: proxy.url, CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8" },
    async seed(events) {
      for (const e of events)
        await fs.promises.writeFile(path.join(storage, `${e.uid}.ics`), icsOf(e, account, 0));
      // Radicale must list exactly what was written: a GET of the first and last proves the names.
      for (const e of [events[0], events.at(-1)]) {
        if (!e) continue;
        const res = await client.fetch(hrefOf(e.uid), { method: "GET", headers: client.headers });
        await res.body?.cancel();
        if (res.status !== 200) throw new Error(`seeded ${e.uid} answers ${res.status}`);
      }
    },
    async connect(db: Db, userId: string, key: Buffer) {
      const id = newId();
      await db.insert(connections).values({
        id,
        userId,
        provider: "icloud",
        accountAddress: account,
        syncs: "calendar",
        calendars: [{ id: proxiedCalendar, name: "Work", primary: true, selected: true }],
        imapServer: { host: "127.0.0.1", port: 1, tls: "none", username },
      });
      await putSecret({ db, secrets: secretBox(key) }, id, SECRET.appPassword, password, null);
      return id;
    },
    async apply(change, sequence) {
      if (change.kind === "delete") {
        const res = await client.fetch(hrefOf(change.before.uid), {
          method: "DELETE",
          headers: client.headers,
        });
        await res.body?.cancel();
        if (res.status >= 300) throw new Error(`DELETE ${change.before.uid}: ${res.status}`);
      } else await put(change.after, sequence);
    },
    async readAll() {
      return (await readObjects()).flatMap((o) =>
        parseCalendarObject(o.ics).map((e) => fromSyncedState(e.uid, e.state)),
      );
    },
    async titleOf(uid) {
      const res = await client.fetch(hrefOf(uid), { method: "GET", headers: client.headers });
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      const text = await res.text();
      return parseCalendarObject(text)[0]?.state.title ?? null;
    },
    requests: proxy,
    minimum(w: MinimumInput) {
      // Radicale answers a sync-collection in one page (it never truncates with 507).
      const initial = 1 + Math.ceil(w.initialObjects / MULTIGET_BATCH) + w.crmCreates;
      const changes = 1 + Math.ceil(w.providerChanged / MULTIGET_BATCH) + w.crmWrites;
      return {
        initial,
        changes,
        how:
          `one sync-collection REPORT (Radicale answers in one page) + one calendar-multiget per ${MULTIGET_BATCH} objects ` +
          "+ one PUT per CRM event written; discovery, the calendar listing and idle polls are not part of the minimum",
      };
    },
    dropPushes() {},
    async close() {
      await proxy.close();
      radicale.stop();
    },
  };
}
