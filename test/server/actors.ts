// The four users of the access tests: the owner of the records, a user she shares one with, one
// she shares nothing with, and an admin, each with an API token.
import type { TestServer } from "../harness/app.js";

export type Actor = "owner" | "grantee" | "other" | "admin";
export const actors: Actor[] = ["owner", "grantee", "other", "admin"];

export async function makeActors(
  s: TestServer,
): Promise<Record<Actor, { id: string; token: string; email: string }>> {
  return {
    owner: await s.user("olivia@team.example"),
    grantee: await s.user("gus@team.example"),
    other: await s.user("otto@team.example"),
    admin: await s.user("ada@team.example", { role: "admin" }),
  };
}
