// The provider adapters this server carries. Importing a provider's sync-provider.ts registers it with
// the sync engine (server/sync/provider.ts registerProvider); add each new provider's import here.
import "./google/sync-provider.js";
import "./graph/sync-provider.js";
import "./imap/sync-provider.js";
import "./caldav/sync-provider.js";
