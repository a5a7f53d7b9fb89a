// Pure checks of the IMAP provider: how failures map to the sync engine's classes, the account choices
// that are refused (R-CON-4, R-CON-5, R-CON-7), and the private-address policy and its configuration.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/config.js";
import {
  refuseICloudAddress,
  refuseImapScope,
  refuseMailProtocol,
} from "../../../server/providers/imap/account-rules.js";
import { classifyImapError, UidValidityChanged } from "../../../server/providers/imap/errors.js";
import { findFolders } from "../../../server/providers/imap/folders.js";
import {
  HostLookupError,
  isPublicAddress,
  noPrivateHosts,
  parseAllowance,
  resolveAllowedAddress,
} from "../../../server/providers/private-hosts.js";
import { SyncError } from "../../../server/sync/errors.js";
import { mailAccountMessages } from "../../../shared/mail-account-messages.js";

const imapError = (fields: Record<string, unknown>) => Object.assign(new Error("Command failed"), fields);

describe("IMAP failures as sync error classes", () => {
  it.each([
    [imapError({ authenticationFailed: true, serverResponseCode: "AUTHENTICATIONFAILED" }), "auth"],
    [imapError({ code: "ECONNREFUSED" }), "temporary"],
    [imapError({ code: "ECONNRESET" }), "temporary"],
    [imapError({ code: "NoConnection" }), "temporary"],
    [imapError({ code: "CONNECT_TIMEOUT" }), "temporary"],
    [imapError({ code: "ETHROTTLE", throttleReset: 12_000 }), "throttled"],
    [imapError({ serverResponseCode: "UNAVAILABLE" }), "throttled"],
    [imapError({ mailboxMissing: true }), "not-found"],
    [imapError({ serverResponseCode: "NONEXISTENT" }), "not-found"],
    [new HostLookupError("not-found", "imap.gone.example"), "not-found"],
    [new UidValidityChanged("INBOX", "1", "2"), "cursor-rejected"],
    [new Error("something else"), "unknown"],
  ])("%s is %s", (err, kind) => {
    const classified = classifyImapError(err);
    expect(classified).toBeInstanceOf(SyncError);
    expect(classified.kind).toBe(kind);
    expect(classified.cause).toBe(err);
  });

  it("a throttled server's back-off is passed on, or a minute when it names none", () => {
    expect(classifyImapError(imapError({ code: "ETHROTTLE", throttleReset: 12_000 })).retryAfterMs).toBe(
      12_000,
    );
    expect(classifyImapError(imapError({ serverResponseCode: "UNAVAILABLE" })).retryAfterMs).toBe(60_000);
    expect(classifyImapError(imapError({ code: "ECONNRESET" })).retryAfterMs).toBeUndefined();
  });
});

describe("refused account choices", () => {
  it("R-CON-5: POP3 is refused with the reason", () => {
    for (const p of ["pop3", "POP3", "pop3s"]) {
      const r = refuseMailProtocol(p);
      expect(r).toMatchObject({ rule: "R-CON-5", field: "protocol", messageKey: "account.pop3Unsupported" });
      expect(r?.detail).toMatch(/deletes messages/);
    }
    expect(refuseMailProtocol("imap")).toBeNull();
    expect(mailAccountMessages.es["account.pop3Unsupported"]).toMatch(/POP3 no es compatible/);
    expect(mailAccountMessages.it["account.pop3Unsupported"]).toMatch(/POP3 non è supportato/);
  });

  it("R-CON-4: IMAP with calendar or both is refused; email is fine", () => {
    expect(refuseImapScope("calendar")).toMatchObject({
      rule: "R-CON-4",
      messageKey: "account.imapCalendar",
    });
    expect(refuseImapScope("both")).toMatchObject({ rule: "R-CON-4", field: "scope" });
    expect(refuseImapScope("email")).toBeNull();
  });

  it("R-CON-7: an iCloud account must be one of the user's own addresses", () => {
    expect(refuseICloudAddress("Ana@iCloud.com ", ["ana@icloud.com", "ana@work.example"])).toBeNull();
    expect(refuseICloudAddress("other@icloud.com", ["ana@icloud.com"])).toMatchObject({
      rule: "R-CON-7",
      messageKey: "account.icloudAddressMismatch",
    });
  });

  it("every message key has a text in en, es and it", () => {
    const keys = Object.keys(mailAccountMessages.en).sort();
    for (const locale of ["es", "it"] as const) {
      expect(Object.keys(mailAccountMessages[locale]).sort()).toEqual(keys);
      for (const k of keys)
        expect(mailAccountMessages[locale][k as keyof typeof mailAccountMessages.en]).not.toBe("");
    }
  });
});

