/** What tests, benchmarks and the playground import from the emulators. */
export { DEMO_ACCOUNT, seedDemo } from "./demo.js";
export type { AccountFaults, NotificationKnobs, ThrottleKnob } from "./faults.js";
export {
  DEMO_GOOGLE_CLIENT,
  GMAIL_QUOTA_UNITS,
  GOOGLE_ORIGINS,
  GoogleEmulator,
  type GoogleEmulatorOptions,
} from "./google/emulator.js";
export {
  DEMO_MICROSOFT_CLIENT,
  MICROSOFT_ORIGINS,
  MicrosoftEmulator,
  type MicrosoftEmulatorOptions,
} from "./microsoft/emulator.js";
export { type ServedEmulators, type ServeOptions, serveEmulators } from "./serve.js";
