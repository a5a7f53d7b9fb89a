// The Pub/Sub push body read as Gmail and Pub/Sub actually send it (quirks 27–28), and the batch answer
// matched by Content-ID whatever the order of its parts.
import { describe, expect, it } from "vitest";
import { decodeBatch } from "../../../server/providers/google/batch.js";
import { GmailPushFilter, parseGmailPush } from "../../../server/providers/google/push.js";

const push = (data: string) => ({ message: { data, messageId: "1", message_id: "1" }, subscription: "s" });
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe("Gmail push data", () => {
  it("R-P-4: standard base64 and base64url, padded or not, historyId as a number or a string", () => {
    const notice = { emailAddress: "Ana@Acme.test", historyId: 9876543210 };
    const b64 = json(notice).toString("base64");
    for (const data of [b64, b64.replace(/=+$/, ""), json(notice).toString("base64url")])
      expect(parseGmailPush(push(data))).toEqual({ emailAddress: "ana@acme.test", historyId: "9876543210" });
    const text = json({ emailAddress: "ana@acme.test", historyId: "12" }).toString("base64");
    expect(parseGmailPush(push(text))).toEqual({ emailAddress: "ana@acme.test", historyId: "12" });
  });

  it("R-P-4: anything else is not a notice", () => {
    for (const body of [
      null,
      {},
      push("not base64 json"),
      push(json({ emailAddress: "ana@acme.test" }).toString("base64")),
      push(json({ emailAddress: "nobody", historyId: 1 }).toString("base64")),
      push(json({ emailAddress: "ana@acme.test", historyId: "1e9" }).toString("base64")),
    ])
      expect(parseGmailPush(body)).toBeNull();
  });

  it("R-P-2: only a historyId newer than every earlier one of its mailbox counts", () => {
    const filter = new GmailPushFilter();
    const at = (emailAddress: string, historyId: string) => filter.isNew({ emailAddress, historyId });
    expect([at("a@x", "10"), at("a@x", "10"), at("a@x", "9"), at("b@x", "9"), at("a@x", "11")]).toEqual([
      true,
      false,
      false,
      true,
      true,
    ]);
  });
});

describe("Gmail batch answers", () => {
  it("R-P-3: parts are matched by Content-ID, not by position", () => {
    const part = (id: string, status: string, body: string) =>
      `--b\r\nContent-Type: application/http\r\nContent-ID: <response-${id}>\r\n\r\nHTTP/1.1 ${status}\r\nContent-Type: application/json\r\n\r\n${body}\r\n`;
    const text = `${part("m2", "429 Too Many Requests", '{"error":{}}')}${part("m1", "200 OK", '{"id":"m1"}')}--b--\r\n`;
    const answers = decodeBatch("multipart/mixed; boundary=b", text);
    expect(answers.get("m1")).toMatchObject({ status: 200, body: '{"id":"m1"}' });
    expect(answers.get("m2")?.status).toBe(429);
  });
});
