// A fake of the Office.js surface the pane uses, for the playground and the browser tests. It behaves
// as Outlook does where that matters to the pane: ItemChanged fires asynchronously on every selection,
// requirement sets are reported per capability, categories must exist in the master list before an
// item can carry them, getAsFileAsync (Mailbox 1.14) hands over the message as base64 EML, and
// displayDialogAsync opens the page in a real popup (fake-dialog.ts).
import { buildMessage } from "../log/mime.js";
import { displayFakeDialog } from "./fake-dialog.js";
import type { Address } from "./types.js";

export interface FakeAttachment {
  id: string;
  name: string;
  contentType: string;
  isInline: boolean;
  base64: string;
}

export interface FakeMessage {
  id: string;
  internetMessageId: string;
  subject: string;
  from: Address;
  to: Address[];
  cc: Address[];
  date: string;
  html: string;
  attachments: FakeAttachment[];
}

export interface FakeSettings {
  language: string;
  dark: boolean;
  signedIn: boolean;
  /** Mailbox 1.14: getAsFileAsync and officeTheme. Off, the pane rebuilds the message itself. */
  mailbox114: boolean;
  /** Mailbox 1.8: categories and attachment contents. */
  mailbox18: boolean;
  /** IdentityAPI 1.3 (single sign-on). Off, signing in goes through the sign-in dialog. */
  sso: boolean;
  /** The browser blocks pop-ups: displayDialogAsync fails with 12011, as in Outlook on the web. */
  popupsBlocked?: boolean;
}

export interface FakeUser extends Address {
  /** Windows zone name, as Outlook reports it. */
  timeZone: string;
}

const ok = <T>(value: T) => ({
  status: "succeeded",
  value,
  error: undefined as any,
  asyncContext: undefined,
});
const fail = (code: number, message: string) => ({
  status: "failed",
  value: undefined as any,
  error: { code, message, name: "Error" },
  asyncContext: undefined,
});
const later = (fn: () => void) => setTimeout(fn, 0);
const callbackOf = (args: any[]) => args.find((a) => typeof a === "function") as (r: any) => void;
const details = (a: Address) => ({
  displayName: a.name,
  emailAddress: a.email,
  recipientType: "externalUser",
});

export class FakeOutlook {
  selected: FakeMessage | null = null;
  readonly categories = new Map<string, string[]>();
  readonly masterCategories: string[] = [];
  private handler: (() => void) | null = null;
  /** Notified when the fake's visible state (categories) changes. */
  onChange: () => void = () => {};

  constructor(
    readonly user: FakeUser,
    readonly messages: FakeMessage[],
    readonly settings: FakeSettings,
    readonly token: string | null,
  ) {}

  /** What Outlook does when the user clicks another message while the pane is pinned. */
  select(id: string | null): void {
    this.selected = this.messages.find((m) => m.id === id) ?? null;
    const h = this.handler;
    if (h) later(() => h());
  }

