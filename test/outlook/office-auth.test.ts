// The Outlook pane's sign-in (outlook-addin/src/host/office-auth.ts) against a real server: Office's
// SSO returns an Entra token signed by local keys, and the Office dialog is played by submitting
// Concilia's real login form, as a user would.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { officeAuth } from "../../outlook-addin/src/host/office-auth.js";
import { createUser } from "../../server/crm/users.js";
import { IDENTITY_NOT_LINKED } from "../../shared/problem-types.js";
import { startTestServer, type TestServer } from "../harness/app.js";
import { type Jwks, startJwks } from "../harness/jwks.js";

const CLIENT = "api://concilia.test/0b7c2a55-52d3-4b0e-9a43-6f3c2c0d9e11";
const TENANT = "4a1d4c8e-6f53-4e57-9d3a-0c5f0e2b7a10";
const OID = "0f6c1b7e-3d2a-4c5b-9e8f-7a6b5c4d3e2f";
const PASSWORD = "correct horse battery staple";

describe("R-SB-7 Outlook sign-in: single sign-on, and the dialog that links it", () => {
  let s: TestServer;
  let entra: Jwks;
  let base: string;
  let dialogs = 0;
  const ssoToken = () =>
    entra.signIdToken({
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      aud: CLIENT,
      sub: "pairwise",
      tid: TENANT,
      oid: OID,
      preferred_username: "ana@acme.test",
    });
  const me = (token: string) =>
    s.app.inject({ url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });

  /** Office as the pane sees it: IdentityAPI 1.3, and a dialog where Ana signs in with her password. */
  function fakeOffice() {
    return {
      AsyncResultStatus: { Succeeded: "succeeded" },
      EventType: { DialogMessageReceived: "message", DialogEventReceived: "event" },
      context: {
        requirements: { isSetSupported: (set: string) => set === "IdentityAPI" },
        ui: {
          displayDialogAsync(url: string, _opts: unknown, callback: (r: unknown) => void) {
            dialogs++;
            const handlers: Record<string, (arg: unknown) => void> = {};
            callback({
              status: "succeeded",
              value: {
                addEventHandler: (type: string, h: (arg: unknown) => void) => (handlers[type] = h),
                close() {},
              },
            });
            void (async () => {
              const page = await fetch(`${url.replace(/\?.*/, "")}?lang=en&host=office`, {
                method: "POST",
                headers: { "content-type": "application/x-www-form-urlencoded" },
                body: new URLSearchParams({ email: "ana@acme.test", password: PASSWORD }),
              });
              const code = /id="code"[^>]*value="([0-9A-Z-]+)"/.exec(await page.text())![1];
              handlers.message({ message: JSON.stringify({ code }) });
            })();
          },
        },
      },
      auth: { getAccessToken: () => ssoToken() },
    };
  }

  beforeAll(async () => {
    entra = await startJwks();
    s = await startTestServer({
      env: { ENTRA_JWKS_URL: entra.url, ENTRA_CLIENT_IDS: CLIENT, ENTRA_TENANT_IDS: TENANT },
    });
    base = await s.listen();
    await createUser(s.ctx.db, { email: "ana@acme.test", name: "Ana", password: PASSWORD });
    const storage = new Map<string, string>();
    vi.stubGlobal("Office", fakeOffice());
    vi.stubGlobal("location", { origin: base });
    vi.stubGlobal("localStorage", {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
      removeItem: (k: string) => storage.delete(k),
    });
    const realFetch = globalThis.fetch;
    // The pane calls its own origin with relative URLs.
    vi.stubGlobal("fetch", (url: string, init?: RequestInit) => realFetch(new URL(url, base), init));
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    await s?.close();
    await entra?.close();
  });

  it("R-SB-7: a refused SSO token sends the pane to the dialog, which links the Microsoft account; SSO then signs in alone", async () => {
    const auth = officeAuth("en");
    const sso = await auth.token(false);
    expect(sso).toMatch(/^eyJ/);
    const refused = await me(sso!);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().type).toBe(IDENTITY_NOT_LINKED);

    // What the pane does on a 401: forget. Without a click, no dialog and no SSO token again.
    auth.forget();
    expect(await auth.token(false)).toBeNull();
    expect(dialogs).toBe(0);

    // The user clicks Sign in: the dialog, whose code goes to the server with the SSO token.
    const token = await auth.token(true);
    expect(dialogs).toBe(1);
    expect(token).toMatch(/^cnc_/);
    expect((await me(token!)).json()).toMatchObject({ email: "ana@acme.test" });

    // Another device (no stored token): SSO alone now signs Ana in.
    const elsewhere = await ssoToken();
    expect((await me(elsewhere)).json()).toMatchObject({ email: "ana@acme.test", scopes: ["crm"] });
  });
});
