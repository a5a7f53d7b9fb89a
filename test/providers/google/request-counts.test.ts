// Requests a first sync of 1,000 messages costs, against the least Gmail allows: list pages of 500 and
// bodies in batches of 20 (quota units per message fetched stay 1 messages.get each).
import { afterAll, beforeAll, expect, it } from "vitest";
import { ANA, gmailWorld, NOW, syncAll } from "./world.js";

const w = gmailWorld();
beforeAll(() => w.server.listen({ onUnhandledRequest: "error" }));
afterAll(() => w.server.close());

it("R-P-3: a first sync of 1,000 messages (800 received, 200 sent) costs within 1.2× the provider minimum", async () => {
  const start = new Date(NOW - 20 * 86_400_000);
  w.google.generate(ANA, { count: 800, start });
  w.google.generate(ANA, { count: 200, start, sent: true, seed: 1 });
  w.google.counter.reset();
  const result = await syncAll(w.session);
  const fetched = Object.values(result).flatMap((s) => s.fetched);
  expect(fetched.filter((f) => "raw" in f)).toHaveLength(1000);
  const { http, perEndpoint } = w.google.counter.snapshot();
  // The least: ceil(800/500) + ceil(200/500) list pages and ceil(1000/20) batches.
  const minimum = 2 + 1 + 50;
  expect(perEndpoint["gmail.batch"]).toBe(50);
  expect(perEndpoint["gmail.users.messages.get"]).toBe(1000);
  expect(perEndpoint["gmail.users.messages.list"]).toBe(3);
  expect(http).toBeLessThanOrEqual(Math.floor(minimum * 1.2));
});
