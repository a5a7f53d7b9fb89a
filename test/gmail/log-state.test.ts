// R-MAIL-8 in the Gmail card: whether the open message is logged (by hand or by mail sync) and if not,
// why, in the user's language; R-MAIL-3: the card offers no way to change or delete logged mail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardText, clickables } from "../../dev/gmail-emulator/card-json.js";
import type { DemoMessage } from "../../dev/gmail-emulator/demo-messages.js";
import { authenticate } from "../../server/auth/authenticate.js";
import type { AuthUser } from "../../server/auth/user.js";
import { createConnection } from "../../server/connections/connections.js";
import { ingestAutomatic } from "../../server/mail/auto-log.js";
import { type GmailWorld, startGmailWorld } from "./setup.js";

const message = (n: number, m: Partial<DemoMessage>): DemoMessage => ({
  id: `18f0c0de0002${String(n).padStart(4, "0")}`,
  threadId: `18f0c0de0002${String(n).padStart(4, "0")}`,
  messageId: `<log-state-${n}@mail.example>`,
  label: "",
  from: "Giulia Rossi <giulia.rossi@borealis.example>",
  to: ["Sara Ventas <sara@concilia.demo>"],
  cc: [],
  subject: "Pilota",
  date: new Date("2026-11-24T09:30:00Z"),
  text: "Ciao Sara",
  ...m,
});
const SYNCED = message(1, { subject: "Pilota: calendario" });
const NEWSLETTER = message(2, { subject: "Borealis news" });
const PARTNER = message(3, { from: "Nina Weber <nina.weber@nordlicht.example>", subject: "Pricing" });
const STRANGER = message(4, { from: "Ugo Sconosciuto <ugo@sconosciuto.example>", subject: "Domanda" });
const WAITING = message(5, { subject: "Call next week" });

/** The message as the provider hands it to mail sync: same Message-ID as the one the card opens. */
const raw = (m: DemoMessage, extra: string[] = []) =>
  Buffer.from(
    [
      `From: ${m.from}`,
      `To: ${m.to.join(", ")}`,
      `Subject: ${m.subject}`,
      `Message-ID: ${m.messageId}`,
      "Date: Tue, 24 Nov 2026 10:30:00 +0100",
      ...extra,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      m.text,
      "",
    ].join("\r\n"),
  );
const meta = { source: "gmail", providerId: "18f0c0de", folderRole: "inbox" } as const;

let w: GmailWorld;
let sara: AuthUser;
beforeAll(async () => {
  w = await startGmailWorld({ messages: [SYNCED, NEWSLETTER, PARTNER, STRANGER, WAITING] });
  const user = await authenticate(w.server.ctx, `Bearer ${w.saraToken}`);
  if (!user) throw new Error("Sara's token is not accepted");
  sara = user;
});
afterAll(async () => {
  await w?.close();
});

const labels = (card: Parameters<typeof clickables>[0]) => clickables(card).map((c) => c.label);

describe("Gmail card: logged state (R-MAIL-8)", () => {
  it("R-MAIL-8 / R-MAIL-3: a message mail sync logged says so, read-only, with no Log email and nothing to edit or delete", async () => {
    expect((await ingestAutomatic(w.server.ctx, sara, raw(SYNCED), meta)).outcome).toBe("logged");
    const sb = w.sidebar();
    await sb.openMessage(SYNCED.id);
    expect(cardText(sb.card)).toMatch(
      /Logged in Concilia \| Logged on [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M · Logged automatically by mail sync; read-only/,
    );
    expect(labels(sb.card)).not.toContain("Log email");
    expect(labels(sb.card).join(" | ")).not.toMatch(/edit|delete|remove/i);
  });

  it("R-MAIL-8: a message mail sync skipped as automated names the header; Log email still logs it, and the card then says by hand", async () => {
    const r = await ingestAutomatic(
      w.server.ctx,
      sara,
      raw(NEWSLETTER, ["List-Id: Borealis news <news.borealis.example>"]),
      meta,
    );
    expect(r).toMatchObject({ outcome: "skipped", reason: "automated" });
    const sb = w.sidebar();
    await sb.openMessage(NEWSLETTER.id);
    expect(cardText(sb.card)).toContain(
      "Not logged automatically: sent by a machine (List-Id: Borealis news <news.borealis.example>). You can still log it by hand.",
    );
    const inv = await sb.click("Log email");
    expect(inv.fetches[0].status).toBe(201);
    expect(cardText(sb.card)).toMatch(/Logged on .* · Logged by hand/);
    expect(cardText(sb.card)).not.toContain("Not logged automatically");
  });

  it("R-MAIL-7 / R-MAIL-8: a contact whose domain is on the workspace's never-log list is named on the card", async () => {
    const admin = await w.server.user("boss@concilia.demo", { role: "admin" });
    const put = await w.server.app.inject({
      method: "PUT",
      url: "/api/v1/admin/never-log",
      headers: { authorization: `Bearer ${admin.token}` },
      payload: { entries: ["nordlicht.example"] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const sb = w.sidebar({ locale: "es" });
    await sb.openMessage(PARTNER.id);
    expect(cardText(sb.card)).toContain(
      "No se registra automáticamente: está en una lista de no registrar (nordlicht.example). Puedes registrarlo a mano.",
    );
    expect(labels(sb.card)).toContain("Registrar correo");
  });

  it("R-MAIL-8 / R-SB-6: a sender not in the CRM is explained in Italian", async () => {
    const sb = w.sidebar({ locale: "it" });
    await sb.openMessage(STRANGER.id);
    expect(cardText(sb.card)).toContain(
      "Non registrata: nessuno in questo messaggio è in Concilia. Aggiungi un contatto per registrarla.",
    );
  });

  it("R-MAIL-8: with a mail connection, a message sync has not seen yet says so; without one, nothing is said", async () => {
    const before = w.sidebar();
    await before.openMessage(WAITING.id);
    expect(cardText(before.card)).not.toMatch(/Not logged/);
    await createConnection(w.server.ctx.db, sara.id, {
      provider: "google",
      accountAddress: "sara@concilia.demo",
    });
    const sb = w.sidebar();
    await sb.openMessage(WAITING.id);
    expect(cardText(sb.card)).toContain("Not logged yet: mail sync has not reached this message.");
    expect(labels(sb.card)).toContain("Log email");
  });
});
