// Facts fixed at build time (the one server origin, R-SB-8) and read from the event object.
declare const __CONCILIA_SERVER__: string;

/** `https://crm.example.com`, no trailing slash; `npm run build:gmail -- --server …` fills it in. */
export const SERVER_ORIGIN: string = __CONCILIA_SERVER__;

type Event = GoogleAppsScript.Addons.EventObject;

/** The user's IANA zone; only present with `useLocaleFromApp` and the locale scope. */
export function userTimeZone(e: Event): { id: string } {
  const id = e.commonEventObject?.timeZone?.id;
  return { id: id || "UTC" };
}

export function userLocale(e: Event): string | undefined {
  return e.commonEventObject?.userLocale;
}

export function parameters(e: Event): Record<string, string> {
  return e.commonEventObject?.parameters ?? {};
}

/** All values of a text field, dropdown or checkbox group. */
export function formValues(e: Event, field: string): string[] {
  return e.commonEventObject?.formInputs?.[field]?.stringInputs?.value ?? [];
}

export function formValue(e: Event, field: string): string {
  return (formValues(e, field)[0] ?? "").trim();
}

export function formDateTime(e: Event, field: string): number | null {
  const v = e.commonEventObject?.formInputs?.[field]?.dateTimeInput;
  if (!v?.hasDate || v.msSinceEpoch === undefined) return null;
  const ms = Number(v.msSinceEpoch);
  return Number.isFinite(ms) ? ms : null;
}
