// What the mail tests that log messages by hand share: the request the sidebars send (POST /api/v1/emails
// with the raw message) and the user who sends it, Ana, with Carla <carla@client.test> in the CRM so that
// Carla's mail has a CRM participant (R-MAIL-1).
import { expect } from "vitest";
import { callAs, type TestServer } from "./app.js";

export const CARLA = "carla@client.test";

/** Logs a raw message as the holder of `token` does from a sidebar; `query` as in `?skipAttachment=1`. */
export const logRaw = (s: TestServer, token: string, raw: Buffer | string, query = "") =>
  s.app.inject({
    method: "POST",
    url: `/api/v1/emails${query}`,
    headers: { authorization: `Bearer ${token}`, "content-type": "message/rfc822" },
    payload: raw,
  });

/** Ana, a user of `s`, with Carla as a CRM person. */
export async function anaWithCarla(s: TestServer) {
  const ana = await s.user("ana@acme.test", { name: "Ana" });
  const r = await callAs(s, ana.token, "POST", "/api/v1/persons", { firstName: "Carla", emails: [CARLA] });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return ana;
}
