// contact_links: which Exchange contact of a connection is which CRM person, company or lead, what both
// last agreed on, and the contacts given up for good (R-X-7, R-X-9).
import { and, eq } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import { type ContactLink, contactLinks } from "../../db/schema.js";
import { newId } from "../../ids.js";
import type { SyncedContact } from "../../reconcile/contacts-types.js";
import type { RecordRef } from "./crm-record.js";

export async function linkOf(tx: Tx, connectionId: string, providerId: string): Promise<ContactLink | null> {
  const [row] = await tx
    .select()
    .from(contactLinks)
    .where(and(eq(contactLinks.connectionId, connectionId), eq(contactLinks.providerId, providerId)));
  return row ?? null;
}

export async function saveLink(
  tx: Tx,
  link: {
    connectionId: string;
    folderId: string;
    providerId: string;
    record: RecordRef;
    changeKey: string;
    lastSynced: SyncedContact;
    pushPending: boolean;
  },
): Promise<void> {
  const now = new Date();
  const { record, ...rest } = link;
  const ids = {
    recordType: record.type,
    personId: record.type === "person" ? record.id : null,
    companyId: record.type === "company" ? record.id : null,
    leadId: record.type === "lead" ? record.id : null,
  };
  await tx
    .insert(contactLinks)
    .values({ id: newId(), ...rest, ...ids, state: "linked", syncedAt: now })
    .onConflictDoUpdate({
      target: [contactLinks.connectionId, contactLinks.providerId],
      set: {
        folderId: link.folderId,
        ...ids,
        changeKey: link.changeKey,
        lastSynced: link.lastSynced,
        pushPending: link.pushPending,
        syncedAt: now,
      },
    });
}

export type IgnoredReason = NonNullable<ContactLink["ignoredReason"]>;

/** Gives a contact up for good: it is neither imported nor written again; nothing is deleted. */
export async function ignoreLink(
  tx: Tx,
  connectionId: string,
  providerId: string,
  reason: IgnoredReason,
  folderId: string,
): Promise<void> {
  await tx
    .insert(contactLinks)
    .values({ id: newId(), connectionId, providerId, folderId, state: "ignored", ignoredReason: reason })
    .onConflictDoUpdate({
      target: [contactLinks.connectionId, contactLinks.providerId],
      set: { state: "ignored", ignoredReason: reason, pushPending: false, syncedAt: new Date() },
    });
}
