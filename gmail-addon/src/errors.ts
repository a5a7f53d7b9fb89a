// What can go wrong talking to the server, as values the cards can explain to the user.

/** The server could not be reached at all (DNS, refused, TLS, timeout). */
export class Unreachable extends Error {}

/** No identity token: the manifest lacks the `openid` scope (provider-contracts §8.9). */
export class NoIdentity extends Error {}

/** The server answered with an error (application/problem+json). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: { path: string; message: string }[] = [],
    /** The problem's `type` URI, e.g. IDENTITY_NOT_LINKED. */
    readonly type = "about:blank",
  ) {
    super(detail || title);
  }
}
