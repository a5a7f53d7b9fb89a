// Automatic email logging under the faults providers really produce (failure-modes.md, provider
// contracts §9), against the Gmail and Graph emulators served over HTTP, on both engines. Each test
// ends with the ground-truth audit: every message with a CRM participant logged exactly once
// (R-MAIL-4), none lost, none without a participant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines } from "../../harness/app.js";
import { clean, type FaultWorld, faultWorld, mailProviders } from "./world.js";

describe.each(engines)("sync faults on %s", (engine) => {
  let w: FaultWorld;
  beforeAll(async () => {
    w = await faultWorld(engine);
  });
  afterAll(async () => {
    await w?.close();
  });

  describe.each(mailProviders)("%s", (provider) => {
    it("R-P-1: a first sync logs every message with a CRM participant once", async () => {
      const box = await w.mailbox(provider, { count: 40 });
      await w.syncUntilIdle(box);
      expect(await w.audit(box)).toEqual(clean(12));
    });
  });
});
