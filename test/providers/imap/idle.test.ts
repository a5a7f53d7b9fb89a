// IMAP push (R-P-2): IDLE on INBOX calls back within seconds of new mail, and survives a dropped connection.
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { type InboxWatch, watchInbox } from "../../../server/providers/imap/idle.js";
import type { SyncError } from "../../../server/sync/errors.js";
import { allowLoopback, message, newMailbox, testImap } from "../../harness/imap.js";

let watch: InboxWatch | null = null;
afterEach(async () => {
  await watch?.stop();
  watch = null;
});

function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (Date.now() > until) reject(new Error(`not within ${ms} ms`));
      else setTimeout(tick, 25);
    };
    tick();
  });
}

describe("IMAP IDLE on INBOX (R-P-2)", () => {
  it("R-P-2: a message APPENDed to INBOX calls back within two seconds", async () => {
    const box = await newMailbox();
    const events: { reason: string; path: string }[] = [];
    watch = await watchInbox(box.account("none"), {
      allowPrivate: allowLoopback,
      onNewMail: (e) => events.push(e),
    });
    expect(watch.mode).toBe("idle");
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual([]);
    // Signed in first: the two seconds are counted from the APPEND, not from a new client's login.
    const client = await box.admin();
    try {
      const appendedAt = Date.now();
      await client.append("INBOX", message("pushed"));
      await waitFor(() => events.length > 0, 2000);
      expect(Date.now() - appendedAt).toBeLessThan(2000);
    } finally {
      await client.logout();
    }
    expect(events[0]).toEqual({ reason: "exists", path: "INBOX" });
  });

  it("R-P-2: after the connection drops it reconnects and calls back, then still hears new mail", async () => {
    const box = await newMailbox();
    const events: { reason: string }[] = [];
    const errors: { kind: string; willRetry: boolean }[] = [];
    watch = await watchInbox(box.account("none"), {
      allowPrivate: allowLoopback,
      onNewMail: (e) => events.push(e),
      onError: (err: SyncError, willRetry) => errors.push({ kind: err.kind, willRetry }),
      reconnectDelaysMs: [100],
    });
    await new Promise((r) => setTimeout(r, 300));
    // The server ends the session, as a restart or an autologout would.
    kickAll(box.username);
    await waitFor(() => events.some((e) => e.reason === "reconnected"), 5000);
    expect(errors.every((e) => e.willRetry)).toBe(true);
    const before = events.length;
    await box.append("INBOX", message("after the reconnect"));
    await waitFor(() => events.length > before && events.at(-1)?.reason === "exists", 3000);
  });

  it("R-P-2: a server without IDLE gets no watcher, and the answer says to poll", async () => {
    const box = await newMailbox({ capability: "IMAP4rev1" });
    watch = await watchInbox(box.account("none"), { allowPrivate: allowLoopback, onNewMail: () => {} });
    expect(watch.mode).toBe("poll");
    expect(watch.pollIntervalMs).toBeGreaterThan(0);
  });

  it("R-P-2: a wrong password is reported at once, not retried in the background", async () => {
    const box = await newMailbox();
    await expect(
      watchInbox(
        { ...box.account("none"), password: "wrong" },
        { allowPrivate: allowLoopback, onNewMail: () => {} },
      ),
    ).rejects.toMatchObject({ authenticationFailed: true });
  });
});

/** Ends the user's sessions from the server side (doveadm kick). */
function kickAll(username: string) {
  execFileSync("/usr/bin/doveadm", ["-c", `${testImap().dir}/dovecot.conf`, "kick", username], {
    stdio: "ignore",
  });
}
