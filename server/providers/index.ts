// The provider adapters this server carries. Importing a provider's folder registers it with the sync
// engine (server/sync/provider.ts registerProvider); add each new provider's import here.
export {};
