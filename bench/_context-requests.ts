// The request mix of the context benchmark: five addresses per opened message, mostly of CRM records,
// some unknown (at a known company's domain, at a new domain, or at a free-mail provider), some with
// a display name; half of the messages were logged before. Seeded, so every run asks the same.
import type { ContextDataset } from "./_context-seed.js";

export interface ContextRequest {
  addresses: string[];
  messageId: string;
}

export const ADDRESSES_PER_REQUEST = 5;
export const KNOWN_SHARE = 0.8;

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function contextRequests(data: ContextDataset, count: number, seed = 14): ContextRequest[] {
  const rnd = prng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const out: ContextRequest[] = [];
  for (let i = 0; i < count; i++) {
    const addresses: string[] = [];
    for (let k = 0; k < ADDRESSES_PER_REQUEST; k++) {
      const n = Math.floor(rnd() * 1e9);
      let address: string;
      if (rnd() < KNOWN_SHARE) address = pick(data.knownAddresses);
      else {
        const r = rnd();
        address =
          r < 0.4
            ? `new.contact.${n}@${pick(data.companyDomains)}`
            : r < 0.7
              ? `someone.${n}@startup-${n % 5000}.example`
              : `fan${n}@gmail.com`;
      }
      // A third arrive as the mail client gives them: a display name, and the case the sender typed.
      if (rnd() < 0.33) address = `"Sender ${k}" <${address.replace(/^./, (c) => c.toUpperCase())}>`;
      addresses.push(address);
    }
    const messageId = rnd() < 0.5 ? `<${pick(data.loggedMessageIds)}>` : `<new-${i}-${seed}@mail.example>`;
    out.push({ addresses, messageId });
  }
  return out;
}

export function contextPath(r: ContextRequest): string {
  const qs = r.addresses.map((a) => `address=${encodeURIComponent(a)}`);
  qs.push(`messageId=${encodeURIComponent(r.messageId)}`);
  return `/api/v1/context?${qs.join("&")}`;
}
