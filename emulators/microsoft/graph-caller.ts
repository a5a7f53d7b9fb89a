import { json } from "../shared/http.js";
import type { RouteContext } from "../shared/router.js";
import { graphError } from "./errors.js";
import type { GraphMailbox } from "./mailbox.js";

/** The caller of a Graph request, resolved from its access token, and the request's preferences. */
export type GraphCaller = { email: string; scope: string; mailbox: GraphMailbox; clientId: string };

export type GraphCtx = RouteContext<GraphCaller | null>;

const MAIL_SCOPES = ["mail.read", "mail.readbasic", "mail.readwrite"];

export function mailAccess(ctx: GraphCtx): Response | null {
  const scopes = ctx.account!.scope.toLowerCase().split(" ");
  if (scopes.some((s) => MAIL_SCOPES.includes(s.replace(/^https:\/\/graph\.microsoft\.com\//, ""))))
    return null;
  return graphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
}

/** `Prefer` preferences, several per header, comma separated (§1.4). */
export function preferences(request: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const header of request.headers.get("prefer")?.split(",") ?? []) {
    const [name, value = ""] = header.trim().split("=");
    if (name) out.set(name.trim().toLowerCase(), value.trim().replace(/^"|"$/g, ""));
  }
  return out;
}

export function immutableIds(request: Request): boolean {
  return preferences(request).get("idtype")?.toLowerCase() === "immutableid";
}

/** The base Graph links are minted on: the host the request came to (quirk 4). */
export function graphBase(url: URL): string {
  return `${url.origin}/v1.0`;
}

/** A list answer paged with `$top` (10 by default, 1,000 at most) and `$skip`, as Graph pages them. */
export function collection(ctx: GraphCtx, context: string, all: unknown[]): Response {
  const q = ctx.url.searchParams;
  const top = Math.min(Number(q.get("$top") ?? 10) || 10, 1000);
  const skip = Number(q.get("$skip") ?? 0) || 0;
  const body: Record<string, unknown> = {
    "@odata.context": `${graphBase(ctx.url)}/$metadata#${context}`,
    value: all.slice(skip, skip + top),
  };
  if (skip + top < all.length) {
    const next = new URL(ctx.url);
    next.searchParams.set("$skip", String(skip + top));
    body["@odata.nextLink"] = next.toString();
  }
  return json(body);
}
