// The one module that touches Apps Script services (besides CardService, the UI toolkit the cards
// use directly), so that the rest of the add-on is plain code and the tests can swap the host.

export interface HttpRequest {
  method: "get" | "post" | "patch" | "delete";
  url: string;
  headers: Record<string, string>;
  /** JSON text, or raw message bytes as a Blob. */
  payload?: string | GoogleAppsScript.Base.Blob;
  contentType?: string;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Synchronous, like everything in Apps Script; throws when the server cannot be reached at all. */
export function httpFetch(req: HttpRequest): HttpResponse {
  const options: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {
    method: req.method,
    headers: req.headers,
    muteHttpExceptions: true,
    followRedirects: false,
  };
  if (req.payload !== undefined) options.payload = req.payload;
  if (req.contentType) options.contentType = req.contentType;
  const res = UrlFetchApp.fetch(req.url, options);
  const headers = res.getHeaders() as Record<string, string>;
  const contentType = Object.keys(headers).find((k) => k.toLowerCase() === "content-type");
  return {
    status: res.getResponseCode(),
    contentType: contentType ? headers[contentType] : "",
    text: res.getContentText(),
  };
}

/** The Google ID token of the user; null when the manifest lacks the `openid` scope. */
export function identityToken(): string | null {
  return ScriptApp.getIdentityToken() || null;
}

/** The open message; the per-message access token must be set before any GmailApp call. */
export function openMessage(messageId: string, accessToken: string): GoogleAppsScript.Gmail.GmailMessage {
  GmailApp.setCurrentMessageAccessToken(accessToken);
  return GmailApp.getMessageById(messageId);
}

export function rfc822Blob(raw: string): GoogleAppsScript.Base.Blob {
  return Utilities.newBlob(raw, "message/rfc822", "message.eml");
}

export const cache = {
  get(key: string): string | null {
    return CacheService.getUserCache()?.get(key) ?? null;
  },
  put(key: string, value: string, seconds: number): void {
    try {
      CacheService.getUserCache()?.put(key, value, seconds);
    } catch (_e) {
      // Too large for the cache (100 KB a value): the next action fetches again instead.
    }
  },
  remove(key: string): void {
    CacheService.getUserCache()?.remove(key);
  },
};

export const userSettings = {
  get(key: string): string | null {
    return PropertiesService.getUserProperties().getProperty(key);
  },
  set(key: string, value: string): void {
    PropertiesService.getUserProperties().setProperty(key, value);
  },
  remove(key: string): void {
    PropertiesService.getUserProperties().deleteProperty(key);
  },
};
