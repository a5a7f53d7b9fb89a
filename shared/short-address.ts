// Long email addresses are cut the same way in both sidebars: the domain says who it is, so it is kept
// and the mailbox part gives way; only a domain that alone is too long is cut in its middle.
export const SHORT_ADDRESS_LENGTH = 30;

export function shortAddress(address: string, max = SHORT_ADDRESS_LENGTH): string {
  const chars = [...address];
  if (chars.length <= max) return address;
  const at = address.lastIndexOf("@");
  const local = [...address.slice(0, Math.max(at, 0))];
  const domain = [...address.slice(at + 1)];
  // Keep at least 4 characters of the mailbox part before the ellipsis.
  const room = max - domain.length - 2;
  if (at > 0 && room >= 4) return `${local.slice(0, room).join("")}…@${domain.join("")}`;
  const head = Math.ceil((max - 1) / 2);
  return `${chars.slice(0, head).join("")}…${chars.slice(chars.length - (max - 1 - head)).join("")}`;
}
