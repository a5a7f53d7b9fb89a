/// <reference types="office-js" />
// Office.js reports through callbacks with an AsyncResult; the pane speaks promises.

export function officeCall<T>(start: (cb: (r: Office.AsyncResult<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    start((r) => {
      if (r.status === Office.AsyncResultStatus.Succeeded) resolve(r.value);
      else
        reject(Object.assign(new Error(r.error?.message ?? "Office call failed"), { code: r.error?.code }));
    });
  });
}

export function supports(set: string, version: string): boolean {
  try {
    return Office.context.requirements.isSetSupported(set, version);
  } catch {
    return false;
  }
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64.replace(/\s+/g, ""));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
