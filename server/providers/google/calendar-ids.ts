// The event id Concilia chooses for its own inserts (§3.6): the CRM event's UUID in base32hex (RFC 4648
// §7, lower case, no padding), which is within Google's id alphabet (a-v, 0-9) and 26 characters long.
// The same CRM event always gets the same id, so an insert repeated after a lost answer is refused with
// 409 instead of making a second event.

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";

export function base32hex(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** The Google event id for a CRM event id (a UUID; any other string is encoded as its UTF-8 bytes). */
export function googleEventIdFor(crmEventId: string): string {
  const hex = crmEventId.replace(/-/g, "");
  const bytes = /^[0-9a-f]{32}$/i.test(hex) ? Buffer.from(hex, "hex") : Buffer.from(crmEventId, "utf8");
  return base32hex(bytes);
}
