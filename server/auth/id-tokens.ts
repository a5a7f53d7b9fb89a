// Placeholder until ID-token verification lands: refuses every non-Concilia token.
import type { AppContext } from "../context.js";
import { unauthorized } from "../api/problem.js";

export async function verifyIdToken(
  _ctx: AppContext,
  _token: string,
): Promise<{ email: string; issuer: string; subject: string }> {
  throw unauthorized("This token is not a Concilia token and cannot be verified.");
}
