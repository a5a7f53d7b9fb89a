// The short-lived commands: migrate, seed-demo, user add, token, rotate-key, sync run, connections list.
import { parseArgs } from "node:util";
import { closeContext, createContext } from "./bootstrap.js";
import type { Config } from "./config.js";
import { seedDemo } from "./crm/demo.js";
import { createUser } from "./crm/users.js";
import { migrate, openDatabase } from "./db/index.js";
import type { Logger } from "./log.js";

export async function runAdminCommand(
  config: Config,
  log: Logger,
  command: string,
  args: string[],
): Promise<number> {
  if (command === "migrate") {
    const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
    await migrate(database);
    await database.close();
    console.log("Migrations applied.");
    return 0;
  }
  if (command === "token" && !config.CONCILIA_DEV)
    throw new Error("Dev tokens are switched off: set CONCILIA_DEV=1 (never in production) to issue one.");
  // None of these commands queues a job; the queue is left to the server and the workers.
  const ctx = await createContext(config, log, { jobs: false });
  try {
    switch (command) {
      case "seed-demo": {
        const { users } = await seedDemo(ctx);
        console.log(
          `Demo workspace ready. Users: ${Object.values(users)
            .map((u) => u.email)
            .join(", ")}`,
        );
        return 0;
      }
      case "user": {
        const [sub, ...rest] = args;
        if (sub !== "add")
          throw new Error("Usage: concilia user add --email E --name N [--admin] [--password P]");
        const { values } = parseArgs({
          args: rest,
          options: {
            email: { type: "string" },
            name: { type: "string" },
            admin: { type: "boolean" },
            password: { type: "string" },
            locale: { type: "string" },
          },
        });
        if (!values.email || !values.name) throw new Error("user add needs --email and --name.");
        const password = values.password ?? process.env.CONCILIA_PASSWORD;
        if (password !== undefined && password.length < 8)
          throw new Error("The password must have at least 8 characters.");
        const u = await createUser(ctx.db, {
          email: values.email,
          name: values.name,
          role: values.admin ? "admin" : "member",
          password,
          locale: values.locale,
        });
        console.log(
          `Added ${u.role} ${u.email} (${u.id}).${password ? "" : " No password: sign in with Google or Microsoft."}`,
        );
        return 0;
      }
      case "token": {
        const { values } = parseArgs({
          args,
          options: { user: { type: "string" }, name: { type: "string" } },
        });
        if (!values.user) throw new Error("token needs --user EMAIL.");
        const { issueDevToken } = await import("./auth/dev-token.js");
        const { token } = await issueDevToken(ctx, values.user);
        console.log(token);
        return 0;
      }
      case "sync": {
        const [sub, ...rest] = args;
        if (sub !== "run") throw new Error("Usage: concilia sync run [--user EMAIL] [--connection ID]");
        const { values } = parseArgs({
          args: rest,
          options: { user: { type: "string" }, connection: { type: "string" } },
        });
        const { syncRunCommand } = await import("./sync/commands.js");
        for (const line of await syncRunCommand(ctx, values)) console.log(line);
        return 0;
      }
      case "connections": {
        const [sub, ...rest] = args;
        if (sub !== "list") throw new Error("Usage: concilia connections list [--user EMAIL]");
        const { values } = parseArgs({ args: rest, options: { user: { type: "string" } } });
        const { listConnectionsCommand } = await import("./sync/commands.js");
        for (const line of await listConnectionsCommand(ctx, values)) console.log(line);
        return 0;
      }
      case "rotate-key": {
        const { rotateKey } = await import("./secrets/rotate.js");
        console.log(`Secrets re-sealed: ${JSON.stringify(await rotateKey(ctx.config, ctx.database))}`);
        return 0;
      }
      default:
        throw new Error(`Unknown command '${command}'.`);
    }
  } finally {
    await closeContext(ctx);
  }
}
