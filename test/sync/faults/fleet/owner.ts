// A fleet connection's owner: a Concilia user with an API token and one CRM person, made through the
// API process, whose address makes mail "with a CRM participant" (R-MAIL-1) and events "with a person".
import { and, eq, inArray } from "drizzle-orm";
import { createApiToken } from "../../../../server/auth/tokens.js";
import { createUser } from "../../../../server/crm/users.js";
import { activities } from "../../../../server/db/schema.js";
import { type Audit, expectStatus, type FleetWorld } from "./kinds.js";

export interface Owner {
  userId: string;
  token: string;
  email: string;
  participant: string;
}

export async function newOwner(w: FleetWorld, kind: string): Promise<Owner> {
  const n = w.serial();
  const email = `owner${n}-${kind}@acme.test`;
  const participant = `client${n}@acme-iberia.example`;
  const user = await createUser(w.db, {
    email,
    name: `Owner ${n}`,
    role: "member",
    locale: "en",
    aliases: [],
  });
  const { token } = await createApiToken(w.db, user.id, { name: "fleet", scopes: ["crm"] });
  const r = await w.api(token, "POST", "/api/v1/persons", {
    firstName: "Client",
    lastName: `Number ${n}`,
    emails: [participant],
  });
  expectStatus(r, 201, "person not created");
  return { userId: user.id, token, email, participant };
}

/** A mail kind's change: one to three new messages, delivered by `deliver`. */
export async function newMessages(deliver: (count: number) => unknown): Promise<string> {
  const n = 1 + Math.floor(Math.random() * 3);
  await deliver(n);
  return `${n} new messages`;
}

/**
 * The mail audit: each Message-ID that must be logged is one email activity of the owner; of the
 * Message-IDs the mailbox holds, none other is logged.
 */
export async function auditMail(
  w: FleetWorld,
  userId: string,
  mustLog: string[],
  all: string[],
): Promise<Audit> {
  const rows = all.length
    ? await w.db
        .select({ messageId: activities.messageId })
        .from(activities)
        .where(
          and(
            eq(activities.ownerId, userId),
            eq(activities.type, "email"),
            inArray(activities.messageId, all),
          ),
        )
    : [];
  const logged = new Map<string, number>();
  for (const r of rows) if (r.messageId) logged.set(r.messageId, (logged.get(r.messageId) ?? 0) + 1);
  const want = new Set(mustLog);
  const missing = mustLog.filter((id) => !logged.has(id));
  const doubled = [...logged].filter(([, n]) => n > 1).map(([id]) => id);
  const extra = [...logged.keys()].filter((id) => !want.has(id));
  return {
    expected: mustLog.length,
    missing: missing.length,
    doubled: doubled.length,
    extra: extra.length,
    examples: [...missing, ...doubled, ...extra].slice(0, 3),
  };
}
