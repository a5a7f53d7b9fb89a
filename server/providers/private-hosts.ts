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
  ["64:ff9b:1::", 48],
] as const)
  nonPublic.addSubnet(a, p, "ipv6");

export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return !nonPublic.check(address, "ipv4");
  if (family !== 6) return false;
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]);
  return !nonPublic.check(address, "ipv6");
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
