// Fakes of PropertiesService and CacheService with the documented limits (property value 9 KB,
// property store 500 KB; cache key 250 characters, value 100 KB, expiry at most 6 hours).
import { Exception } from "./scopes.js";

export const MAX_PROPERTY_VALUE = 9 * 1024;
export const MAX_PROPERTY_STORE = 500 * 1024;
export const MAX_CACHE_KEY = 250;
export const MAX_CACHE_VALUE = 100 * 1024;
export const MAX_CACHE_SECONDS = 21600;

const bytes = (s: string) => new TextEncoder().encode(s).length;

export function properties(store: Map<string, string>) {
  const size = () => [...store].reduce((n, [k, v]) => n + bytes(k) + bytes(v), 0);
  const self = {
    getProperty: (key: string) => store.get(String(key)) ?? null,
    setProperty(key: string, value: string) {
      const v = String(value);
      if (bytes(v) > MAX_PROPERTY_VALUE) throw new Exception("Argument too large: value");
      const before = store.get(key);
      store.set(String(key), v);
      if (size() > MAX_PROPERTY_STORE) {
        if (before === undefined) store.delete(key);
        else store.set(key, before);
        throw new Exception("You have exceeded the property storage quota.");
      }
      return self;
    },
    deleteProperty(key: string) {
      store.delete(String(key));
      return self;
    },
    getProperties: () => Object.fromEntries(store),
    getKeys: () => [...store.keys()],
    setProperties(values: Record<string, string>) {
      for (const [k, v] of Object.entries(values)) self.setProperty(k, v);
      return self;
    },
    deleteAllProperties() {
      store.clear();
      return self;
    },
  };
  return Object.freeze(self);
}

export interface CacheEntry {
  value: string;
  expiresAt: number;
}

export function cache(store: Map<string, CacheEntry>, now: () => number = Date.now) {
  const get = (key: string) => {
    const e = store.get(String(key));
    if (!e) return null;
    if (e.expiresAt <= now()) {
      store.delete(String(key));
      return null;
    }
    return e.value;
  };
  const put = (key: string, value: string, seconds = 600) => {
    const k = String(key);
    if (k.length > MAX_CACHE_KEY) throw new Exception("Argument too large: key");
    if (bytes(String(value)) > MAX_CACHE_VALUE) throw new Exception("Argument too large: value");
    const ttl = Math.min(Math.max(1, Number(seconds) || 600), MAX_CACHE_SECONDS);
    store.set(k, { value: String(value), expiresAt: now() + ttl * 1000 });
  };
  return Object.freeze({
    get,
    put,
    remove: (key: string) => void store.delete(String(key)),
    getAll: (keys: string[]) =>
      Object.fromEntries(keys.map((k) => [k, get(k)]).filter(([, v]) => v !== null)),
    putAll: (values: Record<string, string>, seconds?: number) => {
      for (const [k, v] of Object.entries(values)) put(k, v, seconds);
    },
    removeAll: (keys: string[]) => {
      for (const k of keys) store.delete(String(k));
    },
  });
}
