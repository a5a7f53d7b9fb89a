// R-CON-6: a custom IMAP account is tested against a real IMAP server (the tests' Dovecot) before it is
// saved: green when it works, red naming the step that failed; and a server on a private or loopback
// address is refused unless the configuration allows it (SSRF).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../harness/app.js";
import { newMailbox, type TestMailbox } from "../harness/imap.js";

describe("custom IMAP accounts against a real IMAP server", () => {
  let open: TestServer;
  let guarded: TestServer;
  let mailbox: TestMailbox;
  let ana: { token: string };
  let bea: { token: string };

  beforeAll(async () => {
    mailbox = await newMailbox();
    open = await startTestServer({ env: { CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8" } });
    guarded = await startTestServer();
    ana = await open.user("ana@acme.test");
    bea = await guarded.user("bea@acme.test");
  });
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
  });

  const plain = () => {
    const { host, port, username, password } = mailbox.account("none");
    return { host, port, tls: "none" as const, username, password };
  };
  const test = (s: TestServer, token: string, body: unknown) =>
    s.app.inject({
      method: "POST",
      url: "/api/v1/connections/test",
      headers: { authorization: `Bearer ${token}` },
      payload: body as object,
    });

  it("R-CON-6: the right password answers green, a wrong one red at the login step", async () => {
    const green = await test(open, ana.token, plain());
    expect(green.json()).toEqual({ ok: true });
    const red = await test(open, ana.token, { ...plain(), password: "not-the-password" });
    expect(red.json()).toMatchObject({ ok: false, step: "login" });
  });

  it("R-CON-6: a closed port is red at the connection step, an unknown host at the name lookup", async () => {
    const closed = await test(open, ana.token, { ...plain(), port: 1 });
    expect(closed.json()).toMatchObject({ ok: false, step: "connect" });
    const unknown = await test(open, ana.token, { ...plain(), host: "imap.no-such-host.invalid" });
    expect(unknown.json()).toMatchObject({ ok: false, step: "dns" });
  });

  it("R-CON-6: the account is saved only after a green test, and its password is never answered", async () => {
    const { host, port, username, password } = plain();
    const res = await open.app.inject({
      method: "POST",
      url: "/api/v1/connections",
      headers: { authorization: `Bearer ${ana.token}` },
      payload: {
        provider: "imap",
        accountAddress: `${username}@mail.acme.test`,
        host,
        port,
        tls: "none",
        username,
        password,
        syncs: "email",
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain(password);
    expect(res.json()).toMatchObject({ provider: "imap", syncs: "email" });
  });

  it("a server on a loopback address is refused when the configuration does not allow it", async () => {
    const red = await test(guarded, bea.token, plain());
    expect(red.json()).toMatchObject({ ok: false, step: "dns" });
  });
});
