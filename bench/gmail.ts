// `npm run bench -- gmail [--rounds N]`: the Gmail add-on's cost as Gmail would run it. The built
// Code.js runs in the Apps Script emulation against a real server (in-memory PGlite, demo data,
// Google ID tokens verified against a local key set). Counts UrlFetch calls per card (R-SB-8) and
// times the server per contextual card; writes bench/reports/gmail.md.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Invocation } from "../dev/gmail-emulator/addon-host.js";
import { demoMessages } from "../dev/gmail-emulator/demo-messages.js";
import { startGmailWorld } from "../test/gmail/setup.js";
import { figure, writeResult } from "./_result.js";

const here = path.dirname(fileURLToPath(import.meta.url));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const ms = (v: number) => v.toFixed(1);

export default async function gmail(args: string[]): Promise<void> {
  const i = args.indexOf("--rounds");
  const rounds = i >= 0 ? Math.max(1, Number(args[i + 1]) || 30) : 30;
  const messages = demoMessages();
  const w = await startGmailWorld();
  try {
    const sb = w.sidebar();
    // Warm-up: key set fetched, JIT and connection pool warm.
    for (const m of messages) await sb.openMessage(m.id);

    const server: number[] = [];
    const execution: number[] = [];
    const calls: number[] = [];
    for (let r = 0; r < rounds; r++)
      for (const m of messages) {
        const inv = await sb.openMessage(m.id);
        calls.push(inv.fetches.length);
        server.push(inv.fetches.reduce((n, f) => n + f.ms, 0));
        execution.push(inv.ms);
      }

    // One pass over every other card, counting its requests.
    const rows: [string, Invocation][] = [];
    const note = (label: string, inv: Invocation) => rows.push([label, inv]);
    note("Homepage (contacts)", await sb.openHomepage());
    sb.fill({ q: "acme" });
    note("Search", await sb.click("Search"));
    note("Open a search hit", await sb.click("Open"));
    note("Message open (contextual)", await sb.openMessage(messages[1].id));
    note("Open a participant", await sb.click("Open"));
    sb.back();
    note("Log email", await sb.click("Log email"));
    note("Create meeting: form", await sb.click("Create meeting"));
    sb.fill({ start: Date.parse("2031-01-01T10:00:00Z") });
    note("Create meeting: save (+ refreshed card)", await sb.click("Create meeting"));
    note("Unknown sender", await sb.openMessage(messages[2].id));
    note("Create contact: form", await sb.click("Create contact"));
    note("Create contact: save (+ refreshed card)", await sb.click("Save"));

    const n = calls.length;
    const report = `# Gmail add-on benchmark

Built \`Code.js\` run in the Apps Script emulation (\`dev/gmail-emulator\`), every UrlFetchApp call
routed to a real Concilia server on loopback (in-memory PGlite, demo workspace), signed in with a
Google ID token verified against a local JWKS. ${rounds} rounds over the ${messages.length} demo
messages: ${n} contextual cards. Machine: ${os.cpus()[0]?.model ?? "unknown"} × ${os.cpus().length}, Node ${process.version}.

## Contextual card (message open, R-SB-8)

| measure | p50 | p95 | max |
|---|---|---|---|
| UrlFetch calls per card | ${percentile(calls, 50)} | ${percentile(calls, 95)} | ${Math.max(...calls)} |
| server time per card, ms (HTTP round trip on loopback) | ${ms(percentile(server, 50))} | ${ms(percentile(server, 95))} | ${ms(Math.max(...server))} |
| whole execution, ms (fresh script context + card building + request) | ${ms(percentile(execution, 50))} | ${ms(percentile(execution, 95))} | ${ms(Math.max(...execution))} |

## UrlFetch calls per card or action

| card / action | calls | requests |
|---|---|---|
${rows
  .map(
    ([label, inv]) =>
      `| ${label} | ${inv.fetches.length} | ${inv.fetches.map((f) => `${f.method} ${new URL(f.url).pathname} → ${f.status ?? f.error}`).join("; ") || "none (cached context)"} |`,
  )
  .join("\n")}

Notes: server time is the loopback round trip of the one context request, so it includes HTTP and
token verification (the key set is cached after the first call). Real Apps Script adds Google's own
UrlFetch latency and script start-up, which no local run can measure.
`;
    fs.mkdirSync(path.join(here, "reports"), { recursive: true });
    fs.writeFileSync(path.join(here, "reports", "gmail.md"), report);
    const round = (v: number) => Math.round(v * 10) / 10;
    writeResult("gmail", [
      figure("UrlFetch calls per contextual card, max", Math.max(...calls), "", { op: "<=", value: 1 }),
      figure("server time per contextual card, p50", round(percentile(server, 50)), "ms"),
      figure("server time per contextual card, p95", round(percentile(server, 95)), "ms"),
      figure("whole add-on execution per card, p95", round(percentile(execution, 95)), "ms"),
    ]);
    console.log(report);
  } finally {
    await w.close();
  }
}
