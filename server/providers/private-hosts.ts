// Custom mail servers are addresses users type in, so the server must not become a way to reach the
// machines beside it (SSRF). A host is resolved once, every address is checked, and the connection goes
// to the checked address: a name that points at 127.0.0.1 is refused like 127.0.0.1 itself, and a DNS
// answer that changes between the check and the connection cannot slip through.
import dns from "node:dns/promises";
import net from "node:net";

/** CONCILIA_ALLOW_PRIVATE_HOSTS, parsed: host names and address ranges allowed to be private. */
export interface PrivateHostAllowance {
  any: boolean;
  hosts: Set<string>;
  ranges: net.BlockList;
}

/** One entry of CONCILIA_ALLOW_PRIVATE_HOSTS, or why it is not one. */
export function allowanceEntryProblem(entry: string): string | null {
  if (entry === "*") return null;
  const [address, prefix, ...rest] = entry.split("/");
  if (prefix !== undefined) {
    const family = net.isIP(address);
    const bits = Number(prefix);
    if (!family || rest.length || !/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128))
      return `"${entry}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8`;
    return null;
  }
  if (net.isIP(entry)) return null;
  if (
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i.test(
      entry,
    )
  )
    return null;
  return `"${entry}" is not a host name, an IP address, a CIDR range or *`;
}

export function parseAllowance(entries: readonly string[]): PrivateHostAllowance {
  const allowance: PrivateHostAllowance = { any: false, hosts: new Set(), ranges: new net.BlockList() };
  for (const entry of entries) {
    const problem = allowanceEntryProblem(entry);
    if (problem) throw new Error(`CONCILIA_ALLOW_PRIVATE_HOSTS: ${problem}`);
    if (entry === "*") allowance.any = true;
    else if (entry.includes("/")) {
      const [address, prefix] = entry.split("/");
      allowance.ranges.addSubnet(address, Number(prefix), net.isIPv6(address) ? "ipv6" : "ipv4");
    } else if (net.isIP(entry)) allowance.ranges.addAddress(entry, net.isIPv6(entry) ? "ipv6" : "ipv4");
    else allowance.hosts.add(normalizeHost(entry));
  }
  return allowance;
}

export const noPrivateHosts: PrivateHostAllowance = parseAllowance([]);

/** Loopback, private, link-local, CGNAT, unspecified, multicast and reserved ranges (IPv4 and IPv6). */
const nonPublic = new net.BlockList();
for (const [a, p] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  nonPublic.addSubnet(a, p, "ipv4");
for (const [a, p] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fec0::", 10],
] as const)
  nonPublic.addSubnet(a, p, "ipv6");

/** The 16 bytes of an IPv6 address (scope ids dropped). */
function ipv6Bytes(address: string): Buffer {
  let text = address.split("%")[0].toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split(".").map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, null];
  const groups = (s: string) => (s ? s.split(":") : []);
  const left = groups(head);
  const right = tail === null ? [] : groups(tail);
  const all = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  const out = Buffer.alloc(16);
  for (const [i, g] of all.entries()) out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  return out;
}

/**
 * The IPv4 address an IPv6 address carries and reaches: mapped (::ffff:a.b.c.d), translated
 * (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::); null for any other.
 */
function embeddedIpv4(address: string): string | null {
  const b = ipv6Bytes(address);
  const zero = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  const v4 = (at: number) => [...b.subarray(at, at + 4)].join(".");
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && zero(10, 12)) return v4(12);
  if (b.readUInt32BE(0) === 0x0064ff9b && zero(4, 12)) return v4(12);
  if (b.readUInt16BE(0) === 0x2002) return v4(2);
  return null;
}

export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address.split("%")[0]);
  if (family === 4) return !nonPublic.check(address, "ipv4");
  if (family !== 6) return false;
  // An IPv4 address written as IPv6, or reached through a translating gateway, is judged as that
  // IPv4 address: ::ffff:127.0.0.1 and 64:ff9b::10.0.0.1 are as private as 127.0.0.1 and 10.0.0.1.
  const inner = embeddedIpv4(address);
  if (inner) return isPublicAddress(inner);
  return !nonPublic.check(address.split("%")[0], "ipv6");
}

export class HostLookupError extends Error {
  constructor(
    readonly reason: "not-found" | "private-address",
    readonly host: string,
    options?: { cause?: unknown },
  ) {
    super(
      reason === "not-found"
        ? `The name ${host} does not resolve to any address.`
        : `${host} resolves to a private, loopback or link-local address, which this server is not allowed to reach.`,
      options,
    );
    this.name = "HostLookupError";
  }
}

/** Resolves a host and answers the first address it may connect to, or throws HostLookupError. */
export async function resolveAllowedAddress(
  host: string,
  allowance: PrivateHostAllowance,
  lookup: (host: string) => Promise<{ address: string }[]> = (h) => dns.lookup(h, { all: true }),
): Promise<string> {
  const name = normalizeHost(host);
  let addresses: string[];
  if (net.isIP(name)) addresses = [name];
  else {
    try {
      addresses = (await lookup(name)).map((a) => a.address);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOTFOUND" || code === "ENODATA" || code === "ESERVFAIL")
        throw new HostLookupError("not-found", host, { cause: err });
      throw err;
    }
  }
  if (!addresses.length) throw new HostLookupError("not-found", host);
  const allowed = addresses.find((a) => isPublicAddress(a) || isAllowed(name, a, allowance));
  if (!allowed) throw new HostLookupError("private-address", host);
  return allowed;
}

function isAllowed(name: string, address: string, allowance: PrivateHostAllowance): boolean {
  if (allowance.any || allowance.hosts.has(name)) return true;
  return allowance.ranges.check(address, net.isIPv6(address) ? "ipv6" : "ipv4");
}

function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
}
