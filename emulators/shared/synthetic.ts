import { type Address, formatAddress, type MailFacts } from "./mail.js";

/**
 * Synthetic mail for benchmarks and sync tests: `count` messages, a `share` (0..1) of which have
 * `participant` as sender or recipient. Raw bytes and facts are produced together, so seeding
 * thousands of messages needs no MIME parsing.
 */
export type SyntheticOptions = {
  owner: Address;
  count: number;
  participant?: Address;
  share?: number;
  /** Sent (owner is the sender) instead of received. */
  sent?: boolean;
  start?: Date;
  /** Seed for the deterministic choice of which messages carry the participant. */
  seed?: number;
};

export type SyntheticMail = { raw: Buffer; facts: MailFacts };

function* others(): Generator<Address> {
  for (let i = 0; ; i++) yield { name: `Contact ${i}`, address: `contact${i}@example.net` };
}

export function syntheticMail(options: SyntheticOptions): SyntheticMail[] {
  const share = options.share ?? 0;
  const start = options.start?.getTime() ?? Date.UTC(2026, 0, 1);
  const pool = others();
  const out: SyntheticMail[] = [];
  let carried = 0;
  for (let i = 0; i < options.count; i++) {
    // Spread the participant evenly: message i carries it when the running share falls behind.
    const withParticipant = options.participant !== undefined && carried < Math.round((i + 1) * share);
    if (withParticipant) carried++;
    const other = withParticipant ? options.participant! : pool.next().value;
    const from = options.sent ? options.owner : other;
    const to = options.sent ? other : options.owner;
    const date = new Date(start + i * 60_000);
    const messageId = `<synthetic-${options.seed ?? 0}-${i}-${date.getTime()}@emulator.test>`;
    const subject = `Synthetic message ${i + 1}`;
    const text = `Hello ${to.name || to.address},\r\n\r\nThis is synthetic message ${i + 1}.\r\n`;
    const raw = Buffer.from(
      [
        `From: ${formatAddress(from)}`,
        `To: ${formatAddress(to)}`,
        `Subject: ${subject}`,
        `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
        `Message-ID: ${messageId}`,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 7bit",
        "",
        text,
      ].join("\r\n"),
    );
    out.push({
      raw,
      facts: {
        messageId,
        inReplyTo: null,
        subject,
        from,
        to: [to],
        cc: [],
        date,
        text,
        html: null,
        hasAttachments: false,
      },
    });
  }
  return out;
}
