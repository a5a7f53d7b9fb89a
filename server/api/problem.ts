// Every error of the API is an application/problem+json document (RFC 9457) with a message a person
// can act on and, for invalid input, the path of each offending field.
import type { z } from "zod";

export interface FieldError {
  path: string;
  message: string;
}

export class HttpProblem extends Error {
  constructor(
    public status: number,
    public title: string,
    public detail: string,
    public errors?: FieldError[],
    public headers?: Record<string, string>,
    /** A URI naming the kind of problem, for clients that act on it; "about:blank" otherwise. */
    public type = "about:blank",
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(400, "Bad request", detail, errors);
export const notFound = (what: string) => new HttpProblem(404, "Not found", `${what} was not found.`);
export const forbidden = (detail: string) => new HttpProblem(403, "Forbidden", detail);
export const conflict = (detail: string) => new HttpProblem(409, "Conflict", detail);
export const unauthorized = (detail: string) =>
  new HttpProblem(401, "Unauthorized", detail, undefined, { "www-authenticate": 'Bearer realm="concilia"' });
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(422, "Unprocessable content", detail, errors);

export function fromZod(where: "body" | "query" | "params", error: z.ZodError): HttpProblem {
  const errors = error.issues.map((i) => ({
    path: [where, ...i.path].join("."),
    message: issueMessage(i),
  }));
  const first = errors[0];
  return badRequest(`Invalid request ${where}: ${first.path} ${first.message}.`, errors);
}

function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code === "unrecognized_keys") return `has unknown field(s): ${i.keys.join(", ")}`;
  if (i.code === "invalid_type") return `must be ${i.expected}`;
  return i.message;
}
