// What the fixture and corpus tests read of a message: inspectMail's answer (what the ingest pipeline
// would store), typed for the fields they check.
import { createHash } from "node:crypto";
import { inspectMail } from "../../server/mail/inspect.js";

export interface Inspected {
  messageId: string;
  syntheticMessageId: boolean;
  subject: string;
  date: string | null;
  from: { name?: string; address: string } | null;
  sender: { address: string } | null;
  to: { name?: string; address: string }[];
  references: string[];
  html: string | null;
  text: string;
  attachments: {
    filename: string;
    contentType: string;
    size: number;
    sha256: string;
    inline: boolean;
    contentId: string | null;
  }[];
  notes: string[];
}

export const inspectRaw = async (raw: Buffer) => (await inspectMail(raw)) as Inspected;

/** The attachments' file names, in order. */
export const names = (m: Inspected) => m.attachments.map((a) => a.filename);

export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
