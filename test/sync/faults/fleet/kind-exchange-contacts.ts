// Exchange contacts through Graph, both ways (R-X-*): contacts the user files in Outlook under the
// category the integration follows must be in the CRM exactly once (one person with the contact's
// address), and every CRM person of the owner must be in Outlook exactly once (one contact with the
// person's address). While the run goes on, contacts and persons are added and edited on both sides.
import { and, eq, isNull } from "drizzle-orm";
import { exchangeIntegrations, persons, recordEmails } from "../../../../server/db/schema.js";
import {
  type Audit,
  type ConnectionKind,
  expectStatus,
  type FleetConnection,
  type FleetWorld,
} from "./kinds.js";
import { connectOauth } from "./oauth-connection.js";
import { ExactlyOnce, editInCrm, pick, seedBothSides, type TwoWaySteps, twoWayChange } from "./two-way.js";

const SCOPE = "openid offline_access Calendars.ReadWrite Contacts.ReadWrite MailboxSettings.ReadWrite";
const CATEGORY = "Clientes";

interface ContactsTruth {
  /** Addresses of the contacts made in Outlook (lower case, one per contact). */
  external: { id: string; email: string }[];
  /**
   * Persons made in the CRM, the owner's own CRM person included (read again from the CRM at each
   * audit: a create whose answer was lost counts too).
   */
  crm: { id: string; email: string }[];
}

const store = (w: FleetWorld, c: FleetConnection) => w.emulators.microsoft.contacts(c.account);

function putExternal(w: FleetWorld, c: FleetConnection) {
  const n = w.serial();
  const email = `outlook${n}@contacts.example`;
  const { id } = store(w, c).seed({
    givenName: "Outlook",
    surname: `Contact ${n}`,
    emailAddresses: [{ address: email, name: `Outlook Contact ${n}` }],
    categories: [CATEGORY],
  });
  (c.truth as ContactsTruth).external.push({ id, email });
}

async function createPerson(w: FleetWorld, c: FleetConnection) {
  const n = w.serial();
  const email = `crm${n}@contacts.example`;
  const { id } = expectStatus(
    await w.api(c.token, "POST", "/api/v1/persons", {
      firstName: "Crm",
      lastName: `Person ${n}`,
      emails: [email],
    }),
    201,
    "person not created",
  );
  (c.truth as ContactsTruth).crm.push({ id, email });
}

const steps: TwoWaySteps = {
  putExternal: { says: "a contact made in Outlook", run: putExternal },
  createCrm: { says: "a person made in the CRM", run: createPerson },
  editExternal: {
    says: "a contact edited in Outlook",
    run: (w, c) =>
      store(w, c).userEdit(pick((c.truth as ContactsTruth).external).id, { jobTitle: `Buyer ${w.serial()}` }),
  },
  editCrm: {
    says: "a person edited in the CRM",
    run: (w, c) =>
      editInCrm(
        w,
        c,
        `/api/v1/persons/${pick((c.truth as ContactsTruth).crm).id}`,
        { title: `Head of purchasing ${w.serial()}` },
        "person not edited",
      ),
  },
};

export const exchangeContactsKind: ConnectionKind = {
  name: "exchange-contacts",
  emulator: "microsoft",
  endpoints: ["graph.*"],
  async seed(w, items) {
    const { owner, connection } = await connectOauth(w, {
      kind: "exchange-contacts",
      provider: "microsoft",
      scope: SCOPE,
      syncs: "calendar",
    });
    const outlook = w.emulators.microsoft.contacts(owner.email);
    outlook.addCategory(CATEGORY, "preset4");
    const [mine] = await w.db
      .select({ id: persons.id })
      .from(persons)
      .where(eq(persons.ownerId, owner.userId));
    const conn: FleetConnection = {
      ...connection,
      seeded: items + 3,
      truth: { external: [], crm: [{ id: mine.id, email: owner.participant }] } satisfies ContactsTruth,
    };
    await seedBothSides(w, conn, steps, items);
    // Activated last, as a user would after the account is connected: the first sync then merges both.
    await w.db.insert(exchangeIntegrations).values({
      connectionId: conn.connectionId,
      categories: [CATEGORY],
      language: "en",
      folderIds: [outlook.defaultFolder.id],
      targetFolderId: outlook.defaultFolder.id,
    });
    return conn;
  },
  change: (w, c) => twoWayChange(w, c, steps),
  async audit(w, c): Promise<Audit> {
    const t = c.truth as ContactsTruth;
    const once = new ExactlyOnce();
    const crm = await w.db
      .select({ id: persons.id, email: recordEmails.email })
      .from(persons)
      .leftJoin(
        recordEmails,
        and(eq(recordEmails.recordId, persons.id), eq(recordEmails.recordType, "person")),
      )
      .where(and(eq(persons.ownerId, c.userId), isNull(persons.mergedInto)));
    const personsWith = new Map<string, Set<string>>();
    for (const r of crm)
      if (r.email)
        personsWith.set(
          r.email.toLowerCase(),
          (personsWith.get(r.email.toLowerCase()) ?? new Set()).add(r.id),
        );
    // The CRM side's truth is the CRM itself: every person not brought in from Outlook.
    const fromOutlook = new Set(t.external.map((e) => e.email));
    const made = new Map<string, string>();
    for (const r of crm)
      if (r.email && !fromOutlook.has(r.email.toLowerCase())) made.set(r.id, r.email.toLowerCase());
    const lost = t.crm.filter((p) => !made.has(p.id));
    t.crm = [...made].map(([id, email]) => ({ id, email }));
    const contacts = [...store(w, c).contacts.values()];
    const contactsWith = new Map<string, number>();
    for (const k of contacts)
      for (const e of (k.fields.emailAddresses as { address: string }[] | undefined) ?? [])
        contactsWith.set(e.address.toLowerCase(), (contactsWith.get(e.address.toLowerCase()) ?? 0) + 1);
    // Outlook → CRM: one person per contact filed under the category.
    for (const e of t.external)
      once.count(personsWith.get(e.email)?.size ?? 0, `Outlook contact ${e.email} in the CRM`);
    // CRM → Outlook: one contact per person made in the CRM.
    for (const e of t.crm) once.count(contactsWith.get(e.email) ?? 0, `CRM person ${e.email} in Outlook`);
    // Nothing else: no person the run did not account for, no stray contact.
    const people = new Set(crm.map((r) => r.id)).size;
    const expected = t.external.length + t.crm.length;
    const extra = Math.max(0, people - expected) + Math.max(0, contacts.length - expected);
    if (extra)
      once.examples.push(`${people} CRM persons, ${contacts.length} Outlook contacts, ${expected} expected`);
    // The persons the run made are still there (a sync must not lose one).
    once.missing += lost.length;
    for (const p of lost) once.examples.unshift(`CRM person ${p.email} is gone`);
    return once.audit(expected, extra);
  },
};
