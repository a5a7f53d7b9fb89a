// Requests a first sync of 1,000 messages costs, against the least Graph allows (delta pages of 999,
// bodies in $batch of 20), and the same bodies fetched one `$value` request each, for comparison.
import { afterAll, beforeAll, expect, it } from "vitest";
import { GraphClient } from "../../../server/providers/graph/client.js";
import { graphFetchEach } from "../../../server/providers/graph/fetch.js";
import { NOW, syncAll } from "../sync-helpers.js";
import { BO, GRAPH, graphWorld } from "./world.js";

const w = graphWorld();
beforeAll(() => w.server.listen({ onUnhandledRequest: "error" }));
afterAll(() => w.server.close());

it("R-P-3: a first sync of 1,000 messages (800 received, 200 sent) costs within 1.2× the provider minimum; $batch needs 20× fewer requests than one $value each", async () => {
  const start = new Date(NOW - 20 * 86_400_000);
  w.microsoft.generate(BO, { count: 800, start });
  w.microsoft.generate(BO, { count: 200, start, sent: true, seed: 1 });
  w.microsoft.counter.reset();
  const result = await syncAll(w.session);
  const items = Object.values(result).flatMap((s) => s.items);
  expect(
    Object.values(result)
      .flatMap((s) => s.fetched)
      .filter((f) => "raw" in f),
  ).toHaveLength(1000);
  const batched = w.microsoft.counter.snapshot();
  // The least: one delta page per folder (≤ 999 each) and ceil(800/20) + ceil(200/20) batches.
  const minimum = 2 + 50;
  expect(batched.perEndpoint["graph.messages.delta"]).toBe(2);
  expect(batched.perEndpoint["graph.batch"]).toBe(50);
  expect(batched.http).toBeLessThanOrEqual(Math.floor(minimum * 1.2));

  w.microsoft.counter.reset();
  const client = new GraphClient({
    baseUrl: GRAPH,
    accessToken: async () => w.microsoft.issueTokens(BO).accessToken,
  });
  const each = await graphFetchEach(client, items, "inbox");
  expect(each.filter((f) => "raw" in f)).toHaveLength(1000);
  const single = w.microsoft.counter.snapshot();
  expect(single.http).toBe(1000);
  expect(batched.http - 2).toBe(single.http / 20);
});
