// R-CON-6 against a real Dovecot: the connectivity test answers ok, or the step that failed with the
// message key the settings views show.
import net from "node:net";
import { inspect } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { closeImap, connectImap } from "../../../server/providers/imap/client.js";
import { testImapConnectivity } from "../../../server/providers/imap/connectivity.js";
import { classifyImapError } from "../../../server/providers/imap/errors.js";
import { noPrivateHosts } from "../../../server/providers/private-hosts.js";
import { allowLoopback, newMailbox, type TestMailbox, testImap } from "../../harness/imap.js";

let box: TestMailbox;
beforeAll(async () => {
  box = await newMailbox();
});

describe("IMAP connectivity test (R-CON-6)", () => {
  it("R-CON-6: the right password over implicit TLS answers ok, with the localized Sent folder", async () => {
    const r = await testImapConnectivity(box.account("implicit", "localhost"), {
      allowPrivate: allowLoopback,
      ca: testImap().ca,
    });
    expect(r).toMatchObject({ ok: true, messageKey: "imap.ok", idle: true });
    if (!r.ok) return;
    expect(r.folders.sent).toEqual({ path: "Posta inviata", role: "sent" });
    expect(r.capabilities).toContain("CONDSTORE");
  });

  it("R-CON-6: STARTTLS upgrades the plain port and the session is encrypted", async () => {
    const client = await connectImap(box.account("starttls", "localhost"), {
      allowPrivate: allowLoopback,
      ca: testImap().ca,
    });
    try {
      expect(client.secureConnection || !!client.tls).toBe(true);
    } finally {
      await closeImap(client);
    }
    const r = await testImapConnectivity(box.account("starttls", "localhost"), {
      allowPrivate: allowLoopback,
      ca: testImap().ca,
    });
    expect(r.ok).toBe(true);
  });

  it("R-CON-6: a plain connection works when TLS is explicitly off", async () => {
    const r = await testImapConnectivity(box.account("none"), { allowPrivate: allowLoopback });
    expect(r.ok).toBe(true);
  });

  it("R-CON-6: a wrong password fails at the login step", async () => {
    const r = await testImapConnectivity(
      { ...box.account("implicit", "localhost"), password: "not-the-password" },
      { allowPrivate: allowLoopback, ca: testImap().ca },
    );
    expect(r).toMatchObject({ ok: false, step: "login", messageKey: "imap.login.failed" });
    if (!r.ok) expect(r.detail).not.toContain("not-the-password");
    // The error the engine would classify and log carries no password either.
    const err = await connectImap(
      { ...box.account("none"), password: "not-the-password" },
      { allowPrivate: allowLoopback },
    ).catch((e: unknown) => e);
    expect(inspect(classifyImapError(err), { depth: 8 })).not.toContain("not-the-password");
    expect(classifyImapError(err).kind).toBe("auth");
  });

  it("R-CON-6: a closed port fails at the connection step as refused", async () => {
    const port = await closedPort();
    const r = await testImapConnectivity(
      { ...box.account("none"), port },
      { allowPrivate: allowLoopback, connectTimeoutMs: 3000 },
    );
    expect(r).toMatchObject({ ok: false, step: "connect", messageKey: "imap.connect.refused" });
  });

  it("R-CON-6: an unknown host fails at the name lookup step", async () => {
    const r = await testImapConnectivity(
      { ...box.account("implicit"), host: "imap.no-such-host.invalid" },
      { allowPrivate: allowLoopback },
    );
    expect(r).toMatchObject({ ok: false, step: "lookup", messageKey: "imap.lookup.notFound" });
  });

  it("R-CON-6: a self-signed certificate that is not trusted fails at the TLS step", async () => {
    const r = await testImapConnectivity(box.account("implicit", "localhost"), {
      allowPrivate: allowLoopback,
    });
    expect(r).toMatchObject({ ok: false, step: "tls", messageKey: "imap.tls.certificate" });
    const insecure = await testImapConnectivity(box.account("implicit", "localhost"), {
      allowPrivate: allowLoopback,
      tlsInsecure: true,
    });
    expect(insecure.ok).toBe(true);
  });

  it("R-CON-6: a certificate for another name fails at the TLS step", async () => {
    const r = await testImapConnectivity(box.account("implicit", "imap.elsewhere.example"), {
      allowPrivate: allowLoopback,
      ca: testImap().ca,
      lookup: async () => [{ address: "127.0.0.1" }],
    });
    expect(r).toMatchObject({ ok: false, step: "tls", messageKey: "imap.tls.certificate" });
  });

  it("R-CON-6: implicit TLS against the plain port fails at the TLS step", async () => {
    const r = await testImapConnectivity(
      { ...box.account("implicit", "localhost"), port: testImap().plainPort },
      { allowPrivate: allowLoopback, ca: testImap().ca, connectTimeoutMs: 3000 },
    );
    expect(r).toMatchObject({ ok: false, step: "tls", messageKey: "imap.tls.handshake" });
  });
});

describe("IMAP connectivity test: capabilities (R-CON-6)", () => {
  it("R-CON-6: a server that does not speak IMAP4rev1 after login fails at the capability step", async () => {
    const old = await newMailbox({ capability: "IMAP2" });
    const r = await testImapConnectivity(old.account("none"), { allowPrivate: allowLoopback });
    expect(r).toMatchObject({ ok: false, step: "capability", messageKey: "imap.capability.missing" });
  });

  it("R-CON-6: a server without IDLE still passes; the answer says new mail will be polled", async () => {
    const noIdle = await newMailbox({ capability: "IMAP4rev1" });
    const r = await testImapConnectivity(noIdle.account("none"), { allowPrivate: allowLoopback });
    expect(r).toMatchObject({ ok: true, idle: false });
  });
});

describe("private addresses (SSRF)", () => {
  it("a name resolving to loopback is refused when private hosts are not allowed", async () => {
    const r = await testImapConnectivity(box.account("implicit", "localhost"), {
      allowPrivate: noPrivateHosts,
      ca: testImap().ca,
    });
    expect(r).toMatchObject({ ok: false, step: "lookup", messageKey: "imap.lookup.privateAddress" });
  });

  it("a public-looking name whose DNS answer is 127.0.0.1 is refused, and never connected to", async () => {
    let connected = false;
    const server = net.createServer((s) => {
      connected = true;
      s.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expect(
        connectImap(
          { ...box.account("none"), host: "mail.attacker.example", port },
          { allowPrivate: noPrivateHosts, lookup: async () => [{ address: "127.0.0.1" }] },
        ),
      ).rejects.toMatchObject({ name: "HostLookupError", reason: "private-address" });
      expect(connected).toBe(false);
    } finally {
      server.close();
    }
  });

  it("an IPv4 loopback written as IPv6 is refused too", async () => {
    const r = await testImapConnectivity(
      { ...box.account("none"), host: "::ffff:127.0.0.1" },
      { allowPrivate: noPrivateHosts },
    );
    expect(r).toMatchObject({ ok: false, step: "lookup", messageKey: "imap.lookup.privateAddress" });
  });
});

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
