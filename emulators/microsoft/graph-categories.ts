import { json } from "../shared/http.js";
import type { Route } from "../shared/router.js";
import { CATEGORY_COLORS, type MasterCategoryRecord } from "./contact-store.js";
import { graphError } from "./errors.js";
import { type GraphCaller, type GraphCtx, graphBase } from "./graph-caller.js";
import type { ContactStoreOf } from "./graph-contacts.js";
import { mailboxSettingsAccess } from "./graph-contacts-access.js";

/**
 * Outlook master categories (§2.6): list (no paging links), create (201; a duplicate name answers
 * the store's `duplicateCategory` quirk, 409 `ErrorAlreadyExists` by default [UNV]), get, PATCH of
 * `color` only (`displayName` is immutable through the API: 400), DELETE. Colours are `none` and
 * `preset0`…`preset24`.
 */
const categoryJson = (c: MasterCategoryRecord) => ({ id: c.id, displayName: c.displayName, color: c.color });
const badColor = (color: unknown) =>
  graphError(400, "ErrorInvalidArgument", `The color '${String(color)}' is not a valid category color.`);
const notFound = () =>
  graphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");

export function graphCategoryRoutes(storeOf: ContactStoreOf): Route<GraphCaller>[] {
  const store = (ctx: GraphCtx) => storeOf(ctx.account!.email);
  const body = async (ctx: GraphCtx) =>
    ((await ctx.request.json().catch(() => null)) ?? {}) as Record<string, unknown>;
  const route = (
    method: string,
    path: string,
    endpoint: string,
    handle: (ctx: GraphCtx) => Response | Promise<Response>,
  ): Route<GraphCaller> => ({
    method,
    path: new RegExp(`^/v1\\.0/me/outlook/mastercategories${path}$`, "i"),
    endpoint,
    auth: true,
    handle: (ctx) => mailboxSettingsAccess(ctx, method !== "GET") ?? handle(ctx),
  });
  return [
    route("GET", "", "graph.masterCategories.list", (ctx) =>
      json({
        "@odata.context": `${graphBase(ctx.url)}/$metadata#users('${ctx.account!.mailbox.userId}')/outlook/masterCategories`,
        value: store(ctx).categories.map(categoryJson),
      }),
    ),
    route("POST", "", "graph.masterCategories.create", async (ctx) => {
      const s = store(ctx);
      const b = await body(ctx);
      const name = typeof b.displayName === "string" ? b.displayName : "";
      if (!name.trim()) return graphError(400, "ErrorInvalidArgument", "displayName is required.");
      const color = b.color ?? "none";
      if (!CATEGORY_COLORS.includes(String(color))) return badColor(color);
      if (s.categoryNamed(name)) {
        const { status, code } = s.quirks.duplicateCategory ?? { status: 409, code: "ErrorAlreadyExists" };
        return graphError(status, code, "An object with this name already exists.");
      }
      return json(categoryJson(s.addCategory(name, String(color))), 201);
    }),
    route("GET", "/([^/]+)", "graph.masterCategories.get", (ctx) => {
      const c = store(ctx).category(ctx.params[0]);
      return c ? json(categoryJson(c)) : notFound();
    }),
    route("PATCH", "/([^/]+)", "graph.masterCategories.update", async (ctx) => {
      const c = store(ctx).category(ctx.params[0]);
      if (!c) return notFound();
      const b = await body(ctx);
      if ("displayName" in b && b.displayName !== c.displayName)
        return graphError(400, "ErrorInvalidRequest", "The displayName of a category cannot be changed.");
      if ("color" in b) {
        if (!CATEGORY_COLORS.includes(String(b.color))) return badColor(b.color);
        c.color = String(b.color);
      }
      return json(categoryJson(c));
    }),
    route("DELETE", "/([^/]+)", "graph.masterCategories.delete", (ctx) => {
      const s = store(ctx);
      if (!s.category(ctx.params[0])) return notFound();
      s.deleteCategory(ctx.params[0]);
      return new Response(null, { status: 204 });
    }),
  ];
}
