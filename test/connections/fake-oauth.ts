// A small, faithful OAuth 2.0 authorization server as msw handlers, for the connections tests (the
// full provider emulators live in emulators/): the authorization endpoint answers the consent with a
// redirect that echoes the state; the token endpoint checks the client, the redirect URI and the PKCE
// verifier (S256), uses each code once, signs ID tokens, and refreshes; a provider that rotates hands
// out a new refresh token on every refresh (the previous one keeps working, as Microsoft's do); a
// revoked grant answers invalid_grant.
import { createHash, randomBytes } from "node:crypto";
import { generateKeyPair, SignJWT } from "jose";
import { HttpResponse, http } from "msw";

export interface FakeOAuthOptions {
  authorizeUrl: string;
  tokenUrl: string;
  /** Only Google has one. */
  revokeUrl?: string;
  clientId: string;
  clientSecret: string;
  /** Google echoes its issuer in the redirect (`iss`); Microsoft does not. */
  issParameter?: string;
  /** The ID token's issuer for an account. */
  issuer: (account: string) => string;
  /** The ID token's claims that name the account. */
  accountClaims: (account: string) => Record<string, unknown>;
  rotates: boolean;
}

interface Grant {
  account: string;
  scope: string;
  revoked: boolean;
}

const token = (prefix: string) => `${prefix}-${randomBytes(18).toString("base64url")}`;
const oauthError = (error: string, status = 400) =>
  HttpResponse.json({ error, error_description: error }, { status });

export class FakeOAuthServer {
  /** Who signs in at the consent screen, and what they answer. */
  signInAs = "";
  consent: "approve" | "deny" = "approve";
  /** Permissions the user unticks on the consent screen (Google's granular consent), by short name. */
  untick: string[] = [];
  /** How long a refresh takes to be answered (a slow token endpoint). */
  refreshDelayMs = 0;
  /** Every token that went to the revocation endpoint. */
  readonly revocations: string[] = [];
  readonly accessTokens = new Map<string, Grant>();
  private readonly codes = new Map<
    string,
    { grant: Grant; redirectUri: string; challenge: string; clientId: string; used: boolean }
  >();
  private readonly refreshTokens = new Map<string, Grant>();
  private key = generateKeyPair("RS256");

  constructor(readonly o: FakeOAuthOptions) {}

  /** The user withdraws Concilia's access (or changes the password): every token of the account stops working. */
  revokeAccount(account: string): void {
    for (const grant of this.refreshTokens.values()) if (grant.account === account) grant.revoked = true;
  }

  /** Every code, access token and refresh token this server handed out: what must never leak. */
  issuedSecrets(): string[] {
    return [...this.codes.keys(), ...this.accessTokens.keys(), ...this.refreshTokens.keys()];
  }

  refreshTokenWorks(refreshToken: string): boolean {
    const grant = this.refreshTokens.get(refreshToken);
    return !!grant && !grant.revoked;
  }

  handlers() {
    const list = [
      http.get(this.o.authorizeUrl, ({ request }) => this.authorize(new URL(request.url))),
      http.post(this.o.tokenUrl, async ({ request }) =>
        this.token(new URLSearchParams(await request.text())),
      ),
    ];
    if (this.o.revokeUrl)
      list.push(
        http.post(this.o.revokeUrl, async ({ request }) => {
          const value = new URLSearchParams(await request.text()).get("token") ?? "";
          this.revocations.push(value);
          const grant = this.refreshTokens.get(value) ?? this.accessTokens.get(value);
          if (!grant) return oauthError("invalid_token");
          grant.revoked = true;
          return new HttpResponse(null, { status: 200 });
        }),
      );
    return list;
  }

  private authorize(url: URL): Response {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri");
    if (q.get("client_id") !== this.o.clientId || !redirectUri)
      return new HttpResponse("Error 400: invalid_request (client or redirect URI)", { status: 400 });
    if (
      q.get("response_type") !== "code" ||
      q.get("code_challenge_method") !== "S256" ||
      !q.get("code_challenge")
    )
      return new HttpResponse("Error 400: invalid_request (PKCE S256 required)", { status: 400 });
    const back = new URL(redirectUri);
    if (this.consent === "deny") back.searchParams.set("error", "access_denied");
    else {
      const code = token("code");
      this.codes.set(code, {
        grant: {
          account: this.signInAs,
          scope: (q.get("scope") ?? "")
            .split(" ")
            .filter((sc) => !this.untick.includes(sc.slice(sc.lastIndexOf("/") + 1)))
            .join(" "),
          revoked: false,
        },
        redirectUri,
        challenge: q.get("code_challenge")!,
        clientId: q.get("client_id")!,
        used: false,
      });
      back.searchParams.set("code", code);
    }
    if (q.get("state")) back.searchParams.set("state", q.get("state")!);
    if (this.o.issParameter) back.searchParams.set("iss", this.o.issParameter);
    return new HttpResponse(null, { status: 302, headers: { location: back.href } });
  }

