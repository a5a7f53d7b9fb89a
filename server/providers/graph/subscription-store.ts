// Where each Graph subscription is kept, to check its notifications against: only a SHA-256 of the
// clientState is stored (enough to compare, useless to forge a notification with). The database
// store is what the server uses; the memory store serves code that runs without one.
import { eq } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import { graphSubscriptions } from "../../db/schema.js";
import { secretHash } from "../push-secret.js";

export interface GraphSubscriptionRecord {
  id: string;
  connectionId: string;
  /** SHA-256 (hex) of the random secret Graph echoes in every notification of this subscription. */
  clientStateHash: string;
  resource: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface GraphSubscriptionStore {
  get(id: string): Promise<GraphSubscriptionRecord | undefined>;
  put(record: GraphSubscriptionRecord): Promise<void>;
  delete(id: string): Promise<void>;
}

export const clientStateHash = secretHash;

export class MemorySubscriptionStore implements GraphSubscriptionStore {
  private readonly records = new Map<string, GraphSubscriptionRecord>();
  async get(id: string) {
    return this.records.get(id);
  }
  async put(record: GraphSubscriptionRecord) {
    this.records.set(record.id, { ...record });
  }
  async delete(id: string) {
    this.records.delete(id);
  }
}

export function databaseSubscriptionStore(db: Tx): GraphSubscriptionStore {
  return {
    async get(id) {
      const [row] = await db.select().from(graphSubscriptions).where(eq(graphSubscriptions.id, id));
      return row && { ...row, expiresAt: row.expiresAt.getTime() };
    },
    async put(r) {
      const values = { ...r, expiresAt: new Date(r.expiresAt) };
      await db
        .insert(graphSubscriptions)
        .values(values)
        .onConflictDoUpdate({
          target: graphSubscriptions.id,
          set: { expiresAt: values.expiresAt, clientStateHash: r.clientStateHash },
        });
    },
    async delete(id) {
      await db.delete(graphSubscriptions).where(eq(graphSubscriptions.id, id));
    },
  };
}
