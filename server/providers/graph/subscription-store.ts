// Where each Graph subscription's clientState is kept, to check notifications against. The memory store
// serves one process (and the tests); a deployment with several processes needs a database store with
// the same interface, the clientState sealed by the secret box.
export interface GraphSubscriptionRecord {
  id: string;
  connectionId: string;
  /** The random secret Graph echoes in every notification of this subscription. */
  clientState: string;
  resource: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface GraphSubscriptionStore {
  get(id: string): Promise<GraphSubscriptionRecord | undefined>;
  put(record: GraphSubscriptionRecord): Promise<void>;
  delete(id: string): Promise<void>;
}

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
