// `concilia sync run` and `concilia connections list` as an operator reads them (the commands' output,
// run in this process on both engines; the help text is checked through the real command in cli.test).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { putSecret } from "../../server/secrets/store.js";
import { listConnectionsCommand, syncRunCommand } from "../../server/sync/commands.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { createSyncedItemsTable, deliver, SECRET_NAME, TEST_PROVIDER, testAccount } from "./test-provider.js";

describe.each(engines)("sync commands on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      engine,
      env: { CONCILIA_SYNC_TICK_SECONDS: "0", CONCILIA_SYNC_STEP_ITEMS: "2", CONCILIA_SYNC_BATCH_SIZE: "2" },
    });
    await createSyncedItemsTable(s.ctx.db);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-P-1: `sync run --user` runs that user's due connections until they rest and says what it did; `connections list` shows the result without any credential", async () => {
    const ana = await s.user(`ana-cli-${engine}@acme.test`);
    const bob = await s.user(`bob-cli-${engine}@acme.test`);
    const address = `ana-cli-${engine}@mail.test`;
    deliver(testAccount(address), "INBOX", [
      { key: "1" },
      { key: "2" },
      { key: "3" },
      { key: "4", body: "skip:internal" },
      { key: "5" },
    ]);
    const mine = await createConnection(s.ctx.db, ana.id, {
      provider: TEST_PROVIDER,
      accountAddress: address,
    });
    await putSecret(
      { db: s.ctx.db, secrets: s.ctx.secrets },
      mine.id,
      SECRET_NAME,
      "very-secret-token",
      null,
    );
    const theirs = await createConnection(s.ctx.db, bob.id, {
      provider: TEST_PROVIDER,
      accountAddress: `bob-cli-${engine}@mail.test`,
    });

    const out = await syncRunCommand(s.ctx, { user: ana.email.toUpperCase() });
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(mine.id);
    expect(out[0]).toMatch(/3 step\(s\), 4 stored, 1 skipped, 0 failed; now up_to_date/);

    expect(await syncRunCommand(s.ctx, { connection: mine.id })).toEqual(["Nothing is due."]);
    expect(await syncRunCommand(s.ctx, { connection: "no-such-id" })).toEqual(["No such connection."]);

    const list = (await listConnectionsCommand(s.ctx, {})).join("\n");
    expect(list).toMatch(new RegExp(`${mine.id}.*up_to_date/idle.*failed items 0.*credentials token v1`));
    expect(list).toContain(theirs.id); // not synced by the run for ana
    expect(list).toMatch(new RegExp(`${theirs.id}.*syncing/initial.*last synced never`));
    expect(list).not.toContain("very-secret-token");
  });
});
