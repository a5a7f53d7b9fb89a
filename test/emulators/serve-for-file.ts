// The emulator tests' lifecycle: the msw server answers (and refuses any request no emulator handles)
// for the whole file, and each test starts with the emulator's fault knobs off and its counts at zero.
import type { SetupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach } from "vitest";

/** Call before the file's own beforeAll, which then runs with the server listening. */
export function serveForFile(
  server: SetupServer,
  emulator: { faults: { clear(): void }; counter: { reset(): void } },
): void {
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());
  beforeEach(() => {
    emulator.faults.clear();
    emulator.counter.reset();
  });
}
