import { createHash, randomBytes } from "node:crypto";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_GOOGLE_CLIENT, GoogleEmulator } from "../../emulators/google/emulator.js";

let now = Date.UTC(2026, 10, 30, 9);
const google = new GoogleEmulator({ clock: () => now });
google.addAccount("ana@example.com", "Ana Ruiz");
const server = setupServer(...google.handlers());

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());
beforeEach(() => {
  google.consent = "approve";
  google.faults.clear();
});

const REDIRECT = "https://app.test/oauth/google/callback";
const SCOPE = "openid email https://www.googleapis.com/auth/gmail.readonly";

function pkce() {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizeUrl(challenge: string, extra: Record<string, string> = {}) {
  const url = new URL("https://accounts.google.com/o/oauth2/v2/auth");
  for (const [k, v] of Object.entries({
    client_id: DEMO_GOOGLE_CLIENT.clientId,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: SCOPE,
    state: "st-123",
    code_challenge: challenge,
    code_challenge_method: "S256",
    access_type: "offline",
    ...extra,
  })) {
    url.searchParams.set(k, v);
  }
  return url;
}

async function authorize(challenge: string, extra: Record<string, string> = {}) {
  const response = await fetch(authorizeUrl(challenge, extra), { redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

/** The code exchange: `verifier` is the PKCE verifier sent with it, none when absent. */
const redeem = (code: string, verifier?: string) =>
  tokenRequest({
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    ...(verifier ? { code_verifier: verifier } : {}),
  });

function tokenRequest(fields: Record<string, string>) {
  return fetch("https://oauth2.googleapis.com/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: DEMO_GOOGLE_CLIENT.clientId,
      client_secret: DEMO_GOOGLE_CLIENT.clientSecret!,
      ...fields,
    }),
  });
}

describe("Google OAuth emulator", () => {
  it("approves the demo account, echoes state, and exchanges the code with a valid PKCE verifier", async () => {
    const { verifier, challenge } = pkce();
    const back = await authorize(challenge, { prompt: "consent" });
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("st-123");
    const code = back.searchParams.get("code")!;
    const response = await redeem(code, verifier);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
    expect(body.refresh_token).toEqual(expect.any(String));
    const profile = await fetch("https://gmail.googleapis.com/gmail/v1/users/me/profile", {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect((await profile.json()).emailAddress).toBe("ana@example.com");
  });

  it("refuses a wrong or missing PKCE verifier, and a code used twice", async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(challenge)).searchParams.get("code")!;
    const wrong = await redeem(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      error: "invalid_grant",
      error_description: "Invalid code verifier.",
    });
    const missing = await redeem(code);
    expect((await missing.json()).error_description).toBe("Missing code verifier.");
    const ok = await redeem(code, verifier);
    expect(ok.status).toBe(200);
    const again = await redeem(code, verifier);
    expect(again.status).toBe(400);
    expect((await again.json()).error).toBe("invalid_grant");
  });

  it("gives a refresh token only on first consent or with prompt=consent", async () => {
    const fresh = new GoogleEmulator();
    fresh.addAccount("bo@example.com");
    const exchange = async (extra: Record<string, string>) => {
      const { verifier, challenge } = pkce();
      const url = authorizeUrl(challenge, extra);
      const back = new URL((await fresh.handle(new Request(url))).headers.get("location")!);
      const response = await fresh.handle(
        new Request("https://oauth2.googleapis.com/token", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            client_id: DEMO_GOOGLE_CLIENT.clientId,
            client_secret: DEMO_GOOGLE_CLIENT.clientSecret!,
            grant_type: "authorization_code",
            code: back.searchParams.get("code")!,
            redirect_uri: REDIRECT,
            code_verifier: verifier,
          }),
        }),
      );
      return response.json();
    };
    expect((await exchange({})).refresh_token).toEqual(expect.any(String));
    expect((await exchange({})).refresh_token).toBeUndefined();
    expect((await exchange({ prompt: "consent" })).refresh_token).toEqual(expect.any(String));
  });

  it("drives the consent step: prompt shows a page whose links approve or deny", async () => {
    google.consent = "prompt";
    const { challenge } = pkce();
    const pageResponse = await fetch(authorizeUrl(challenge), { redirect: "manual" });
    expect(pageResponse.status).toBe(200);
    const html = await pageResponse.text();
    const deny = /id="deny" href="([^"]+)"/.exec(html)![1].replace(/&amp;/g, "&");
    const denied = await fetch(deny, { redirect: "manual" });
    const back = new URL(denied.headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("st-123");
  });

  it("access tokens expire; refresh works until the grant is revoked, then invalid_grant", async () => {
    const { accessToken, refreshToken } = google.issueTokens("ana@example.com");
    now += 3_600_000;
    const expired = await fetch("https://gmail.googleapis.com/gmail/v1/users/me/profile", {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toContain("invalid_token");
    expect((await expired.json()).error.errors[0].reason).toBe("authError");

    const refreshed = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken });
    expect(refreshed.status).toBe(200);
    const body = await refreshed.json();
    expect(body.refresh_token).toBeUndefined();

    google.revokeTokens("ana@example.com");
    const revoked = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken });
    expect(revoked.status).toBe(400);
    expect(await revoked.json()).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
  });

  it("an app in Testing gets refresh tokens that die after 7 days with invalid_grant", async () => {
    let clock = now;
    const testing = new GoogleEmulator({ clock: () => clock, refreshTokenTtlMs: 7 * 86_400_000 });
    testing.addAccount("ana@example.com");
    const { refreshToken } = testing.issueTokens("ana@example.com");
    const refresh = () =>
      testing.handle(
        new Request("https://oauth2.googleapis.com/token", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            client_id: DEMO_GOOGLE_CLIENT.clientId,
            client_secret: DEMO_GOOGLE_CLIENT.clientSecret!,
            grant_type: "refresh_token",
            refresh_token: refreshToken,
          }),
        }),
      );
    clock += 6 * 86_400_000;
    expect((await refresh()).status).toBe(200);
    clock += 86_400_000;
    const dead = await refresh();
    expect(dead.status).toBe(400);
    expect((await dead.json()).error).toBe("invalid_grant");
  });

  it("the userinfo endpoint names the account of a valid access token, and refuses any other", async () => {
    const { accessToken } = google.issueTokens("ana@example.com", SCOPE);
    const info = await fetch("https://www.googleapis.com/oauth2/v3/userinfo", {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({
      email: "ana@example.com",
      email_verified: true,
      name: "Ana Ruiz",
    });
    const refused = await fetch("https://www.googleapis.com/oauth2/v3/userinfo", {
      headers: { authorization: "Bearer not-a-token" },
    });
    expect(refused.status).toBe(401);
  });

  it("the revocation endpoint revokes the whole grant", async () => {
    const { accessToken, refreshToken } = google.issueTokens("ana@example.com");
    const response = await fetch("https://oauth2.googleapis.com/revoke", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: refreshToken }),
    });
    expect(response.status).toBe(200);
    const api = await fetch("https://gmail.googleapis.com/gmail/v1/users/me/profile", {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(api.status).toBe(401);
    const twice = await fetch(`https://oauth2.googleapis.com/revoke?token=${refreshToken}`, {
      method: "POST",
    });
    expect(twice.status).toBe(400);
  });

  it("throttles the token endpoint with Retry-After under the knob", async () => {
    const { refreshToken } = google.issueTokens("ana@example.com");
    google.faults.set("ana@example.com", {
      throttle: { status: 503, retryAfter: 7, times: 1, endpoints: ["oauth.*"] },
    });
    const throttled = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken });
    expect(throttled.status).toBe(503);
    expect(throttled.headers.get("retry-after")).toBe("7");
    const ok = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken });
    expect(ok.status).toBe(200);
  });
});
