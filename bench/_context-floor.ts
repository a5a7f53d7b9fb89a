// Bench only: the in-memory floor of GET /api/v1/context. The same server, the same authentication,
// query validation, HTTP and JSON serialisation, but each answer is computed once (through the real
// messageContext) and then replayed from memory, with no database work. The context benchmark measures it
// in the same run as the real endpoint: what is left between the two is the database's share.
import type { FastifyInstance } from "fastify";
import { route } from "../server/api/route.js";
import type { AppContext } from "../server/context.js";
import { messageContext } from "../server/crm/context.js";
import { contextQuery, contextResponse } from "../shared/api/context.js";

export const FLOOR_PATH = "/api/v1/bench/context-floor";

export function contextFloorRoutes(app: FastifyInstance, ctx: AppContext): void {
  const answers = new Map<string, unknown>();
  let misses = 0;
  route(app, {
    method: "GET",
    url: FLOOR_PATH,
    tag: "bench",
    summary: "Bench only: the context answer replayed from memory",
    query: contextQuery,
    response: contextResponse,
    handler: async ({ req, user, query }) => {
      const acceptLanguage = req.headers["accept-language"];
      const key = `${user.id}\n${acceptLanguage ?? ""}\n${req.url.slice(req.url.indexOf("?"))}`;
      let answer = answers.get(key);
      if (answer === undefined) {
        misses++;
        answer = await messageContext(ctx.database, user, {
          addresses: query.address,
          messageId: query.messageId,
          acceptLanguage,
        });
        answers.set(key, answer);
      }
      return answer;
    },
  });
  // Read by the benchmark before and after the measured run: a miss there would be database work.
  app.get(`${FLOOR_PATH}/stats`, async () => ({ answers: answers.size, misses }));
}
