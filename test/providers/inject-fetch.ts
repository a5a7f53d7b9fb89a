// A fetch that delivers to a Concilia test server in-process (fastify inject): the emulators push to it
// as they would over the network, without a listening socket.
import type { FastifyInstance } from "fastify";

export function injectFetch(app: FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const res = await app.inject({
      method: (init.method ?? "GET") as "POST",
      url: url.pathname + url.search,
      headers,
      payload: typeof init.body === "string" ? init.body : undefined,
    });
    return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers: Object.entries(res.headers).map(([k, v]) => [k, String(v)]) as [string, string][],
    });
  }) as typeof fetch;
}
