// The server the fuzz properties run against: a member and an admin, records of both, one logged email
// with an attachment, an event, a Microsoft connection with a Graph subscription to push to.
import { createConnection } from "../../server/connections/connections.js";
import { type Engine, startTestServer, type TestServer } from "../harness/app.js";
import { mailFixtures } from "./generators.js";
import { PUSH_TOKEN, seedPush } from "./server-inputs.js";

export interface FuzzWorld {
  s: TestServer;
  tokens: { member: string; admin: string };
  /** Ids of everything stored: users, records, the activity, the event, the connection. */
  ids: string[];
}

export async function startFuzzWorld(engine: Engine): Promise<FuzzWorld> {
  const s = await startTestServer({
    engine,
    work: false,
    env: {
      GOOGLE_PUSH_TOKEN: PUSH_TOKEN,
      GOOGLE_OAUTH_CLIENT_ID: "fuzz-google-client",
      GOOGLE_OAUTH_CLIENT_SECRET: "fuzz-google-secret",
      MICROSOFT_OAUTH_CLIENT_ID: "6b1f0c6e-0000-4000-8000-00000000f022",
      MICROSOFT_OAUTH_CLIENT_SECRET: "fuzz-microsoft-secret",
    },
  });
  const ana = await s.user("ana@acme.test", { name: "Ana" });
  const ada = await s.user("ada@acme.test", { name: "Ada", role: "admin" });
  const ids: string[] = [ana.id, ada.id];
  const post = async (token: string, url: string, payload: object) => {
    const r = await s.app.inject({
      method: "POST",
      url,
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
    if (r.statusCode >= 300) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
    return r.json();
  };
  for (const token of [ana.token, ada.token]) {
    const company = await post(token, "/api/v1/companies", { name: "Acme Iberia" });
    const person = await post(token, "/api/v1/persons", {
      firstName: "Marta",
      lastName: "Núñez",
      emails: [token === ana.token ? "marta@acme-iberia.example" : "jose@acme-iberia.example"],
      companyId: company.id,
    });
    const lead = await post(token, "/api/v1/leads", {
      firstName: "Leo",
      lastName: "Lead",
      emails: ["leo@lead.example"],
    });
    const deal = await post(token, "/api/v1/deals", { name: "Renewal", companyId: company.id });
    const event = await post(token, "/api/v1/events", {
      title: "Renewal",
      startAt: "2026-12-03T10:00:00+01:00",
      endAt: "2026-12-03T11:00:00+01:00",
      timeZone: "Europe/Madrid",
    });
    // A weekly series, so the occurrence routes meet a real series; its original starts are among the
    // ids, so generated paths name real occurrences too.
    const series = await post(token, "/api/v1/events", {
      title: "Pipeline review",
      startAt: "2026-12-07T09:00:00+01:00",
      endAt: "2026-12-07T10:00:00+01:00",
      timeZone: "Europe/Madrid",
      recurrence: { freq: "weekly", count: 8 },
    });
    ids.push(company.id, person.id, lead.id, deal.id, event.id, series.id);
  }
  const mail = mailFixtures[0]
    .toString("latin1")
    .replace(/^From: .*$/m, "From: Marta <marta@acme-iberia.example>");
  const logged = await s.app.inject({
    method: "POST",
    url: "/api/v1/emails",
    headers: { authorization: `Bearer ${ana.token}`, "content-type": "message/rfc822" },
    payload: Buffer.from(mail, "latin1"),
  });
  if (logged.statusCode !== 201) throw new Error(`the seed email was not logged: ${logged.body}`);
  ids.push(logged.json().activityId);
  const connection = await createConnection(s.ctx.db, ana.id, {
    provider: "microsoft",
    accountAddress: "ana@acme.test",
  });
  ids.push(connection.id, "2026-12-14T08:00:00.000Z", "2026-12-21T08:00:00.000Z");
  await seedPush(s, connection.id);
  return { s, tokens: { member: ana.token, admin: ada.token }, ids };
}
