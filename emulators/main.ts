import { DEMO_ACCOUNT, seedDemo } from "./demo.js";
import { DEMO_GOOGLE_CLIENT } from "./google/emulator.js";
import { DEMO_MICROSOFT_CLIENT } from "./microsoft/emulator.js";
import { serveEmulators } from "./serve.js";

/**
 * `npm run emulators`: both emulators on loopback with the demo account seeded. Ports come from
 * EMULATOR_GOOGLE_PORT / EMULATOR_MICROSOFT_PORT (defaults 4010 / 4011; 0 = any free port).
 */
const port = (name: string, fallback: number) => {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
};

const served = await serveEmulators({
  host: process.env.EMULATOR_HOST ?? "127.0.0.1",
  googlePort: port("EMULATOR_GOOGLE_PORT", 4010),
  microsoftPort: port("EMULATOR_MICROSOFT_PORT", 4011),
});
await seedDemo(served.google, served.microsoft);
console.log(`Google emulator    ${served.googleUrl}`);
console.log(`Microsoft emulator ${served.microsoftUrl}`);
for (const [name, value] of Object.entries(served.env)) console.log(`${name}=${value}`);
console.log(`Demo account ${DEMO_ACCOUNT.email} (consent is given automatically)`);
console.log(`Google OAuth client    ${DEMO_GOOGLE_CLIENT.clientId} / ${DEMO_GOOGLE_CLIENT.clientSecret}`);
console.log(
  `Microsoft OAuth client ${DEMO_MICROSOFT_CLIENT.clientId} / ${DEMO_MICROSOFT_CLIENT.clientSecret}`,
);
console.log("Admin route: /__emulator/ on each (see emulators/README.md). Ctrl-C stops.");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    served.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