  /** The `Office` global for one pane frame. */
  officeFor(frame: Window): any {
    const self = this;
    const s = this.settings;
    const supported: Record<string, string> = {
      Mailbox: s.mailbox114 ? "1.14" : s.mailbox18 ? "1.8" : "1.5",
      DialogApi: "1.1",
      ...(s.sso ? { IdentityAPI: "1.3" } : {}),
    };
    this.handler = null;
    const version = (v: string) => v.split(".").map(Number);
    const atLeast = (have: string, want: string) => {
      const [a, b] = version(have);
      const [c, d] = version(want);
      return a > c || (a === c && (b ?? 0) >= (d ?? 0));
    };
    const mailbox = {
      get item() {
        return self.selected ? self.itemFor(self.selected) : null;
      },
      userProfile: {
        displayName: this.user.name,
        emailAddress: this.user.email,
        timeZone: this.user.timeZone,
      },
      addHandlerAsync(type: string, handler: () => void, ...rest: any[]) {
        if (type === "olkItemSelectedChanged") self.handler = handler;
        const cb = callbackOf(rest);
        if (cb) later(() => cb(ok(undefined)));
      },
      masterCategories: {
        addAsync(cats: { displayName: string }[], ...rest: any[]) {
          for (const c of cats)
            if (!self.masterCategories.includes(c.displayName)) self.masterCategories.push(c.displayName);
          later(() => callbackOf(rest)(ok(undefined)));
        },
      },
    };
    return {
      onReady: () => Promise.resolve({ host: "Outlook", platform: "OfficeOnline" }),
      AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
      EventType: {
        ItemChanged: "olkItemSelectedChanged",
        DialogMessageReceived: "dialogMessageReceived",
        DialogEventReceived: "dialogEventReceived",
      },
      CoercionType: { Html: "html", Text: "text" },
      MailboxEnums: {
        ItemType: { Message: "message", Appointment: "appointment" },
        AttachmentType: { File: "file", Item: "item", Cloud: "cloud" },
        CategoryColor: { Preset4: "Preset4" },
      },
      context: {
        displayLanguage: s.language,
        officeTheme: s.mailbox114
          ? {
              bodyBackgroundColor: s.dark ? "#292929" : "#ffffff",
              bodyForegroundColor: s.dark ? "#ffffff" : "#000000",
            }
          : undefined,
        requirements: {
          isSetSupported: (name: string, v = "1.1") => name in supported && atLeast(supported[name], v),
        },
        mailbox,
        ui: {
          displayDialogAsync(url: string, ...rest: any[]) {
            const options = rest.find((a) => a && typeof a === "object") ?? {};
            displayFakeDialog(frame, url, options, callbackOf(rest), self.settings.popupsBlocked);
          },
        },
      },
      auth: {
        getAccessToken(opts: { allowSignInPrompt?: boolean } = {}) {
          if (!self.settings.sso)
            return Promise.reject({ code: 13012, message: "The host does not support single sign-on." });
          if (!self.settings.signedIn && opts.allowSignInPrompt) self.settings.signedIn = true;
          if (!self.settings.signedIn || !self.token)
            return Promise.reject({ code: 13001, message: "The user is not signed in." });
          return Promise.resolve(self.token);
        },
      },
    };
  }

  private itemFor(m: FakeMessage): any {
    const self = this;
    const s = this.settings;
    const item: any = {
      itemType: "message",
      itemId: `AAMk-${m.id}`,
      internetMessageId: m.internetMessageId,
      subject: m.subject,
      normalizedSubject: m.subject.replace(/^(re|fw|fwd):\s*/i, ""),
      from: details(m.from),
      sender: details(m.from),
      to: m.to.map(details),
      cc: m.cc.map(details),
      dateTimeCreated: new Date(m.date),
      attachments: m.attachments.map((a) => ({
        id: a.id,
        name: a.name,
        contentType: a.contentType,
        size: Math.floor((a.base64.length * 3) / 4),
        isInline: a.isInline,
        attachmentType: "file",
      })),
      body: {
        getAsync(_type: string, ...rest: any[]) {
          later(() => callbackOf(rest)(ok(m.html)));
        },
      },
    };
    if (s.mailbox18) {
      item.getAttachmentContentAsync = (id: string, ...rest: any[]) => {
        const a = m.attachments.find((x) => x.id === id);
        later(() =>
          callbackOf(rest)(
            a ? ok({ format: "base64", content: a.base64 }) : fail(9002, "No such attachment"),
          ),
        );
      };
      item.categories = {
        addAsync(cats: string[], ...rest: any[]) {
          const missing = cats.filter((c) => !self.masterCategories.includes(c));
          if (missing.length) return later(() => callbackOf(rest)(fail(9045, "InvalidCategory")));
          const have = self.categories.get(m.id) ?? [];
          self.categories.set(m.id, [...new Set([...have, ...cats])]);
          self.onChange();
          later(() => callbackOf(rest)(ok(undefined)));
        },
      };
    }
    if (s.mailbox114) {
      item.getAsFileAsync = (...args: any[]) => {
        const eml = buildMessage({
          from: m.from,
          to: m.to,
          cc: m.cc,
          subject: m.subject,
          date: new Date(m.date),
          messageId: m.internetMessageId,
          html: m.html,
          attachments: m.attachments.map((a) => ({
            name: a.name,
            contentType: a.contentType,
            inline: a.isInline,
            content: { base64: a.base64 },
          })),
        });
        const bytes = new TextEncoder().encode(eml);
        let bin = "";
        for (const b of bytes) bin += String.fromCharCode(b);
        later(() => callbackOf(args)(ok(btoa(bin))));
      };
    }
    return item;
  }
}
