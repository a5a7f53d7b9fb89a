// What Gmail does around the add-on: fires the manifest's triggers with faithful event objects,
// keeps the card stack, gathers form inputs, calls action callbacks on clicks and applies their
// navigation and notifications. Tests and the playground preview drive the add-on through it.
import crypto from "node:crypto";
import type { AddonHost, Invocation } from "./addon-host.js";
import {
  type ActionJson,
  type CardJson,
  clickables,
  type NavigationJson,
  type OpenLinkJson,
  type WidgetJson,
} from "./card-json.js";
import { SCOPES } from "./scopes.js";

export type FormValue = string | string[] | number;

export interface SidebarOptions {
  host: AddonHost;
  /** Key of the user's cache and properties. */
  user: string;
  /** The Gmail UI language (`es`, `it-IT`, …). */
  locale?: string;
  timeZone?: { id: string; offsetMs: number };
  /** Called before each execution: what ScriptApp.getIdentityToken() returns. */
  identityToken: () => Promise<string | null> | string | null;
}

export class SidebarError extends Error {}

export class GmailSidebar {
  stack: CardJson[] = [];
  notifications: string[] = [];
  /** Every execution, in order. */
  history: Invocation[] = [];
  /** Links the add-on opened (buttons followed, action responses), oldest first; `open` until closed. */
  windows: (OpenLinkJson & { open: boolean })[] = [];
  private message: { messageId: string; threadId: string; accessToken: string } | null = null;
  private edits: Record<string, FormValue> = {};

  constructor(private o: SidebarOptions) {}

  get card(): CardJson {
    const top = this.stack[this.stack.length - 1];
    if (!top) throw new SidebarError("No card is shown.");
    return top;
  }

  get last(): Invocation {
    return this.history[this.history.length - 1];
  }

  private get manifest() {
    return this.o.host.manifest;
  }

  private commonEvent(parameters: Record<string, string>, formInputs: Record<string, unknown>) {
    const common = this.manifest.addOns?.common ?? {};
    // userLocale and timeZone reach the add-on only with useLocaleFromApp and the locale scope.
    const localeShared =
      common.useLocaleFromApp === true && this.manifest.oauthScopes.includes(SCOPES.locale);
    const tz = this.o.timeZone ?? { id: "Europe/Madrid", offsetMs: 7_200_000 };
    return {
      hostApp: "GMAIL",
      platform: "WEB",
      ...(localeShared
        ? { userLocale: this.o.locale ?? "en", timeZone: { id: tz.id, offset: String(tz.offsetMs) } }
        : {}),
      parameters,
      formInputs,
    };
  }

  private event(parameters: Record<string, string> = {}, formInputs: Record<string, unknown> = {}) {
    const commonEventObject = this.commonEvent(parameters, formInputs);
    const legacyForm = Object.fromEntries(
      Object.entries(formInputs).map(([k, v]: [string, any]) => [k, v.stringInputs?.value ?? []]),
    );
    return {
      commonEventObject,
      ...(this.message ? { gmail: { ...this.message }, messageMetadata: { ...this.message } } : {}),
      // Legacy fields Google still sends beside commonEventObject.
      clientPlatform: "web",
      hostApp: "gmail",
      parameters,
      formInputs: legacyForm,
      formInput: Object.fromEntries(Object.entries(legacyForm).map(([k, v]) => [k, (v as string[])[0]])),
    };
  }

  private async execute(fn: string, event: unknown): Promise<Invocation> {
    if (!this.manifest.oauthScopes.includes(SCOPES.execute))
      throw new SidebarError("Gmail does not run add-ons without the gmail.addons.execute scope.");
    const inv = await this.o.host.invoke(fn, event, {
      user: this.o.user,
      identityToken: await this.o.identityToken(),
      grant: this.message
        ? { messageId: this.message.messageId, accessToken: this.message.accessToken }
        : null,
    });
    this.history.push(inv);
    return inv;
  }

