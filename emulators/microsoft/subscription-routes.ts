import { json } from "../shared/http.js";
import type { Route } from "../shared/router.js";
import type { GraphCaller, GraphCtx } from "./graph-caller.js";
import type { GraphSubscriptions } from "./subscriptions.js";

/** `/subscriptions` create, list, get, renew (PATCH), reauthorize and delete (§1.9). */
export function subscriptionRoutes(subs: GraphSubscriptions): Route<GraphCaller>[] {
  const base = (ctx: GraphCtx) => `${ctx.url.origin}/v1.0`;
  return [
    {
      method: "POST",
      path: /^\/v1\.0\/subscriptions$/i,
      endpoint: "graph.subscriptions.create",
      auth: true,
      handle: (ctx) => subs.create(ctx, base(ctx)),
    },
    {
      method: "GET",
      path: /^\/v1\.0\/subscriptions$/i,
      endpoint: "graph.subscriptions.list",
      auth: true,
      handle: (ctx) =>
        json({
          "@odata.context": `${base(ctx)}/$metadata#subscriptions`,
          value: [...subs.all.values()]
            .filter((s) => s.account === ctx.account!.email)
            .map((s) => subs.json(s, base(ctx))),
        }),
    },
    {
      method: "GET",
      path: /^\/v1\.0\/subscriptions\/([^/]+)$/i,
      endpoint: "graph.subscriptions.get",
      auth: true,
      handle: (ctx) => {
        const s = subs.owned(ctx, ctx.params[0]);
        return s instanceof Response ? s : json(subs.json(s, base(ctx)));
      },
    },
    {
      method: "PATCH",
      path: /^\/v1\.0\/subscriptions\/([^/]+)$/i,
      endpoint: "graph.subscriptions.update",
      auth: true,
      handle: (ctx) => subs.renew(ctx, ctx.params[0], base(ctx)),
    },
    {
      method: "POST",
      path: /^\/v1\.0\/subscriptions\/([^/]+)\/reauthorize$/i,
      endpoint: "graph.subscriptions.reauthorize",
      auth: true,
      handle: (ctx) => {
        const s = subs.owned(ctx, ctx.params[0]);
        return s instanceof Response ? s : new Response(null, { status: 200 });
      },
    },
    {
      method: "DELETE",
      path: /^\/v1\.0\/subscriptions\/([^/]+)$/i,
      endpoint: "graph.subscriptions.delete",
      auth: true,
      handle: (ctx) => {
        const s = subs.owned(ctx, ctx.params[0]);
        if (s instanceof Response) return s;
        subs.all.delete(s.id);
        return new Response(null, { status: 204 });
      },
    },
  ];
}
