import { HttpResponse, http, type RequestHandler } from "msw";
import { z } from "zod";
import { accountIn, accountRoutes, noContent, parse, problem } from "./admin-http.js";
import type { AccountFaults, Faults } from "./faults.js";
import type { RequestCounter } from "./shared/counters.js";
import type { PushOutbox } from "./shared/push.js";

/**
 * The admin route of a served emulator (`/__emulator/…`): the same knobs and ground truth the
 * typed API gives in-process, for tests and benchmarks that run the emulator in another process.
 */
export type Controllable = {
  faults: Faults;
  counter: RequestCounter;
  outbox: PushOutbox;
  consent: "approve" | "deny" | "prompt";
  accounts(): string[];
  invalidateCursors(email: string): void;
  expireAccessTokens(email: string): void;
  revokeTokens(email: string, cause?: "consent" | "password" | "inactivity"): void;
  /** Seeds a raw message into a folder (Graph) or with labels (Gmail). */
  seed(email: string, raw: string, where: string[]): Promise<{ id: string }>;
  /** Messages of an account for comparison with what a sync stored. */
  snapshot(email: string): { id: string; messageId: string; where: string[] }[];
};

const scope = { endpoints: z.array(z.string()).optional(), times: z.number().int().nonnegative().optional() };
const faultsSchema = z
  .object({
    throttle: z
      .object({
        ...scope,
        status: z.union([z.literal(403), z.literal(429), z.literal(503)]),
        retryAfter: z.number().nonnegative().nullable().optional(),
        code: z.string().optional(),
      })
      .optional(),
    serverError: z
      .object({ ...scope, status: z.union([z.literal(500), z.literal(502), z.literal(504)]) })
      .optional(),
    loseResponse: z.object(scope).optional(),
    latencyMs: z.number().nonnegative().optional(),
    maxConcurrent: z.number().int().positive().optional(),
    quota: z.object({ units: z.number().positive(), windowMs: z.number().positive() }).optional(),
    batchConcurrency: z.number().int().positive().optional(),
    notifications: z
      .object({
        drop: z.number().nonnegative().optional(),
        duplicate: z.number().nonnegative().optional(),
        reorder: z.boolean().optional(),
        delayMs: z.number().nonnegative().optional(),
      })
      .optional(),
  })
  .strict() satisfies z.ZodType<AccountFaults>;

const actionSchema = z.object({
  action: z.enum(["invalidateCursors", "expireAccessTokens", "revokeTokens"]),
  cause: z.enum(["consent", "password", "inactivity"]).optional(),
});

const seedSchema = z.object({ raw: z.string().min(1), where: z.array(z.string()).min(1) });

export function adminHandlers(target: Controllable): RequestHandler[] {
  const { plain, withBody } = accountRoutes((email) => accountIn(target.accounts(), email));
  return [
    http.get("/__emulator/accounts", () => HttpResponse.json({ accounts: target.accounts() })),
    http.get("/__emulator/counts", () => HttpResponse.json(target.counter.snapshot())),
    http.delete("/__emulator/counts", () => {
      target.counter.reset();
      return noContent();
    }),
    http.post("/__emulator/notifications/flush", async () => {
      await target.outbox.flush();
      return noContent();
    }),
    http.put("/__emulator/consent", async ({ request }) => {
      const body = await parse(request, z.object({ mode: z.enum(["approve", "deny", "prompt"]) }));
      if (body instanceof Response) return body;
      target.consent = body.mode;
      return noContent();
    }),
    http.put(
      "/__emulator/accounts/:email/faults",
      withBody(faultsSchema, (email, body) => {
        target.faults.set(email, body);
        return noContent();
      }),
    ),
    http.delete(
      "/__emulator/accounts/:email/faults",
      plain((email) => {
        target.faults.clear(email);
        return noContent();
      }),
    ),
    http.post(
      "/__emulator/accounts/:email/actions",
      withBody(actionSchema, (email, body) => {
        if (body.action === "revokeTokens") target.revokeTokens(email, body.cause);
        else target[body.action](email);
        return noContent();
      }),
    ),
    http.post(
      "/__emulator/accounts/:email/messages",
      withBody(seedSchema, async (email, body) => {
        try {
          return HttpResponse.json(await target.seed(email, body.raw, body.where), { status: 201 });
        } catch (error) {
          return problem(400, "Cannot seed", String(error));
        }
      }),
    ),
    http.get(
      "/__emulator/accounts/:email/messages",
      plain((email) => HttpResponse.json({ messages: target.snapshot(email) })),
    ),
  ];
}