  private async token(form: URLSearchParams): Promise<Response> {
    if (form.get("client_id") !== this.o.clientId || form.get("client_secret") !== this.o.clientSecret)
      return oauthError("invalid_client", 401);
    if (form.get("grant_type") === "authorization_code") {
      const entry = this.codes.get(form.get("code") ?? "");
      if (!entry || entry.used || entry.redirectUri !== form.get("redirect_uri"))
        return oauthError("invalid_grant");
      const verifier = form.get("code_verifier") ?? "";
      if (createHash("sha256").update(verifier).digest("base64url") !== entry.challenge)
        return oauthError("invalid_grant");
      entry.used = true;
      return this.issue(entry.grant, true);
    }
    if (form.get("grant_type") === "refresh_token") {
      const grant = this.refreshTokens.get(form.get("refresh_token") ?? "");
      if (!grant || grant.revoked) return oauthError("invalid_grant");
      if (this.refreshDelayMs) await new Promise((r) => setTimeout(r, this.refreshDelayMs));
      return this.issue(grant, this.o.rotates);
    }
    return oauthError("unsupported_grant_type");
  }

  private async issue(grant: Grant, withRefresh: boolean): Promise<Response> {
    const access = token("access");
    this.accessTokens.set(access, grant);
    const body: Record<string, unknown> = {
      access_token: access,
      token_type: "Bearer",
      expires_in: 3599,
      scope: grant.scope,
    };
    if (withRefresh) {
      const refresh = token("refresh");
      this.refreshTokens.set(refresh, grant);
      body.refresh_token = refresh;
    }
    if (grant.scope.split(" ").includes("openid")) {
      const { privateKey } = await this.key;
      body.id_token = await new SignJWT({ ...this.o.accountClaims(grant.account) })
        .setProtectedHeader({ alg: "RS256", kid: "fake" })
        .setIssuer(this.o.issuer(grant.account))
        .setAudience(this.o.clientId)
        .setSubject(createHash("sha256").update(grant.account).digest("hex").slice(0, 21))
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey);
    }
    return HttpResponse.json(body);
  }
}

export const GOOGLE_CLIENT = {
  id: "1234-concilia.apps.googleusercontent.com",
  secret: "google-client-secret",
};
export const MICROSOFT_CLIENT = {
  id: "6b1f0c6e-0000-4000-8000-00000000c0c1",
  secret: "microsoft-client-secret",
};
export const CONTOSO_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** Google, on its real endpoints (the server's defaults). */
export const fakeGoogle = () =>
  new FakeOAuthServer({
    authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
    tokenUrl: "https://oauth2.googleapis.com/token",
    revokeUrl: "https://oauth2.googleapis.com/revoke",
    clientId: GOOGLE_CLIENT.id,
    clientSecret: GOOGLE_CLIENT.secret,
    issParameter: "https://accounts.google.com",
    issuer: () => "https://accounts.google.com",
    accountClaims: (a) => ({ email: a, email_verified: true, azp: GOOGLE_CLIENT.id, name: "Ana Ruiz" }),
    rotates: false,
  });

/**
 * Microsoft at an authority (default: the multi-tenant one, where the ID token is issued by the
 * account's own tenant).
 */
export const fakeMicrosoft = (authority = "https://login.microsoftonline.com/common") =>
  new FakeOAuthServer({
    authorizeUrl: `${authority}/oauth2/v2.0/authorize`,
    tokenUrl: `${authority}/oauth2/v2.0/token`,
    clientId: MICROSOFT_CLIENT.id,
    clientSecret: MICROSOFT_CLIENT.secret,
    issuer: () => `${new URL(authority).origin}/${CONTOSO_TENANT}/v2.0`,
    accountClaims: (a) => ({ preferred_username: a, name: "Ana Ruiz", tid: CONTOSO_TENANT }),
    rotates: true,
  });

export const OAUTH_ENV = {
  GOOGLE_OAUTH_CLIENT_ID: GOOGLE_CLIENT.id,
  GOOGLE_OAUTH_CLIENT_SECRET: GOOGLE_CLIENT.secret,
  MICROSOFT_OAUTH_CLIENT_ID: MICROSOFT_CLIENT.id,
  MICROSOFT_OAUTH_CLIENT_SECRET: MICROSOFT_CLIENT.secret,
  CONCILIA_PUBLIC_URL: "https://concilia.test",
};
