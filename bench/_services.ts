// Typed access to scripts/services.mjs (plain JS, shared with the test runner).
interface Services {
  startPostgres(): Promise<{ url: string; stop(): void }>;
  /** `value` is `http://127.0.0.1:port/:dir` (TEST_CALDAV's format), `dir` holding the `users` htpasswd file. */
  startRadicale(): Promise<{ value: string; stop(): void }>;
  freePort(): Promise<number>;
  /** `host:plainPort:tlsPort:dir`, TEST_IMAP's format. */
  startDovecot(): Promise<{ value: string; stop(): void }>;
}

const servicesPath: string = "../scripts/services.mjs";

export const services = (await import(servicesPath)) as Services;
