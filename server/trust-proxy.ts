// Behind the TLS reverse proxy that Office add-ins require, every request comes from the proxy.
// CONCILIA_TRUST_PROXY says which hops may name the client in X-Forwarded-For, so that req.ip is the
// client's address (the sign-in throttle counts per client) and nobody else can pick their own.
import type { Config } from "./config.js";

type TrustProxy = false | string[] | ((address: string, hop: number) => boolean);

export function fastifyTrustProxy(setting: Config["CONCILIA_TRUST_PROXY"]): TrustProxy {
  if (setting === false) return false;
  if (Array.isArray(setting)) return setting;
  // A number of proxies: trust that many hops from the server's side, whoever they are. Only sound
  // when the server cannot be reached except through them (e.g. it listens on 127.0.0.1).
  return (_address, hop) => hop < setting;
}
