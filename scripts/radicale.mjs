// Starts the tests' Radicale by hand (the same code `npm test` uses) and prints the TEST_CALDAV value; the
// server runs until this script is stopped (Ctrl-C), then it is stopped and its folder removed.
import { startRadicale } from "./services.mjs";

const radicale = await startRadicale();
console.log(`TEST_CALDAV=${radicale.value}`);
const stop = () => {
  radicale.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => {}, 1 << 30);
