// Typed access to scripts/services.mjs (plain JS, shared with the test runner).
interface Services {
  startPostgres(options?: { preload?: string[] }): Promise<{ url: string; stop(): void }>;
  /** `value` is `http://127.0.0.1:port/:dir` (TEST_CALDAV's format), `dir` holding the `users` htpasswd file. */
  startRadicale(): Promise<{ value: string; stop(): void }>;
  freePort(): Promise<number>;
  /** `host:plainPort:tlsPort:dir`, TEST_IMAP's format. */
  startDovecot(): Promise<{ value: string; stop(): void }>;
}

const servicesPath: string = "../scripts/services.mjs";

export const services = (await import(servicesPath)) as Services;

/**
 * A throwaway PostgreSQL, plus Dovecot and Radicale unless TEST_IMAP / TEST_CALDAV already name running
 * ones (set here for the fleet's kinds); `stop` ends what this started, in reverse order.
 */
export async function fleetServices(
  postgresOptions: { preload?: string[] } = {},
): Promise<{ databaseUrl: string; stop(): void }> {
  const stops: (() => void)[] = [];
  const stop = () => {
    for (const s of stops.reverse()) s();
  };
  try {
    const postgres = await services.startPostgres(postgresOptions);
    stops.push(() => postgres.stop());
    if (!process.env.TEST_IMAP) {
      const dovecot = await services.startDovecot();
      stops.push(() => dovecot.stop());
      process.env.TEST_IMAP = dovecot.value;
    }
    if (!process.env.TEST_CALDAV) {
      const radicale = await services.startRadicale();
      stops.push(() => radicale.stop());
      process.env.TEST_CALDAV = radicale.value;
    }
    return { databaseUrl: postgres.url, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
