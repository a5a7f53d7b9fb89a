// The small surface the pane needs from its host. Only code under src/host/ knows it is Outlook
// (or the playground's fake of Outlook) behind it; views see these types and nothing else.

export interface Address {
  name: string;
  email: string;
}

export interface AttachmentSummary {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  kind: "file" | "item" | "cloud";
}

/** The message open in the reading pane, as far as the card needs it. */
export interface OpenMessage {
  /** Host item id; changes per item, used to ignore answers for an item no longer shown. */
  itemId: string;
  /** RFC 5322 Message-ID (R-MAIL-4 key); null while the host does not know it. */
  internetMessageId: string | null;
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  attachments: AttachmentSummary[];
}

export type CategoryResult = "added" | "unsupported" | "failed";

export interface Mailbox {
  /** The mailbox owner; used to recognise sent items. */
  user: Address;
  /** IANA time zone of the mailbox (Windows names mapped). */
  timeZone: string;
  /** Office display language, e.g. "es-ES". */
  language: string;
  dark: boolean;
  current(): OpenMessage | null;
  /** Called on every selection change of a pinned pane (item may then be null). */
  onItemChanged(listener: () => void): void;
  /** The open message as RFC 822 bytes: the host's own file where it has one, else rebuilt. */
  rawMessage(): Promise<Uint8Array>;
  /** False where rawMessage() cannot carry attachments (no attachment contents before Mailbox 1.8). */
  logsAttachments: boolean;
  /** R-SB-9: files the open message under the "Logged in Concilia" category where supported. */
  markLogged(): Promise<CategoryResult>;
  auth: HostAuth;
  /** R-CON-8: a provider's sign-in page in a dialog, until it reports its result or is closed. */
  openSignIn(url: string): Promise<SignInOutcome>;
}

/**
 * How a provider sign-in ended: the callback page's result, the window closed first, or no window at
 * all because the browser (Office 12011) or the user (12009) blocked it.
 */
export type SignInOutcome =
  | { kind: "result"; ok: boolean; accountAddress?: string; error?: string }
  | { kind: "closed" }
  | { kind: "blocked"; code: number }
  | { kind: "failed"; message: string };

export interface HostAuth {
  /** A bearer token for the Concilia server, or null when signed out and not `interactive`. */
  token(interactive: boolean): Promise<string | null>;
  /** Forgets a token the server refused. */
  forget(): void;
  /**
   * Signs in with a one-time code typed by the user (from Concilia's sign-in page opened outside the
   * dialog); rejects when the server refuses the code.
   */
  redeem(code: string): Promise<void>;
}

export const LOGGED_CATEGORY = "Logged in Concilia";
