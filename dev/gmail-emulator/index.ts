// The emulator's entry for code outside the tests: the playground's Gmail card preview
// (server/api/gmail-preview.ts) imports only this. The emulator's own tests may reach its parts.
export type { AddonHost } from "./addon-host.js";
export { type DemoMessage, demoMessages } from "./demo-messages.js";
export { startGmailAddon } from "./load.js";
export { formValuesFromPost, renderCard, zoneOffsetMinutes } from "./render-html.js";
export { GmailSidebar } from "./sidebar.js";
