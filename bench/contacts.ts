// `npm run bench -- contacts [--scale S]`: Exchange contacts two-way at volume (R-X). In one process: a
// throwaway PostgreSQL, the Concilia context and API (in-process, `inject`), the Microsoft emulator on
// Graph's real host (msw), and the sync engine's steps for one Microsoft connection with the integration
// activated. 20,000 × S persons and contacts, 30 % the same people, 2 % of Exchange's duplicated; a first
// sync, then 500 × S edits on each side, a tenth of them on the same field of the same people, and a few
// deletions on each side. Reports Graph requests per 1,000 contacts against the minimum, contacts per
// second, and an audit of the end state against the expected merge. Writes bench/reports/contacts.{md,json}.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setupServer } from "msw/node";
import { DEMO_MICROSOFT_CLIENT, MicrosoftEmulator } from "../emulators/microsoft/emulator.js";
import { buildApp } from "../server/app.js";
import { createApiToken } from "../server/auth/tokens.js";
import { closeContext, createContext } from "../server/bootstrap.js";
import { loadConfig } from "../server/config.js";
import { createConnection, SECRET } from "../server/connections/connections.js";
import { createUser } from "../server/crm/users.js";
import { exchangeIntegrations } from "../server/db/schema.js";
import { createLogger } from "../server/log.js";
import { putSecret } from "../server/secrets/store.js";
import { runStepExclusive } from "../server/sync/run.js";
import { audit } from "./_contacts-audit.js";
import { planFor, seedCrm, seedExchange } from "./_contacts-seed.js";
import { services } from "./_services.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ANA = "ana@bench.example";
const SCOPE = "openid offline_access Calendars.ReadWrite Contacts.ReadWrite MailboxSettings.ReadWrite";
const PAGE = 999;
const BATCH = 20;

function argScale(args: string[]): number {
  const at = args.indexOf("--scale");
  const v = at >= 0 ? Number(args[at + 1]) : 0.05;
  if (!(v > 0 && v <= 1)) throw new Error("--scale must be in (0, 1]");
  return v;
}

/**
 * The fewest Graph requests a sync of this work can make: every contact read once through delta at the
 * largest page Graph gives (999), our extended properties read for each listed contact 20 per $batch
 * (delta cannot $expand them), one write per contact that must change (a create, or the update that
 * files it under our category and tags it), and the delta round that brings our own writes back (Graph
 * cannot leave them out), plus the fixed set-up: the folder list and the master category list with its
 * seven creations.
 */
function minimum(listed: number, writes: number, setup: number) {
  const reads = (k: number) => Math.ceil(k / PAGE) + Math.ceil(k / BATCH);
  return reads(listed) + writes + reads(writes) + setup;
}

