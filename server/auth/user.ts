/** The signed-in user a request acts as; every query of the store is scoped to it. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: "admin" | "member";
  locale: string;
  timeZone: string;
  /** The user's own addresses (email and aliases), lower-cased. */
  addresses: string[];
  scopes: string[];
  /** How the request was signed in: an API token id, or the issuer of an ID token. */
  via: string;
}

declare module "fastify" {
  interface FastifyRequest {
    user?: AuthUser;
  }
}