  private showCards(inv: Invocation): Invocation {
    if (inv.result.kind !== "cards")
      throw new SidebarError(
        `${inv.fn} must return a Card or Card[]; got ${JSON.stringify(inv.result).slice(0, 500)}`,
      );
    this.stack = [inv.result.cards[0]];
    this.edits = {};
    return inv;
  }

  /** The contextual trigger: the user opens a message. */
  async openMessage(messageId: string, threadId = messageId): Promise<Invocation> {
    const trigger = this.manifest.addOns?.gmail?.contextualTriggers?.[0]?.onTriggerFunction;
    if (!trigger) throw new SidebarError("The manifest has no Gmail contextual trigger.");
    this.message = { messageId, threadId, accessToken: `fake-msg-token-${crypto.randomUUID()}` };
    return this.showCards(await this.execute(trigger, this.event()));
  }

  /** The homepage trigger: the add-on is opened with no message. */
  async openHomepage(): Promise<Invocation> {
    const trigger = this.manifest.addOns?.common?.homepageTrigger?.runFunction;
    if (!trigger) throw new SidebarError("The manifest has no homepage trigger.");
    this.message = null;
    return this.showCards(await this.execute(trigger, this.event()));
  }

  /** The user types or picks a value (DateTimePicker: ms since epoch). */
  fill(values: Record<string, FormValue>): void {
    Object.assign(this.edits, values);
  }

