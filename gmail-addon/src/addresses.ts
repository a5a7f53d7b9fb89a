// Address lists as GmailMessage.getTo()/getCc() return them: `"López, Ana" <ana@x>, bob@y`.

export interface Mailbox {
  name: string;
  address: string;
}

/** Splits on commas outside quotes and angle brackets. */
function splitList(list: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  let angle = false;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === "\\" && quoted) {
      current += c + (list[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (c === "<" && !quoted) angle = true;
    else if (c === ">" && !quoted) angle = false;
    if ((c === "," || c === ";") && !quoted && !angle) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseMailbox(text: string): Mailbox | null {
  const m = /^(.*?)<([^<>]+)>\s*$/.exec(text);
  const address = (m ? m[2] : text).trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) return null;
  const name = m
    ? m[1]
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .replace(/\\(.)/g, "$1")
        .trim()
    : "";
  return { name, address };
}

export function parseAddressList(list: string | null | undefined): Mailbox[] {
  if (!list) return [];
  return splitList(list)
    .map(parseMailbox)
    .filter((m): m is Mailbox => m !== null);
}

/** `Name <a@b>` as the context endpoint takes it (the name feeds the create-contact suggestion). */
export function formatMailbox(m: Mailbox): string {
  const name = m.name.replace(/[<>"]/g, "").trim();
  return name ? `${name} <${m.address}>` : m.address;
}

/** Sender first, then To and Cc, each address once. */
export function uniqueMailboxes(groups: Mailbox[][]): Mailbox[] {
  const seen: Record<string, true> = {};
  const out: Mailbox[] = [];
  for (const group of groups)
    for (const m of group) {
      const key = m.address.toLowerCase();
      if (seen[key]) continue;
      seen[key] = true;
      out.push(m);
    }
  return out;
}
