// Mail sync ends in the one ingest pipeline: messages of a synced mailbox become email activities of the
// connection's owner, once each whatever happens (a re-sync after a rejected cursor, a message also
// logged by hand), and mail without a CRM participant is counted as skipped, not stored.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { activities } from "../../server/db/schema.js";
import { putSecret } from "../../server/secrets/store.js";
import { connectionOwner, mailWriter } from "../../server/sync/mail-writer.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { logRaw } from "../harness/logged-mail.js";
import { deliver, invalidateCursors, SECRET_NAME, TEST_PROVIDER, testAccount } from "./test-provider.js";

const message = (id: string, from: string, subject: string) =>
  [
    `From: ${from}`,
    "To: Ana <ana@acme.test>",
    `Subject: ${subject}`,
    `Message-ID: <${id}@mail.example>`,
    "Date: Fri, 20 Nov 2026 09:00:00 +0100",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `${subject}.`,
    "",
  ].join("\r\n");

describe.each(engines)("mail sync through the ingest on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string };
  beforeAll(async () => {
    s = await startTestServer({
      engine,
      env: { CONCILIA_SYNC_TICK_SECONDS: "0", CONCILIA_SYNC_BATCH_SIZE: "2" },
    });
    ana = await s.user("ana@acme.test", { name: "Ana" });
    const r = await s.app.inject({
      method: "POST",
      url: "/api/v1/persons",
      headers: { authorization: `Bearer ${ana.token}` },
      payload: { firstName: "Marta", lastName: "Núñez", emails: ["marta.nunez@acme-iberia.example"] },
    });
    expect(r.statusCode).toBe(201);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function untilIdle(id: string) {
    for (let i = 0; i < 20; i++) {
      const r = await runStepExclusive(s.ctx, id);
      if (r !== "busy" && r.result !== "more") return r;
    }
    throw new Error("the sync never came to rest");
  }
  const emails = () =>
    s.ctx.db
      .select({ messageId: activities.messageId, source: activities.source })
      .from(activities)
      .where(and(eq(activities.ownerId, ana.id), eq(activities.type, "email")));

  it("R-MAIL-1, R-MAIL-2, R-MAIL-4: synced mail is logged once per Message-ID, also across a re-sync and a manual log; mail without a CRM participant is counted as skipped", async () => {
    const address = `ana-${engine}@acme.test`;
    const account = testAccount(address);
    const c = await createConnection(s.ctx.db, ana.id, { provider: TEST_PROVIDER, accountAddress: address });
    await putSecret({ db: s.ctx.db, secrets: s.ctx.secrets }, c.id, SECRET_NAME, "t", null);
    account.writer = mailWriter(s.ctx, await connectionOwner(s.ctx.db, c), "imap");
    const po = message("po-1", "Marta Núñez <marta.nunez@acme-iberia.example>", "Orden de compra");
    // Logged by hand before the sync reaches it.
    const manual = await logRaw(s, ana.token, po);
    expect(manual.statusCode).toBe(201);
    deliver(account, "INBOX", [
      { key: "1", body: po },
      { key: "2", body: message("news-1", "Newsletter <news@unknown.example>", "Ofertas") },
      {
        key: "3",
        body: message("po-2", "Marta Núñez <marta.nunez@acme-iberia.example>", "Re: Orden de compra"),
      },
    ]);
    expect(await untilIdle(c.id)).toMatchObject({ result: "idle" });
    invalidateCursors(account, "INBOX");
    expect(await untilIdle(c.id)).toMatchObject({ result: "idle" });

    const logged = await emails();
    expect(logged.map((e) => e.messageId).sort()).toEqual(["po-1@mail.example", "po-2@mail.example"]);
    expect(logged.find((e) => e.messageId === "po-2@mail.example")?.source).toBe("auto");
    const status = await s.app.inject({
      url: `/api/v1/connections/${c.id}/status`,
      headers: { authorization: `Bearer ${ana.token}` },
    });
    expect(status.json()).toMatchObject({ status: "up_to_date", failedItems: 0 });
    expect(status.json().skipped["no-crm-participant"]).toBeGreaterThanOrEqual(1);
  });
});
