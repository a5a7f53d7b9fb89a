import { useState } from "preact/hooks";

/**
 * One request at a time from a view: `busy` while it runs (its buttons are disabled), and what it
 * threw kept in `error` for an ErrorNote until the next one starts.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run(what: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
