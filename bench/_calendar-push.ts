// Push in the calendar benchmark. Google and Graph post notifications only to an https address, so the
// server runs with CONCILIA_PUBLIC_URL on a made-up https origin and the emulators deliver through this
// relay, which sends what they post to that origin to the server's real loopback address instead. The
// relay can stop delivering notifications (latency "without push"); Graph's subscription handshake
// still goes through, as it is part of creating a subscription, not a notification.
export const PUBLIC_ORIGIN = "https://concilia.bench.test";

export interface PushRelay {
  fetch: typeof fetch;
  /** Notifications delivered to the server so far, per path. */
  delivered: Record<string, number>;
  dropped: number;
  setDelivering(on: boolean): void;
}

export function pushRelay(serverUrl: string): PushRelay {
  let delivering = true;
  const relay: PushRelay = {
    delivered: {},
    dropped: 0,
    setDelivering(on) {
      delivering = on;
    },
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.origin !== PUBLIC_ORIGIN) return fetch(input, init);
      const handshake = url.searchParams.has("validationToken");
      if (!delivering && !handshake) {
        relay.dropped++;
        return new Response(null, { status: 202 });
      }
      relay.delivered[url.pathname] = (relay.delivered[url.pathname] ?? 0) + 1;
      const to = new URL(`${url.pathname}${url.search}`, serverUrl);
      return fetch(input instanceof Request ? new Request(to, input) : to, init);
    }) as typeof fetch,
  };
  return relay;
}
