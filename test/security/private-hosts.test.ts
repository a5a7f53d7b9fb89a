// SSRF: custom IMAP and CalDAV hosts are addresses users type in. Every spelling of a private,
// loopback or link-local address is refused, also when a DNS name answers it or an IPv6 address
// carries it, unless CONCILIA_ALLOW_PRIVATE_HOSTS names the host or its range. Redirects to private
// addresses are refused by the CalDAV fetch (test/providers/caldav/connectivity.test.ts, "SSRF: a
// redirect to a private address is not followed"), which checks every hop through the same function.
import { describe, expect, it } from "vitest";
import {
  HostLookupError,
  isPublicAddress,
  noPrivateHosts,
  parseAllowance,
  resolveAllowedAddress,
} from "../../server/providers/private-hosts.js";

const privateAddresses = [
  // IPv4
  "127.0.0.1",
  "127.255.255.254",
  "10.0.0.1",
  "172.16.5.4",
  "192.168.0.1",
  "169.254.169.254",
  "100.64.0.1",
  "0.0.0.0",
  "198.18.0.1",
  "224.0.0.1",
  "255.255.255.255",
  // IPv6
  "::1",
  "::",
  "fe80::1",
  "fe80::1%eth0",
  "fd00::1",
  "fc00::1",
  "ff02::1",
  "fec0::1",
  "2001:db8::1",
  "100::1",
  // IPv4 inside IPv6: mapped, both spellings, translated, compatible, NAT64, 6to4
  "::ffff:127.0.0.1",
  "::FFFF:10.0.0.1",
  "0:0:0:0:0:ffff:127.0.0.1",
  "::ffff:7f00:1",
  "::ffff:a9fe:a9fe",
  "::ffff:0:7f00:1",
  "::127.0.0.1",
  "::7f00:1",
  "64:ff9b::10.0.0.1",
  "64:ff9b::7f00:1",
  "64:ff9b:1::1",
  "2002:7f00:1::1",
  "2002:c0a8:101::1",
];
const publicAddresses = [
  "93.184.215.14",
  "8.8.8.8",
  "2606:4700::1111",
  "2001:4860:4860::8888",
  "::ffff:93.184.215.14",
  "64:ff9b::5db8:d70e",
  "2002:5db8:d70e::1",
];

describe("SSRF: private hosts refused (R-CON-6, R-CAL-10)", () => {
  it.each(privateAddresses)("%s is not a public address", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
  it.each(publicAddresses)("%s is a public address", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it("every private spelling typed as the host is refused before any connection, with the reason", async () => {
    for (const address of privateAddresses) {
      const host = address.includes(":") ? `[${address}]` : address;
      await expect(resolveAllowedAddress(host, noPrivateHosts, async () => [])).rejects.toMatchObject({
        reason: "private-address",
      });
    }
  });

  it("a DNS name answering only private addresses, in any spelling, is refused; the lookup is the one check", async () => {
    for (const address of privateAddresses) {
      let lookups = 0;
      const lookup = async () => {
        lookups++;
        return [{ address }];
      };
      const err = await resolveAllowedAddress("mail.evil.example", noPrivateHosts, lookup).catch((e) => e);
      expect(err).toBeInstanceOf(HostLookupError);
      expect(err.message).toMatch(/private, loopback or link-local/);
      expect(lookups).toBe(1);
    }
  });

  it("configuration allows a private host by name, by range (IPv6 ranges too) or entirely", async () => {
    const answer = (address: string) => async () => [{ address }];
    expect(await resolveAllowedAddress("imap.lan", parseAllowance(["imap.lan"]), answer("192.168.1.5"))).toBe(
      "192.168.1.5",
    );
    expect(await resolveAllowedAddress("[fd00::25]", parseAllowance(["fd00::/8"]), answer("x"))).toBe(
      "fd00::25",
    );
    expect(
      await resolveAllowedAddress("imap.lan", parseAllowance(["10.0.0.0/8"]), answer("::ffff:10.1.2.3")),
    ).toBe("::ffff:10.1.2.3");
    expect(await resolveAllowedAddress("localhost", parseAllowance(["*"]), answer("127.0.0.1"))).toBe(
      "127.0.0.1",
    );
    // Allowing one name does not allow another name with the same address.
    await expect(
      resolveAllowedAddress("other.lan", parseAllowance(["imap.lan"]), answer("192.168.1.5")),
    ).rejects.toMatchObject({ reason: "private-address" });
  });
});
