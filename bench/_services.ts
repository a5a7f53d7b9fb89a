// Typed access to scripts/services.mjs (plain JS, shared with the test runner).
interface Services {
  startPostgres(): Promise<{ url: string; stop(): void }>;
  /** `host:plainPort:tlsPort:dir`, TEST_IMAP's format. */
  startDovecot(): Promise<{ value: string; stop(): void }>;
  /** `http://host:port/:dir`, TEST_CALDAV's format. */
  startRadicale(): Promise<{ value: string; stop(): void }>;
  freePort(): Promise<number>;
  /** `host:plainPort:tlsPort:dir`, as TEST_IMAP */
  startDovecot(): Promise<{ value: string; stop(): void }>;
}

const servicesPath: string = "../scripts/services.mjs";

export const services = (await import(servicesPath)) as Services;
