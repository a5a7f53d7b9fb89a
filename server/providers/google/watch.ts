// users.watch and users.stop (§4.6). A watch ends after 7 days; Google recommends renewing daily, so a
// watch is due for renewal once it has less than 6 days left: one missed renewal still leaves a day.
import type { GmailClient } from "./client.js";

export interface GmailWatch {
  historyId: string;
  /** Milliseconds since the epoch (the API sends a string). */
  expiration: number;
}

export const GMAIL_WATCH_RENEW_WITHIN_MS = 6 * 86_400_000;

export async function gmailWatch(client: GmailClient, topicName: string): Promise<GmailWatch> {
  const answer = await client.call<{ historyId: string; expiration: string }>(
    "POST",
    "/watch",
    {},
    {
      topicName,
      labelIds: ["INBOX", "SENT"],
      labelFilterBehavior: "INCLUDE",
    },
  );
  return { historyId: String(answer.historyId), expiration: Number(answer.expiration) };
}

export async function gmailStop(client: GmailClient): Promise<void> {
  await client.call("POST", "/stop");
}

export function gmailWatchDue(watch: GmailWatch | null, now = Date.now()): boolean {
  return !watch || watch.expiration - now < GMAIL_WATCH_RENEW_WITHIN_MS;
}

/** Watches (again) when due; the answer is the watch to store. */
export async function renewGmailWatch(
  client: GmailClient,
  topicName: string,
  current: GmailWatch | null,
  now = Date.now(),
) {
  return gmailWatchDue(current, now) ? gmailWatch(client, topicName) : current!;
}
