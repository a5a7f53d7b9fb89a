// R-CAL-6 in Gmail: a series stored with FREQ=MINUTELY (as a calendar sync may bring one) is listed as
// its first event only, and the record card's upcoming events say so under it, in Gmail's language.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardText } from "../../dev/gmail-emulator/card-json.js";
import { demoMessages } from "../../dev/gmail-emulator/demo-messages.js";
import { events } from "../../server/db/schema.js";
import { eventWarningWords } from "../../shared/event-warnings.js";
import { type GmailWorld, startGmailWorld } from "./setup.js";

const demo = demoMessages();
const fromGiulia = demo.find((m) => m.from.includes("giulia.rossi@borealis.example"))!;

let w: GmailWorld;
beforeAll(async () => {
  w = await startGmailWorld({ messages: demo });
});
afterAll(async () => {
  await w?.close();
});

/** A series with Giulia starting in ten minutes, stored with `rule` when given. */
async function seriesWithGiulia(title: string, rule: string | null) {
  const start = Date.now() + 10 * 60_000;
  const made = await w.api("POST", "/api/v1/events", {
    title,
    startAt: new Date(start).toISOString(),
    endAt: new Date(start + 30 * 60_000).toISOString(),
    attendees: [{ email: "giulia.rossi@borealis.example" }],
    recurrence: { freq: "weekly" },
  });
  expect(made.status).toBe(201);
  if (rule) await w.server.ctx.db.update(events).set({ recurrence: rule }).where(eq(events.id, made.body.id));
}

describe("Gmail add-on: warnings on events", () => {
  it("R-CAL-6: a series repeating every minute shows the warning under it, in Italian; a weekly one shows none", async () => {
    await seriesWithGiulia("Battito", "FREQ=MINUTELY");
    await seriesWithGiulia("Revisione settimanale", null);
    const sb = w.sidebar({ locale: "it" });
    await sb.openMessage(fromGiulia.id);
    const lines = cardText(sb.card).split("\n");
    const warning = eventWarningWords.it["recurrence-read-as-first-event"];
    const at = lines.findIndex((l) => l.startsWith("Battito"));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toBe(warning);
    expect(lines.filter((l) => l === warning)).toHaveLength(1);
    expect(lines.find((l) => l.startsWith("Revisione settimanale"))).toBeDefined();
  });
});
