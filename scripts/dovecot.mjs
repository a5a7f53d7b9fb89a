// Starts the tests' Dovecot by hand (the same code `npm test` uses) and prints the TEST_IMAP value; the
// server runs until this script is stopped (Ctrl-C), then it is stopped and its folder removed.
import { startDovecot } from "./services.mjs";

const dovecot = await startDovecot();
console.log(`TEST_IMAP=${dovecot.value}`);
const stop = () => {
  dovecot.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => {}, 1 << 30);
