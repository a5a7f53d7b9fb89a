// R-SB-4: a meeting's location and online-meeting link, stored with the event; the link is an https URL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAs, engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("event location and online-meeting link on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string };
  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@team.example");
  });
  afterAll(() => s?.close());

  const call = (method: string, url: string, payload?: unknown) => callAs(s, ana.token, method, url, payload);
  const meeting = {
    title: "Kick-off",
    startAt: "2031-03-04T10:00:00+01:00",
    endAt: "2031-03-04T11:00:00+01:00",
    timeZone: "Europe/Paris",
  };

  it("R-SB-4: location and link are saved, read back, changed and cleared", async () => {
    const created = await call("POST", "/api/v1/events", {
      ...meeting,
      location: "Sala Verdi, Milano",
      onlineMeetingUrl: "https://meet.example.com/kick-off?pwd=1",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      location: "Sala Verdi, Milano",
      onlineMeetingUrl: "https://meet.example.com/kick-off?pwd=1",
    });
    const got = await call("GET", `/api/v1/events/${created.body.id}`);
    expect(got.body.onlineMeetingUrl).toBe("https://meet.example.com/kick-off?pwd=1");
    const moved = await call("PATCH", `/api/v1/events/${created.body.id}`, {
      onlineMeetingUrl: "https://teams.example.com/l/abc",
    });
    expect(moved.body).toMatchObject({
      location: "Sala Verdi, Milano",
      onlineMeetingUrl: "https://teams.example.com/l/abc",
    });
    const cleared = await call("PATCH", `/api/v1/events/${created.body.id}`, { onlineMeetingUrl: null });
    expect(cleared.body.onlineMeetingUrl).toBeNull();
    const plain = await call("POST", "/api/v1/events", meeting);
    expect(plain.body).toMatchObject({ location: null, onlineMeetingUrl: null });
  });

  it("R-SB-4: a link that is not an https URL is refused with its field path, create and change alike", async () => {
    for (const bad of [
      "http://meet.example.com/x",
      "meet.example.com/x",
      "javascript:alert(1)",
      "https://",
    ]) {
      const r = await call("POST", "/api/v1/events", { ...meeting, onlineMeetingUrl: bad });
      expect(r.status, bad).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(["body.onlineMeetingUrl"]);
    }
    const ok = await call("POST", "/api/v1/events", meeting);
    const patched = await call("PATCH", `/api/v1/events/${ok.body.id}`, {
      onlineMeetingUrl: "ftp://x.example",
    });
    expect(patched.status).toBe(400);
    expect(patched.body.errors[0].path).toBe("body.onlineMeetingUrl");
    const long = await call("POST", "/api/v1/events", { ...meeting, location: "x".repeat(501) });
    expect(long.body.errors[0].path).toBe("body.location");
  });
});
