// R-CON-10: stopping a connection keeps what was logged. The connection tests log this email by hand
// first: a CRM person, Marta, and a message from her, logged as the sidebar logs it.
import { expect } from "vitest";
import type { TestServer } from "../harness/app.js";
import { logRaw } from "../harness/logged-mail.js";
import { api } from "../sync/mail-e2e.js";

const RAW_MAIL = [
  "From: Marta Núñez <marta.nunez@acme-iberia.example>",
  "To: Ana <ana@acme.test>",
  "Subject: Orden de compra 2027-118",
  "Message-ID: <po-2027-118@acme-iberia.example>",
  "Date: Fri, 20 Nov 2026 09:00:00 +0100",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "Adjunto la orden de compra.",
  "",
].join("\r\n");

/** Marta made a CRM person and her email logged by `who`; the email activity's id. */
export async function logMartasEmail(s: TestServer, who: { token: string }): Promise<string> {
  const marta = await api(s, who, "POST", "/api/v1/persons", {
    firstName: "Marta",
    lastName: "Núñez",
    emails: ["marta.nunez@acme-iberia.example"],
  });
  expect(marta.statusCode).toBe(201);
  const logged = await logRaw(s, who.token, RAW_MAIL);
  expect(logged.statusCode).toBe(201);
  return logged.json().activityId;
}
