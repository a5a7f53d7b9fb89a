// `concilia serve`: the API server, with the job worker in the same process unless CONCILIA_WORKER=off.
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import { createApiToken } from "./auth/tokens.js";
import { closeContext, createContext } from "./bootstrap.js";
import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { seedDemo } from "./crm/demo.js";
import { demoUsers } from "./crm/demo-data.js";
import { findUserByEmail } from "./crm/users.js";
import { users } from "./db/schema.js";
import { startEmulatorsForDev } from "./dev/emulators.js";
import type { Logger } from "./log.js";
import { startWorking } from "./working.js";

export async function serve(
  givenConfig: Config,
  log: Logger,
  opts: {
    demo: boolean;
    /** Routes added before listening; only the benchmarks use it (their in-memory floor). */
    extend?: (app: FastifyInstance, ctx: AppContext) => void;
  },
) {
  // Dev mode without a real OAuth client: Google and Microsoft are the emulators on loopback.
  const { config, emulators } = await startEmulatorsForDev(givenConfig, log);
  // With CONCILIA_WORKER=off separate workers do every job, the queue's maintenance included.
  const ctx = await createContext(config, log, { worksQueue: config.CONCILIA_WORKER === "inline" });
  const empty = (await ctx.db.select({ id: users.id }).from(users).limit(1)).length === 0;
  if (empty && opts.demo) {
    await seedDemo(ctx);
    log.info("seeded the demo workspace");
  }
  if (config.CONCILIA_WORKER === "inline") await startWorking(ctx);
  const app = await buildApp(ctx);
  opts.extend?.(app, ctx);
  await app.listen({ host: config.HOST, port: config.PORT });
  const base = config.publicUrl;
  const lines = [
    "",
    `Concilia is running on ${config.DATABASE_URL ? "PostgreSQL" : `the embedded database in ${config.dataDir}`}.`,
    `  Start:     ${base}/`,
    `  API:       ${base}/api/v1`,
    `  OpenAPI:   ${base}/api/v1/openapi.json`,
    `  Health:    ${base}/healthz  (ready: ${base}/readyz, metrics: ${base}/metrics)`,
    `  Sign-in:   ${base}/auth/login`,
  ];
  if (config.CONCILIA_DEV) {
    const demo = await findUserByEmail(ctx.db, demoUsers[1].email);
    if (demo) {
      const { token } = await createApiToken(ctx.db, demo.id, { name: "dev (concilia serve)" });
      lines.push(
        `  Playground: ${base}/playground/${emulators ? "  (Try sync: connect the demo Google or Microsoft account)" : ""}`,
        `  Dev token for ${demo.email} (dev mode only): ${token}`,
        `  Demo sign-in: ${demoUsers[1].email} / ${demoUsers[1].password}, admin: ${demoUsers[0].email} / ${demoUsers[0].password}`,
      );
    }
  }
  if (emulators)
    lines.push(
      `  Google emulator:    ${emulators.googleUrl}  (admin: ${emulators.googleUrl}/__emulator/counts)`,
      `  Microsoft emulator: ${emulators.microsoftUrl}  (admin: ${emulators.microsoftUrl}/__emulator/counts)`,
      `  Demo mailbox: ${demoUsers[1].email} on both; send a demo message from the playground or POST ${base}/playground/demo-mail`,
    );
  console.log(`${lines.join("\n")}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await app.close(); // stops accepting, lets requests in flight finish
    await closeContext(ctx); // finishes running jobs, then closes the database
    await emulators?.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
