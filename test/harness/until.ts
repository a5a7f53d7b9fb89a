// Waiting in a test for something a background job or another process does: `check` is asked again
// every `everyMs` until it holds or `ms` have passed.

/** Whether `check` held within `ms`. */
export async function until(check: () => Promise<boolean>, ms: number, everyMs = 200): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}
