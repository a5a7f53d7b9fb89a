// R-MAIL-9 whatever the arrival order: a sync backfill logs the messages of a conversation in any
// order, and a reply may be logged before the message it answers. Emails that name one another
// (Message-ID, In-Reply-To, References) end in one thread sharing its records and deal.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../server/auth/authenticate.js";
import { ingestEmail } from "../../server/mail/ingest.js";
import { joinThreads } from "../../server/mail/thread.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { eml, type TestMessage } from "../harness/eml.js";
import { logRaw } from "../harness/logged-mail.js";

type Link = { type: string; id: string };
interface Logged {
  threadId: string;
  dealId: string | null;
  links: string[];
}

const permutations = <T>(xs: T[]): T[][] =>
  xs.length <= 1
    ? [xs]
    : xs.flatMap((x, i) => permutations(xs.filter((_, j) => j !== i)).map((p) => [x, ...p]));

describe.each(engines)("email threads (%s)", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string };
  const ids: Record<string, string> = {};

  const api = (method: "GET" | "POST" | "PATCH", url: string, payload?: object) =>
    s.app.inject({ method, url, headers: { authorization: `Bearer ${ana.token}` }, payload });
  const log = async (m: TestMessage) => {
    const r = await logRaw(s, ana.token, eml(m));
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { activityId: string; links: Link[] };
  };
  const show = (links: Link[]) => links.map((l) => `${l.type}:${l.id}`).sort();
  /** What the user sees of a logged email, by Message-ID. */
  const seen = async (messageId: string): Promise<Logged> => {
    const list = await api("GET", "/api/v1/activities?type=email&limit=200");
    const found = list
      .json()
      .items.find((a: { email: { messageId: string } }) => a.email.messageId === messageId);
    if (!found) throw new Error(`${messageId} is not logged`);
    return { threadId: found.email.threadId, dealId: found.dealId, links: show(found.links) };
  };
  const setDeal = async (activityId: string) => {
    const r = await api("PATCH", `/api/v1/activities/${activityId}`, { dealId: ids.deal });
    expect(r.statusCode, r.body).toBe(200);
  };

  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@acme.test", { name: "Ana" });
    const make = async (url: string, body: object) => {
      const r = await api("POST", url, body);
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    ids.company = await make("/api/v1/companies", { name: "Client AG", emails: ["info@client.test"] });
    ids.person = await make("/api/v1/persons", { firstName: "Carla", emails: ["carla@client.test"] });
    ids.lead = await make("/api/v1/leads", { firstName: "Lee", emails: ["lee@prospect.test"] });
    ids.deal = await make("/api/v1/deals", { name: "Big deal", personId: ids.person });
  });
  afterAll(() => s?.close());

  it("R-MAIL-9: a reply logged before the message it answers joins its thread when that arrives; both share records and deal", async () => {
    const tag = randomBytes(4).toString("hex");
    const child = await log({
      from: "ana@acme.test",
      to: "lee@prospect.test",
      subject: "Re: Offer",
      messageId: `child.${tag}@acme.test`,
      inReplyTo: `parent.${tag}@client.test`,
      references: [`parent.${tag}@client.test`],
      date: "Wed, 05 Mar 2025 09:00:00 +0100",
    });
    await setDeal(child.activityId);
    expect((await seen(`child.${tag}@acme.test`)).threadId).toBe(`child.${tag}@acme.test`);

    const parent = await log({
      from: "carla@client.test",
      to: "ana@acme.test",
      subject: "Offer",
      messageId: `parent.${tag}@client.test`,
      date: "Tue, 04 Mar 2025 09:00:00 +0100",
    });
    const both = [`person:${ids.person}`, `lead:${ids.lead}`].sort();
    expect(show(parent.links)).toEqual(both);
    for (const id of [`parent.${tag}@client.test`, `child.${tag}@acme.test`])
      expect(await seen(id), id).toEqual({
        threadId: `parent.${tag}@client.test`,
        dealId: ids.deal,
        links: both,
      });
  });

  it("R-MAIL-9: three messages of a conversation end in the same thread, records and deal in every arrival order", async () => {
    const conversation = (tag: string): TestMessage[] => [
      {
        from: "carla@client.test",
        to: "ana@acme.test",
        messageId: `a.${tag}@client.test`,
        date: "Mon, 10 Mar 2025 10:00:00 +0100",
      },
      {
        from: "ana@acme.test",
        to: "lee@prospect.test",
        messageId: `b.${tag}@acme.test`,
        inReplyTo: `a.${tag}@client.test`,
        references: [`a.${tag}@client.test`],
        date: "Mon, 10 Mar 2025 11:00:00 +0100",
      },
      {
        from: "info@client.test",
        to: "ana@acme.test",
        messageId: `c.${tag}@client.test`,
        inReplyTo: `b.${tag}@acme.test`,
        references: [`a.${tag}@client.test`, `b.${tag}@acme.test`],
        date: "Mon, 10 Mar 2025 12:00:00 +0100",
      },
    ];
    const outcomes = new Set<string>();
    for (const order of permutations([0, 1, 2])) {
      const tag = `${order.join("")}.${randomBytes(3).toString("hex")}`;
      const messages = conversation(tag);
      for (const [n, i] of order.entries()) {
        const r = await log(messages[i]);
        if (n === 0) await setDeal(r.activityId); // the user files the first one under the deal
      }
      const final = await Promise.all(messages.map((m) => seen(m.messageId)));
      expect(new Set(final.map((f) => f.threadId)), `order ${order}`).toEqual(
        new Set([`a.${tag}@client.test`]),
      );
      outcomes.add(JSON.stringify(final.map((f) => ({ ...f, threadId: f.threadId.replace(tag, "TAG") }))));
    }
    expect(outcomes.size).toBe(1);
    const [one] = [...outcomes].map((o) => JSON.parse(o) as Logged[]);
    for (const f of one)
      expect(f).toEqual({
        threadId: "a.TAG@client.test",
        dealId: ids.deal,
        links: [`company:${ids.company}`, `lead:${ids.lead}`, `person:${ids.person}`].sort(),
      });
  });

  it("R-MAIL-9: a grandchild naming two separate threads joins them", async () => {
    const tag = randomBytes(4).toString("hex");
    const root = await log({
      from: "carla@client.test",
      to: "ana@acme.test",
      messageId: `root.${tag}@client.test`,
      date: "Mon, 10 Mar 2025 10:00:00 +0100",
    });
    await setDeal(root.activityId);
    // Answers a message of the conversation that was never logged: a thread of its own, for now.
    await log({
      from: "lee@prospect.test",
      to: "ana@acme.test",
      messageId: `side.${tag}@prospect.test`,
      inReplyTo: `unlogged.${tag}@client.test`,
      references: [`unlogged.${tag}@client.test`],
      date: "Mon, 10 Mar 2025 12:00:00 +0100",
    });
    expect((await seen(`side.${tag}@prospect.test`)).threadId).toBe(`side.${tag}@prospect.test`);

    // Its participant is in no CRM record: it is logged because it belongs to logged conversations.
    const grandchild = await log({
      from: "ana@acme.test",
      to: "assistant@elsewhere.test",
      messageId: `grand.${tag}@acme.test`,
      inReplyTo: `side.${tag}@prospect.test`,
      references: [`root.${tag}@client.test`, `unlogged.${tag}@client.test`, `side.${tag}@prospect.test`],
      date: "Mon, 10 Mar 2025 13:00:00 +0100",
    });
    const both = [`lead:${ids.lead}`, `person:${ids.person}`];
    expect(show(grandchild.links)).toEqual(both);
    for (const id of [`root.${tag}@client.test`, `side.${tag}@prospect.test`, `grand.${tag}@acme.test`])
      expect(await seen(id), id).toEqual({
        threadId: `root.${tag}@client.test`,
        dealId: ids.deal,
        links: both,
      });

    // Joining again changes nothing.
    const before = await api("GET", "/api/v1/activities?type=email&limit=200");
    await s.ctx.db.transaction((tx) =>
      joinThreads(tx, ana.id, [
        `grand.${tag}@acme.test`,
        `root.${tag}@client.test`,
        `side.${tag}@prospect.test`,
      ]),
    );
    expect((await api("GET", "/api/v1/activities?type=email&limit=200")).json()).toEqual(before.json());
  });

  it("R-MAIL-9: the messages of one conversation logged at the same moment end in one thread", async () => {
    const user = await authenticate(s.ctx, `Bearer ${ana.token}`);
    if (!user) throw new Error("token not accepted");
    for (let round = 0; round < 8; round++) {
      const tag = `${round}.${randomBytes(3).toString("hex")}`;
      const chain = Array.from({ length: 4 }, (_, i) => `m${i}.${tag}@client.test`);
      // Each names only its parent, so joining them needs every one of them.
      const messages = chain.map((id, i) =>
        eml({
          from: "carla@client.test",
          to: "ana@acme.test",
          messageId: id,
          ...(i ? { inReplyTo: chain[i - 1], references: [chain[i - 1]] } : {}),
          date: `Mon, 10 Mar 2025 1${i}:00:00 +0100`,
        }),
      );
      await Promise.all(messages.map((raw) => ingestEmail(s.ctx, user, raw, { source: "auto" })));
      const threads = new Set((await Promise.all(chain.map(seen))).map((f) => f.threadId));
      expect(threads, `round ${round}`).toEqual(new Set([chain[0]]));
    }
  });
});