describe("private addresses (SSRF)", () => {
  it.each([
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.20.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["::1", false],
    ["fe80::1", false],
    ["fd12:3456::1", false],
    ["::ffff:10.0.0.1", false],
    ["93.184.215.14", true],
    ["2606:4700::1111", true],
  ])("%s public: %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it("a private answer is refused unless its name, its range or everything is allowed", async () => {
    const lookup = async () => [{ address: "10.0.0.5" }];
    await expect(resolveAllowedAddress("mail.corp.example", noPrivateHosts, lookup)).rejects.toMatchObject({
      reason: "private-address",
    });
    for (const allowed of [["mail.corp.example"], ["10.0.0.0/8"], ["10.0.0.5"], ["*"]])
      expect(await resolveAllowedAddress("mail.corp.example", parseAllowance(allowed), lookup)).toBe(
        "10.0.0.5",
      );
    await expect(
      resolveAllowedAddress("mail.corp.example", parseAllowance(["192.168.0.0/16"]), lookup),
    ).rejects.toBeInstanceOf(HostLookupError);
    // A mixed answer connects to the public address.
    expect(
      await resolveAllowedAddress("mixed.example", noPrivateHosts, async () => [
        { address: "127.0.0.1" },
        { address: "93.184.215.14" },
      ]),
    ).toBe("93.184.215.14");
  });

  it("CONCILIA_ALLOW_PRIVATE_HOSTS is validated at start-up", () => {
    expect(
      loadConfig({ CONCILIA_ALLOW_PRIVATE_HOSTS: "localhost, 10.0.0.0/8, fd00::/8" })
        .CONCILIA_ALLOW_PRIVATE_HOSTS,
    ).toEqual(["localhost", "10.0.0.0/8", "fd00::/8"]);
    expect(loadConfig({}).CONCILIA_ALLOW_PRIVATE_HOSTS).toEqual([]);
    expect(() => loadConfig({ CONCILIA_ALLOW_PRIVATE_HOSTS: "10.0.0.0/33" })).toThrow(
      /CONCILIA_ALLOW_PRIVATE_HOSTS/,
    );
    expect(() => loadConfig({ CONCILIA_ALLOW_PRIVATE_HOSTS: "not a host!" })).toThrow(/not a host name/);
  });
});

describe("Sent folder without SPECIAL-USE (R-MAIL-6)", () => {
  // A server's LIST answer as imapflow gives it; Dovecot always offers SPECIAL-USE, so the fallback is
  // shown on the listing alone.
  const listing = (paths: [string, string[]][]) =>
    paths.map(([path, flags]) => ({ path, name: path, delimiter: "/", flags: new Set(flags), listed: true }));
  const server = (capabilities: string[], paths: [string, string[]][]) =>
    ({
      capabilities: new Map(capabilities.map((c) => [c, true])),
      list: async () => listing(paths),
    }) as unknown as Parameters<typeof findFolders>[0];

  it("R-MAIL-6: only a server without SPECIAL-USE has its Sent folder found by a well-known name", async () => {
    const old = server(
      ["IMAP4rev1"],
      [
        ["INBOX", []],
        ["Sent Items", []],
        ["Archive", []],
      ],
    );
    expect(await findFolders(old)).toEqual({
      inbox: { path: "INBOX", role: "inbox" },
      sent: { path: "Sent Items", role: "sent" },
      sentFoundBy: "name",
    });
    // With SPECIAL-USE, a folder merely called "Sent" is not the Sent folder.
    const modern = server(
      ["IMAP4rev1", "SPECIAL-USE"],
      [
        ["INBOX", []],
        ["Sent", []],
      ],
    );
    expect(await findFolders(modern)).toMatchObject({ sent: null, sentFoundBy: null });
  });
});
