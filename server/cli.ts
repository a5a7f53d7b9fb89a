// `concilia <command>`: one entry point for running and operating Concilia.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";

const help = `Concilia: the CRM in your inbox.

Usage: concilia <command> [options]

Commands:
  serve [--no-demo] [--dev]
                         Start the API server (and, unless CONCILIA_WORKER=off, the job worker).
                         On first start of an empty database it seeds a demo workspace unless --no-demo.
                         --dev turns dev mode on (playground, demo sign-in token) unless CONCILIA_DEV says
                         otherwise; \`npm start\` uses it.
  worker                 Work the job queue only (PostgreSQL: run as many as you like, beside serve).
  migrate                Apply database migrations and exit.
  seed-demo              Add the demo workspace (users, companies, persons, leads, deals, activities).
  user add --email E --name N [--admin] [--password P]
                         Add a Concilia user. The password may also come from CONCILIA_PASSWORD.
  token --user EMAIL [--name N]
                         Dev mode only (CONCILIA_DEV=1): print an API token for that user.
  rotate-key             Re-seal every stored secret with the current key. Embedded default: makes a new
                         key file. PostgreSQL: set the new CONCILIA_SECRET_KEY and the old one in
                         CONCILIA_OLD_SECRET_KEYS, run this, then drop the old key.
  sync run [--user EMAIL] [--connection ID]
                         Run the due sync steps of those connections (all by default) in this process
                         until they rest, and print what each did.
  connections list [--user EMAIL]
                         Every connection with its sync status, last sync, failed items and the names
                         and versions of its credentials (never their values).
  inspect-mail FILE.eml  Print, as JSON, what logging this message would store (stores nothing).
  help                   This text.

Configuration is read from environment variables: see README.md (Configuration).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(help);
    return 0;
  }
  if (command === "inspect-mail") {
    const file = rest[0];
    if (!file) return usage("inspect-mail needs a file: concilia inspect-mail message.eml");
    const { inspectMail } = await import("./mail/inspect.js");
    console.log(JSON.stringify(await inspectMail(fs.readFileSync(file)), null, 2));
    return 0;
  }
  // `npm start` is the try-it-out command: dev mode (playground, demo token) unless configured otherwise.
  if (command === "serve" && rest.includes("--dev")) process.env.CONCILIA_DEV ??= "1";
  const config = loadConfig();
  const log = createLogger(config.CONCILIA_LOG_LEVEL);
  switch (command) {
    case "serve": {
      const { values } = parseArgs({
        args: rest,
        options: { "no-demo": { type: "boolean" }, dev: { type: "boolean" } },
      });
      const { serve } = await import("./serve.js");
      await serve(config, log, { demo: !values["no-demo"] });
      return -1; // keeps running until a signal
    }
    case "worker": {
      const { runWorker } = await import("./worker.js");
      await runWorker(config, log);
      return -1;
    }
    case "migrate":
    case "seed-demo":
    case "user":
    case "token":
    case "rotate-key":
    case "sync":
    case "connections": {
      const { runAdminCommand } = await import("./admin-commands.js");
      return runAdminCommand(config, log, command, rest);
    }
    default:
      return usage(`Unknown command '${command}'.`);
  }
}

function usage(message: string): number {
  console.error(`${message}\n\n${help}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    console.error(err instanceof ConfigError ? err.message : `concilia: ${err?.message ?? err}`);
    process.exit(err instanceof ConfigError ? 78 : 1);
  },
);
