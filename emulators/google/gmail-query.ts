import type { GmailMessage } from "./gmail-mailbox.js";

/**
 * The subset of Gmail's search syntax (`q`) a sync engine uses: from:, to:, cc:, subject:,
 * rfc822msgid:, label:, in:, after:/before: (YYYY/MM/DD or epoch seconds), newer_than:/older_than:
 * (d, m, y), negation with `-`, and bare words (matched in subject, addresses and text).
 */
type Term = { negate: boolean; key: string | null; value: string };

function parse(q: string): Term[] {
  const tokens = q.match(/-?(?:\w+:)?(?:"[^"]*"|\S+)/g) ?? [];
  return tokens.map((token) => {
    const negate = token.startsWith("-");
    const body = negate ? token.slice(1) : token;
    const match = /^(\w+):(.*)$/.exec(body);
    const unquote = (s: string) => s.replace(/^"(.*)"$/, "$1").toLowerCase();
    return match
      ? { negate, key: match[1].toLowerCase(), value: unquote(match[2]) }
      : { negate, key: null, value: unquote(body) };
  });
}

function dateValue(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const [y, m, d] = value.split(/[/-]/).map(Number);
  return new Date(y, (m ?? 1) - 1, d ?? 1).getTime();
}

function ageMs(value: string): number {
  const n = Number.parseInt(value, 10);
  const unit = value.slice(-1);
  const day = 86_400_000;
  return n * (unit === "y" ? 365 * day : unit === "m" ? 30 * day : day);
}

function matches(term: Term, m: GmailMessage, now: number): boolean {
  const f = m.facts;
  const addr = (list: { name: string; address: string }[]) =>
    list.some((a) => a.address.includes(term.value) || a.name.toLowerCase().includes(term.value));
  const labels = [...m.labelIds].map((l) => l.toLowerCase());
  switch (term.key) {
    case "from":
      return f.from ? addr([f.from]) : false;
    case "to":
      return addr(f.to);
    case "cc":
      return addr(f.cc);
    case "subject":
      return f.subject.toLowerCase().includes(term.value);
    case "rfc822msgid":
      return f.messageId.toLowerCase().replace(/[<>]/g, "") === term.value.replace(/[<>]/g, "");
    case "label":
    case "in":
      return term.value === "anywhere" || labels.includes(term.value);
    case "after":
      return m.internalDate >= dateValue(term.value);
    case "before":
      return m.internalDate < dateValue(term.value);
    case "newer_than":
      return m.internalDate >= now - ageMs(term.value);
    case "older_than":
      return m.internalDate < now - ageMs(term.value);
    default: {
      const hay = [f.subject, f.text, f.from?.address ?? "", ...f.to.map((a) => a.address)]
        .join(" ")
        .toLowerCase();
      return hay.includes(term.value);
    }
  }
}

export function gmailQuery(q: string, now: number): { test(m: GmailMessage): boolean; anywhere: boolean } {
  const terms = parse(q);
  return {
    anywhere: terms.some((t) => t.key === "in" && t.value === "anywhere"),
    test: (m) => terms.every((t) => matches(t, m, now) !== t.negate),
  };
}