export default async function contacts(args: string[]) {
  const scale = argScale(args);
  const plan = planFor(scale);
  const started = new Date();
  const loadAtStart = os.loadavg();
  const pg = await services.startPostgres();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-bench-contacts-"));
  const config = loadConfig({
    DATABASE_URL: pg.url,
    CONCILIA_DATA: dataDir,
    CONCILIA_LOG_LEVEL: "silent",
    CONCILIA_SECRET_KEY: randomBytes(32).toString("base64"),
    MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
    MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret!,
    PORT: "0",
  });
  const ctx = await createContext(config, createLogger("silent"));
  const app = await buildApp(ctx);
  let skew = 0;
  const microsoft = new MicrosoftEmulator({ clock: () => Date.now() + skew });
  microsoft.addAccount(ANA, "Ana Bench");
  const msw = setupServer(...microsoft.handlers());
  msw.listen({ onUnhandledRequest: "bypass" });
  try {
    const user = await createUser(ctx.db, {
      email: ANA,
      name: "Ana",
      role: "member",
      locale: "es",
      aliases: [],
    });
    const { token } = await createApiToken(ctx.db, user.id, { name: "bench", scopes: ["crm"] });
    const call = async (method: "PATCH" | "DELETE", url: string, body?: unknown) => {
      const r = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        payload: body as object,
      });
      if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    };
    const store = microsoft.contacts(ANA);
    store.addCategory("Clientes", "preset4");
    const connection = await createConnection(ctx.db, user.id, {
      provider: "microsoft",
      accountAddress: ANA,
      syncs: "calendar",
      grantedScopes: SCOPE.split(" "),
    });
    await putSecret(
      ctx,
      connection.id,
      SECRET.refreshToken,
      microsoft.issueTokens(ANA, SCOPE).refreshToken,
      null,
    );
    await ctx.db.insert(exchangeIntegrations).values({
      connectionId: connection.id,
      categories: ["Clientes"],
      language: "es",
      folderIds: [store.defaultFolder.id],
      targetFolderId: store.defaultFolder.id,
    });
    const personIds = await seedCrm(ctx.db, user.id, plan);
    const exchange = seedExchange(store, plan);

    /** HTTP requests to Graph (a `$batch` is one; the items inside it are counted per endpoint too). */
    const graphRequests = () => {
      const { http, perEndpoint } = microsoft.counter.snapshot();
      // The connection also syncs its calendars: only the contact sync's requests count.
      const other = Object.entries(perEndpoint).filter(
        ([k]) => !k.startsWith("graph.") || k.startsWith("graph.calendar"),
      );
      return http - other.reduce((sum, [, v]) => sum + v, 0);
    };
    const syncToRest = async () => {
      for (let steps = 0; steps < 100_000; steps++) {
        const r = await runStepExclusive(ctx, connection.id);
        if (r === "busy") continue;
        if (r.error) throw new Error(`sync step failed: ${JSON.stringify(r.error)}`);
        if (r.result !== "more") return steps + 1;
      }
      throw new Error("the sync never came to rest");
    };

    // The first sync.
    microsoft.counter.reset();
    let t = performance.now();
    await syncToRest();
    const firstSeconds = (performance.now() - t) / 1000;
    const firstRequests = graphRequests();
    const firstByEndpoint = microsoft.counter.snapshot().perEndpoint;
    const exchangeCount = plan.n + plan.duplicates;
    const touched = exchangeCount + (plan.n - plan.overlap);
    const firstMin = minimum(exchangeCount, touched, 2 + 1 + 7);

    // Edits on both sides; the conflicting ones later in Outlook, so Outlook's value wins (R-X-11).
    const deletions = Math.max(1, Math.round(plan.changes / 50));
    for (let i = 0; i < plan.changes; i++)
      await call("PATCH", `/api/v1/persons/${personIds[i]}`, { title: `CRM ${i}` });
    for (let i = plan.changes; i < plan.changes + deletions; i++)
      await call("DELETE", `/api/v1/persons/${personIds[i]}`);
    skew = 60_000;
    const outlookEdited = [
      ...Array.from({ length: plan.conflicts }, (_, i) => i),
      ...Array.from({ length: plan.changes - plan.conflicts }, (_, k) => plan.overlap + k),
    ];
    for (const i of outlookEdited) store.userEdit(exchange.ids[i]!, { jobTitle: `Outlook ${i}` });
    const removedInOutlook = Array.from({ length: deletions }, (_, k) => plan.overlap + plan.changes + k);
    for (const i of removedInOutlook) store.remove(exchange.ids[i]!);
    microsoft.counter.reset();
    t = performance.now();
    await syncToRest();
    const changeSeconds = (performance.now() - t) / 1000;
    const changeRequests = graphRequests();
    const changeByEndpoint = microsoft.counter.snapshot().perEndpoint;
    // Listed: Outlook's edits and deletions; written: the CRM's edits that reach Outlook (the conflicts
    // won by Outlook need none).
    const changeWrites = plan.changes - plan.conflicts;
    const changeMin = minimum(outlookEdited.length + removedInOutlook.length, changeWrites, 2 + 1);

    const result = await audit(ctx.db, store, user.id, plan, {
      personIds,
      exchange,
      deletions,
      removedInOutlook,
    });
    const firstPer1000 = (firstRequests / (exchangeCount + plan.n)) * 1000;
    const firstMinPer1000 = (firstMin / (exchangeCount + plan.n)) * 1000;
    const changed = 2 * plan.changes;
    const figures = [
      {
        figure: "first sync: Graph requests per 1,000 contacts (both sides)",
        value: round(firstPer1000),
        minimum: round(firstMinPer1000),
        ratio: round2(firstPer1000 / firstMinPer1000),
        target: "≤ 1.2 × minimum",
        met: firstPer1000 <= 1.2 * firstMinPer1000,
      },
      {
        figure: "changes: Graph requests per 1,000 changed contacts",
        value: round((changeRequests / changed) * 1000),
        minimum: round((changeMin / changed) * 1000),
        ratio: round2(changeRequests / changeMin),
        target: "≤ 1.2 × minimum",
        met: changeRequests <= 1.2 * changeMin,
      },
      {
        figure: "first sync: contacts per second (both sides)",
        value: round((exchangeCount + plan.n) / firstSeconds),
        target: "reported",
        met: true,
      },
      {
        figure: "changes: contacts per second",
        value: round(changed / changeSeconds),
        target: "reported",
        met: true,
      },
      {
        figure: "end state equals the expected merge",
        value: result.problems.length === 0 ? "yes" : `${result.problems.length} differences`,
        target: "exactly",
        met: result.problems.length === 0,
      },
    ];
    const report = {
      scale,
      started: started.toISOString(),
      cores: os.cpus().length,
      load: { atStart: loadAtStart.map(round2), atEnd: os.loadavg().map(round2) },
      plan,
      deletionsEachSide: deletions,
      firstSync: {
        seconds: round(firstSeconds),
        requests: firstRequests,
        minimum: firstMin,
        byEndpoint: firstByEndpoint,
      },
      changes: {
        seconds: round(changeSeconds),
        requests: changeRequests,
        minimum: changeMin,
        byEndpoint: changeByEndpoint,
      },
      audit: result,
      figures,
    };
    fs.mkdirSync(path.join(here, "reports"), { recursive: true });
    fs.writeFileSync(path.join(here, "reports/contacts.json"), `${JSON.stringify(report, null, 2)}\n`);
    fs.writeFileSync(path.join(here, "reports/contacts.md"), markdown(report));
    console.log(markdown(report));
  } finally {
    msw.close();
    await app.close();
    await closeContext(ctx);
    pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function markdown(r: {
  scale: number;
  started: string;
  cores: number;
  load: { atStart: number[]; atEnd: number[] };
  plan: ReturnType<typeof planFor>;
  deletionsEachSide: number;
  firstSync: { seconds: number; requests: number; minimum: number; byEndpoint: Record<string, number> };
  changes: { seconds: number; requests: number; minimum: number; byEndpoint: Record<string, number> };
  audit: Awaited<ReturnType<typeof audit>>;
  figures: {
    figure: string;
    value: unknown;
    minimum?: unknown;
    ratio?: number;
    target: string;
    met: boolean;
  }[];
}) {
  const p = r.plan;
  return `# Exchange contacts benchmark (\`npm run bench -- contacts --scale ${r.scale}\`)

Scale ${r.scale}: ${p.n} CRM persons and ${p.n} Exchange contacts, ${p.overlap} of them the same people (by
email), ${p.duplicates} Exchange contacts in Outlook twice; then ${p.changes} edits on each side, ${p.conflicts}
of them on the same field of the same people (Outlook's later), and ${r.deletionsEachSide} deletions on each side.
The full size is \`--scale 1\` (20,000 a side). One process: throwaway PostgreSQL, the Microsoft emulator
(msw on Graph's host), the sync engine's steps. Run ${r.started} on ${r.cores} cores shared with other
developers' builds and tests: load average ${r.load.atStart.join(" / ")} at the start and
${r.load.atEnd.join(" / ")} at the end (1 / 5 / 15 minutes), so the rates below are this machine's under that
load; the request counts do not depend on it.

| figure | value | minimum | ratio | target | met |
|---|---|---|---|---|---|
${r.figures.map((f) => `| ${f.figure} | ${f.value} | ${f.minimum ?? "—"} | ${f.ratio !== undefined ? `${f.ratio} ×` : "—"} | ${f.target} | ${f.met ? "yes" : "**no**"} |`).join("\n")}

First sync: ${r.firstSync.requests} Graph requests (minimum ${r.firstSync.minimum}) in ${r.firstSync.seconds} s.
Changes: ${r.changes.requests} Graph requests (minimum ${r.changes.minimum}) in ${r.changes.seconds} s.

Graph requests by endpoint (items inside a \`$batch\` counted under their own endpoint as well):

| endpoint | first sync | changes |
|---|---|---|
${[...new Set([...Object.keys(r.firstSync.byEndpoint), ...Object.keys(r.changes.byEndpoint)])]
  .sort()
  .map((k) => `| ${k} | ${r.firstSync.byEndpoint[k] ?? 0} | ${r.changes.byEndpoint[k] ?? 0} |`)
  .join("\n")}

Where the first sync goes past the minimum: delta is read in pages of \`CONCILIA_SYNC_BATCH_SIZE\` (50 by
default) rather than Graph's 999, with the extended properties of each page read in its own \`$batch\`es, and
the folder and master category lists are read once per step. A create is one POST with no look-up first
(\`graph.contacts.list\`: ${r.firstSync.byEndpoint["graph.contacts.list"] ?? 0} requests): a pending-create marker
stands for it until its link is saved, a lost answer is healed by the next delta (the contact carries our id),
and only a record still marked is looked up before it is tried again.

**The minimum** is every contact read once through delta at Graph's largest page (999), our extended
properties read for each listed contact 20 per \`$batch\` (delta cannot \`$expand\` them), one write per
contact that must change (a create for each CRM person Exchange lacks; an update filing each Exchange contact
under our category with our id; an update for each CRM edit Outlook did not win), the delta round that
brings our own writes back (Graph cannot leave them out), and the fixed set-up (folders, master categories and
the seven creations). Requests are counted at the emulator, one per HTTP request (a \`$batch\` is one).

**Audit** (${r.audit.checked} checks): ${
    r.audit.problems.length === 0
      ? "the end state equals the expected merge: no duplicate beyond Outlook's own, no loss, every overwritten value kept, no deletion propagated."
      : r.audit.problems
          .slice(0, 20)
          .map((x) => `\n- ${x}`)
          .join("")
  }
`;
}
