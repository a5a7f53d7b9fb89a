import { createHash, randomBytes } from "node:crypto";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MICROSOFT_CLIENT, MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";

let now = Date.UTC(2026, 10, 30, 9);
const microsoft = new MicrosoftEmulator({ clock: () => now, rotationGraceMs: 60_000 });
microsoft.addAccount("ana@contoso.example", "Ana Ruiz");
const server = setupServer(...microsoft.handlers());
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const LOGIN = "https://login.microsoftonline.com/common/oauth2/v2.0";
const REDIRECT = "https://app.test/oauth/microsoft/callback";

function pkce() {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

async function code(scope: string, challenge: string) {
  const url = new URL(`${LOGIN}/authorize`);
  url.search = new URLSearchParams({
    client_id: DEMO_MICROSOFT_CLIENT.clientId,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope,
    state: "ms-state",
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  const response = await fetch(url, { redirect: "manual" });
  expect(response.status).toBe(302);
  const back = new URL(response.headers.get("location")!);
  expect(back.searchParams.get("state")).toBe("ms-state");
  return back.searchParams.get("code")!;
}

function token(fields: Record<string, string>) {
  return fetch(`${LOGIN}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: DEMO_MICROSOFT_CLIENT.clientId,
      client_secret: DEMO_MICROSOFT_CLIENT.clientSecret!,
      ...fields,
    }),
  });
}

describe("Microsoft identity platform emulator", () => {
  it("exchanges a code with PKCE; a refresh token only comes with offline_access", async () => {
    const { verifier, challenge } = pkce();
    const c = await code("openid offline_access Mail.Read", challenge);
    const ok = await token({
      grant_type: "authorization_code",
      code: c,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ token_type: "Bearer", scope: "openid Mail.Read", expires_in: 3599 });
    expect(body.refresh_token).toEqual(expect.any(String));
    const me = await fetch("https://graph.microsoft.com/v1.0/me", {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect((await me.json()).mail).toBe("ana@contoso.example");

    const second = pkce();
    const noOffline = await code("openid Mail.Read", second.challenge);
    const without = await (
      await token({
        grant_type: "authorization_code",
        code: noOffline,
        redirect_uri: REDIRECT,
        code_verifier: second.verifier,
      })
    ).json();
    expect(without.refresh_token).toBeUndefined();
  });

  it("refuses a wrong verifier with AADSTS501481 and a redeemed code with AADSTS54005", async () => {
    const { verifier, challenge } = pkce();
    const c = await code("offline_access Mail.Read", challenge);
    const wrong = await token({
      grant_type: "authorization_code",
      code: c,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    expect(wrong.status).toBe(400);
    const body = await wrong.json();
    expect(body.error).toBe("invalid_grant");
    expect(body.error_codes).toEqual([501481]);
    expect(body.error_description).toMatch(/^AADSTS501481: .* Trace ID: .* Correlation ID: .* Timestamp: /);
    expect(
      (
        await token({
          grant_type: "authorization_code",
          code: c,
          redirect_uri: REDIRECT,
          code_verifier: verifier,
        })
      ).status,
    ).toBe(200);
    const again = await (
      await token({
        grant_type: "authorization_code",
        code: c,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      })
    ).json();
    expect(again.error_codes).toEqual([54005]);
  });

  it("a declined consent comes back to the redirect URI as access_denied with AADSTS65004 and the state", async () => {
    microsoft.consent = "deny";
    const url = new URL(`${LOGIN}/authorize`);
    url.search = new URLSearchParams({
      client_id: DEMO_MICROSOFT_CLIENT.clientId,
      response_type: "code",
      redirect_uri: REDIRECT,
      scope: "offline_access Mail.Read",
      state: "ms-state",
    }).toString();
    const response = await fetch(url, { redirect: "manual" });
    microsoft.consent = "approve";
    const back = new URL(response.headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS65004:/);
    expect(back.searchParams.get("state")).toBe("ms-state");
  });

  it("rotates refresh tokens: the old one works only within the grace period", async () => {
    const { refreshToken } = microsoft.issueTokens("ana@contoso.example");
    const first = await (await token({ grant_type: "refresh_token", refresh_token: refreshToken })).json();
    expect(first.refresh_token).toEqual(expect.any(String));
    expect(first.refresh_token).not.toBe(refreshToken);
    now += 30_000;
    expect((await token({ grant_type: "refresh_token", refresh_token: refreshToken })).status).toBe(200);
    now += 60_000;
    const late = await token({ grant_type: "refresh_token", refresh_token: refreshToken });
    expect(late.status).toBe(400);
    expect((await late.json()).error).toBe("invalid_grant");
    expect((await token({ grant_type: "refresh_token", refresh_token: first.refresh_token })).status).toBe(
      200,
    );
  });

  it("a lost refresh response rotated the token anyway: the old one works only within the grace", async () => {
    const { refreshToken } = microsoft.issueTokens("ana@contoso.example");
    microsoft.faults.set("ana@contoso.example", { loseResponse: { endpoints: ["oauth.token"], times: 1 } });
    await expect(token({ grant_type: "refresh_token", refresh_token: refreshToken })).rejects.toThrow(
      TypeError,
    );
    expect((await token({ grant_type: "refresh_token", refresh_token: refreshToken })).status).toBe(200);
    now += 61_000;
    expect((await token({ grant_type: "refresh_token", refresh_token: refreshToken })).status).toBe(400);
  });

  it("revoked consent gives invalid_grant AADSTS65001; a password reset AADSTS50173; access tokens live on until expiry", async () => {
    const { accessToken, refreshToken } = microsoft.issueTokens("ana@contoso.example");
    microsoft.revokeTokens("ana@contoso.example", "consent");
    const refused = await (await token({ grant_type: "refresh_token", refresh_token: refreshToken })).json();
    expect(refused).toMatchObject({
      error: "invalid_grant",
      error_codes: [65001],
      suberror: "consent_required",
    });
    const stillValid = await fetch("https://graph.microsoft.com/v1.0/me", {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(stillValid.status).toBe(200);
    now += 3_600_000;
    const expired = await fetch("https://graph.microsoft.com/v1.0/me", {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(expired.status).toBe(401);
    expect((await expired.json()).error.code).toBe("InvalidAuthenticationToken");

    const again = microsoft.issueTokens("ana@contoso.example");
    microsoft.revokeTokens("ana@contoso.example", "password");
    const reset = await (
      await token({ grant_type: "refresh_token", refresh_token: again.refreshToken })
    ).json();
    expect(reset.error_codes).toEqual([50173]);

    const idle = microsoft.issueTokens("ana@contoso.example");
    microsoft.revokeTokens("ana@contoso.example", "inactivity");
    const inactive = await (
      await token({ grant_type: "refresh_token", refresh_token: idle.refreshToken })
    ).json();
    expect(inactive.error_codes).toEqual([700082]);
  });
});