  /** What Gmail sends as formInputs: every input of the shown card with its current value. */
  formInputs(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const s of this.card.sections)
      for (const w of s.widgets) {
        if ("textInput" in w) {
          const v = this.edits[w.textInput.name] ?? w.textInput.value ?? "";
          if (v !== "") out[w.textInput.name] = { stringInputs: { value: [String(v)] } };
        } else if ("selectionInput" in w) {
          const edit = this.edits[w.selectionInput.name];
          const v =
            edit !== undefined
              ? ([] as string[]).concat(edit as string | string[])
              : w.selectionInput.items.filter((i) => i.selected).map((i) => i.value);
          if (v.length) out[w.selectionInput.name] = { stringInputs: { value: v } };
        } else if ("dateTimePicker" in w) {
          const v = this.edits[w.dateTimePicker.name] ?? w.dateTimePicker.valueMsEpoch;
          if (v !== undefined)
            out[w.dateTimePicker.name] = {
              dateTimeInput: { hasDate: true, hasTime: true, msSinceEpoch: String(v) },
            };
        }
      }
    return out;
  }

  /** Clicks the button (or clickable text) whose label matches, on the shown card. */
  async click(label: string | RegExp): Promise<Invocation> {
    const all = clickables(this.card);
    const hit = all.find((c) => (typeof label === "string" ? c.label === label : label.test(c.label)));
    if (!hit)
      throw new SidebarError(
        `No button "${label}" on the card; there are: ${all.map((c) => c.label).join(", ")}`,
      );
    if (hit.disabled) throw new SidebarError(`The button "${hit.label}" is disabled.`);
    if (!hit.onClick.action) throw new SidebarError(`The button "${hit.label}" opens a link.`);
    return this.runAction(hit.onClick.action);
  }

  async clickIndex(index: number): Promise<Invocation> {
    const hit = clickables(this.card)[index];
    if (!hit?.onClick.action) throw new SidebarError(`No action at index ${index}.`);
    return this.runAction(hit.onClick.action);
  }

  async runAction(action: ActionJson): Promise<Invocation> {
    const params = Object.fromEntries(action.parameters.map((p) => [p.key, p.value]));
    const inv = await this.execute(action.function, this.event(params, this.formInputs()));
    if (inv.result.kind !== "action")
      throw new SidebarError(
        `${action.function} must return an ActionResponse; got ${JSON.stringify(inv.result).slice(0, 500)}`,
      );
    const r = inv.result.response;
    for (const n of r.navigations) this.navigate(n);
    if (r.notification) this.notifications.push(r.notification.text);
    if (r.openLink) this.openWindow(r.openLink);
    return inv;
  }

  /**
   * The user picks a value of a selection input (or types into a text input): Gmail runs the widget's
   * onChangeAction, if it has one, with the form as it now is.
   */
  async change(name: string, value: FormValue): Promise<Invocation | null> {
    this.fill({ [name]: value });
    const widget = this.card.sections
      .flatMap((s) => s.widgets)
      .map((w: WidgetJson) => Object.values(w)[0] as { name?: string; onChangeAction?: ActionJson })
      .find((w) => w?.name === name);
    if (!widget) throw new SidebarError(`No input "${name}" on the card.`);
    return widget.onChangeAction ? this.runAction(widget.onChangeAction) : null;
  }

  /** The add-on's universal actions (the manifest's), as Gmail lists them in the add-on's menu. */
  get universalActions(): string[] {
    return (this.manifest.addOns?.common?.universalActions ?? []).map((u: { label: string }) => u.label);
  }

  /** The user picks a universal action from the add-on's menu: its cards become the shown stack. */
  async universalAction(label: string): Promise<Invocation> {
    const entry = (this.manifest.addOns?.common?.universalActions ?? []).find(
      (u: { label: string }) => u.label === label,
    );
    if (!entry) throw new SidebarError(`No universal action "${label}" in the manifest.`);
    if (entry.openLink) {
      this.openWindow({ url: entry.openLink });
      return this.last;
    }
    const inv = await this.execute(entry.runFunction, this.event());
    if (inv.result.kind !== "universal")
      throw new SidebarError(
        `${entry.runFunction} must return a UniversalActionResponse; got ${JSON.stringify(inv.result).slice(0, 500)}`,
      );
    const r = inv.result.response;
    if (r.cards) {
      this.stack = [...r.cards];
      this.edits = {};
    }
    if (r.openLink) this.openWindow(r.openLink);
    return inv;
  }

  /** The user clicks a button that opens a link. */
  followLink(label: string | RegExp): OpenLinkJson {
    const hit = clickables(this.card).find((c) =>
      typeof label === "string" ? c.label === label : label.test(c.label),
    );
    if (!hit?.onClick.openLink) throw new SidebarError(`No link button "${label}" on the card.`);
    return this.openWindow(hit.onClick.openLink);
  }

  /** Gmail opens only links under the manifest's openLinkUrlPrefixes. */
  private openWindow(link: OpenLinkJson): OpenLinkJson {
    const prefixes: string[] = this.manifest.addOns?.common?.openLinkUrlPrefixes ?? [];
    if (!prefixes.some((p) => link.url.startsWith(p)))
      throw new SidebarError(`${link.url} is not under the manifest's openLinkUrlPrefixes.`);
    this.windows.push({ ...link, open: true });
    return link;
  }

  /**
   * The user (or the page) closes the window the add-on opened last. With OnClose.RELOAD Gmail runs
   * the add-on again: the contextual trigger if a message is open, else the homepage.
   */
  async closeWindow(): Promise<Invocation | null> {
    const w = [...this.windows].reverse().find((x) => x.open);
    if (!w) throw new SidebarError("No window is open.");
    w.open = false;
    if (w.onClose !== "RELOAD") return null;
    return this.message
      ? this.openMessage(this.message.messageId, this.message.threadId)
      : this.openHomepage();
  }

  private navigate(n: NavigationJson): void {
    if ("pushCard" in n) this.stack.push(n.pushCard);
    else if ("updateCard" in n) this.stack[this.stack.length - 1] = n.updateCard;
    else if ("popCard" in n) {
      if (this.stack.length > 1) this.stack.pop();
    } else if ("popToRoot" in n) this.stack = this.stack.slice(0, 1);
    else if ("popToCard" in n) {
      const i = this.stack.map((c) => c.name).lastIndexOf(n.popToCard);
      if (i >= 0) this.stack = this.stack.slice(0, i + 1);
    }
    this.edits = {};
  }

  /** The back arrow Gmail shows on pushed cards. */
  back(): void {
    if (this.stack.length > 1) this.stack.pop();
    this.edits = {};
  }
}
