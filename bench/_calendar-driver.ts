// What the calendar benchmark needs from one provider: its account seeded and changed the way another
// client would (not through the engine), its end state read back in the truth's shape, the requests
// the sync engine made to it, and the fewest requests a sync of the same workload could make.
import type { Db } from "../server/db/index.js";
import type { RequestCounts } from "../test/harness/caldav-proxy.js";
import type { TruthEvent } from "./_calendar-truth.js";
import type { ProviderChange } from "./_calendar-workload.js";

export interface MinimumInput {
  /** Objects the provider holds when the first sync starts. */
  initialObjects: number;
  /** CRM events the first sync writes to the provider. */
  crmCreates: number;
  /** Provider objects changed, made or deleted in the change phase. */
  providerChanged: number;
  /** CRM events changed, made or deleted in the change phase. */
  crmWrites: number;
}

export interface Minimum {
  initial: number;
  changes: number;
  /** How the minimum is counted, for the report. */
  how: string;
}

export interface ProviderDriver {
  available: true;
  key: string;
  label: string;
  /** The account's address (the organizer of its events). */
  account: string;
  /** The provider can tell the server of a change (push), so latency is measured with and without. */
  push: "available" | string;
  /**
   * The truth in the shape this provider can hold, applied to what is expected and to both sides
   * read back (e.g. Graph: a cancelled occurrence and an EXDATE are one thing). Identity by default.
   */
  normalize?(e: TruthEvent): TruthEvent;
  /** The bench's UID of an event the CRM links by the provider's iCalUID (identity by default). */
  fromProviderUid?(uid: string): string;
  /** The provider's iCalUID of a bench UID, as the CRM's link records it (identity by default). */
  toProviderUid?(uid: string): string;
  seed(events: TruthEvent[]): Promise<void>;
  /** The connection row and its secret, as connecting the account leaves them. */
  connect(db: Db, userId: string, key: Buffer): Promise<string>;
  apply(change: ProviderChange, sequence: number): Promise<void>;
  readAll(): Promise<TruthEvent[]>;
  /** The title the provider holds for this UID now (null: no such object). */
  titleOf(uid: string): Promise<string | null>;
  requests: { snapshot(): RequestCounts; reset(): void };
  minimum(input: MinimumInput): Minimum;
  /** Turns push off (latency without push); no-op where there is none. */
  dropPushes(): void;
  close(): Promise<void>;
}

export interface UnavailableDriver {
  available: false;
  key: string;
  label: string;
  reason: string;
}
