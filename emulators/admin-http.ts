import { HttpResponse, type PathParams } from "msw";
import { z } from "zod";

/**
 * What the emulators' admin routes (`/__emulator/…`) answer with: problem+json for an unknown account,
 * a body that does not parse or a ground-truth action the store refuses.
 */
export function problem(status: number, title: string, detail?: unknown): Response {
  return HttpResponse.json(
    { type: "about:blank", title, status, detail },
    { status, headers: { "content-type": "application/problem+json" } },
  );
}

export const noAccount = () => problem(404, "No such account");

export const noContent = () => new HttpResponse(null, { status: 204 });

/** The account a route's `:email` names, lower-cased, when the emulator has it; else null. */
export function accountIn(accounts: string[], email: string | readonly string[] | undefined): string | null {
  const key = String(email ?? "").toLowerCase();
  return accounts.includes(key) ? key : null;
}

type RouteInput = { request: Request; params: PathParams };
type Answer = Response | Promise<Response>;

/**
 * Resolvers of the routes on one account's ground truth, `find` giving what a path's `:email` names
 * (null: 404). `withBody` also reads the JSON body `schema` describes (400 when it does not parse).
 */
export function accountRoutes<A>(find: (email: string | readonly string[] | undefined) => A | null) {
  return {
    plain: (handle: (account: A, r: RouteInput) => Answer) => async (r: RouteInput) => {
      const account = find(r.params.email);
      return account ? handle(account, r) : noAccount();
    },
    withBody:
      <T>(schema: z.ZodType<T>, handle: (account: A, body: T, r: RouteInput) => Answer) =>
      async (r: RouteInput) => {
        const account = find(r.params.email);
        if (!account) return noAccount();
        const body = await parse(r.request, schema);
        return body instanceof Response ? body : handle(account, body, r);
      },
  };
}

/** The JSON body as `schema` reads it, or the 400 answer saying why not. */
export async function parse<T>(request: Request, schema: z.ZodType<T>): Promise<T | Response> {
  const result = schema.safeParse(await request.json().catch(() => undefined));
  return result.success
    ? result.data
    : problem(400, "Invalid body", z.flattenError(result.error as z.ZodError<unknown>));
}

/** Runs a ground-truth action; the stores throw on an unknown item or an invalid body. */
export function attempt(run: () => Response): Response {
  try {
    return run();
  } catch (error) {
    return problem(400, "Cannot apply", String(error));
  }
}
