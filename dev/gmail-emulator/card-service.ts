// A fake of Apps Script's CardService: the same builder API, recording each built card as JSON and
// refusing what the real service refuses (provider-contracts §8.5/§8.9, Google's card docs):
// non-string action parameters, cards without sections, sections without widgets, more than 100
// sections per card or 100 widgets per section, inputs without a field name, builders where a
// built object is required. Methods the add-on might call but Google lacks do not exist here.
import type {
  ActionJson,
  ActionResponseJson,
  ButtonJson,
  CardJson,
  NavigationJson,
  OnClickJson,
  OpenLinkJson,
  SectionJson,
  UniversalActionResponseJson,
  WidgetJson,
} from "./card-json.js";

export const MAX_SECTIONS = 100;
export const MAX_WIDGETS = 100;

export class CardServiceError extends Error {
  constructor(message: string) {
    super(`Exception: ${message}`);
  }
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new CardServiceError(`Invalid argument: ${what} must be a string`);
  return value;
}

function requireNumber(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new CardServiceError(`Invalid argument: ${what} must be a number`);
  return value;
}

export class Action {
  private json: Partial<ActionJson> = {};
  setFunctionName(name: string) {
    this.json.function = requireString(name, "functionName");
    return this;
  }
  setParameters(parameters: Record<string, string>) {
    if (!parameters || typeof parameters !== "object")
      throw new CardServiceError("Invalid argument: parameters");
    this.json.parameters = Object.keys(parameters).map((key) => {
      const value = (parameters as Record<string, unknown>)[key];
      if (typeof value !== "string")
        throw new CardServiceError(
          `Invalid argument: parameters (action parameter values must be strings; '${key}' is ${value === null ? "null" : typeof value})`,
        );
      return { key, value };
    });
    return this;
  }
  setLoadIndicator(indicator: string) {
    this.json.loadIndicator = String(indicator);
    return this;
  }
  setPersistValues(_persist: boolean) {
    return this;
  }
  toJSON(): ActionJson {
    if (!this.json.function) throw new CardServiceError("An Action needs a function name (setFunctionName).");
    return {
      function: this.json.function,
      parameters: this.json.parameters ?? [],
      loadIndicator: this.json.loadIndicator,
    };
  }
}

const OPEN_AS = ["FULL_SIZE", "OVERLAY"] as const;
const ON_CLOSE = ["NOTHING", "RELOAD"] as const;

/**
 * A link Gmail opens in a new window (FULL_SIZE, the default) or an overlay pop-up (OVERLAY); with
 * OnClose.RELOAD, Gmail runs the add-on again when that window closes (the way to learn that a sign-in
 * done there finished). Values other than the enums' are refused, as the real builder does.
 */
export class OpenLink {
  url = "";
  private openAs: OpenLinkJson["openAs"];
  private onClose: OpenLinkJson["onClose"];
  setUrl(url: string) {
    this.url = requireString(url, "url");
    return this;
  }
  setOpenAs(v: string) {
    if (!OPEN_AS.includes(v as never)) throw new CardServiceError(`Invalid argument: openAs (${v})`);
    this.openAs = v as OpenLinkJson["openAs"];
    return this;
  }
  setOnClose(v: string) {
    if (!ON_CLOSE.includes(v as never)) throw new CardServiceError(`Invalid argument: onClose (${v})`);
    this.onClose = v as OpenLinkJson["onClose"];
    return this;
  }
  toJSON(): OpenLinkJson {
    if (!this.url) throw new CardServiceError("An OpenLink needs a URL (setUrl).");
    return {
      url: this.url,
      ...(this.openAs ? { openAs: this.openAs } : {}),
      ...(this.onClose ? { onClose: this.onClose } : {}),
    };
  }
}

function requireLink(l: unknown): OpenLink {
  if (!(l instanceof OpenLink))
    throw new CardServiceError("Invalid argument: openLink (expected an OpenLink)");
  return l;
}

/** Base of everything a section accepts: cards and sections are not widgets. */
export abstract class Widget {
  abstract toJSON(): WidgetJson;
}

function onClickJson(action: Action | null, link: OpenLink | null): OnClickJson | undefined {
  if (action) return { action: action.toJSON() };
  if (link) return { openLink: link.toJSON() };
  return undefined;
}

function requireAction(a: unknown): Action {
  if (!(a instanceof Action)) throw new CardServiceError("Invalid argument: action (expected an Action)");
  return a;
}

export class TextButton {
  private text = "";
  private action: Action | null = null;
  private link: OpenLink | null = null;
  private disabled = false;
  private style: string | undefined;
  setText(text: string) {
    this.text = requireString(text, "text");
    return this;
  }
  setOnClickAction(action: Action) {
    this.action = requireAction(action);
    return this;
  }
  setOpenLink(link: OpenLink) {
    this.link = requireLink(link);
    return this;
  }
  setDisabled(disabled: boolean) {
    this.disabled = !!disabled;
    return this;
  }
  setTextButtonStyle(style: string) {
    this.style = String(style);
    return this;
  }
  toJSON(): ButtonJson {
    if (!this.text) throw new CardServiceError("A TextButton needs text.");
    const onClick = onClickJson(this.action, this.link);
    if (!onClick) throw new CardServiceError("A TextButton needs an action or a link.");
    return {
      text: this.text,
      onClick,
      ...(this.disabled ? { disabled: true } : {}),
      ...(this.style ? { type: this.style } : {}),
    };
  }
}

export class ButtonSet extends Widget {
  private buttons: TextButton[] = [];
  addButton(button: TextButton) {
    if (!(button instanceof TextButton)) throw new CardServiceError("Invalid argument: button");
    this.buttons.push(button);
    return this;
  }
  toJSON(): WidgetJson {
    if (this.buttons.length === 0) throw new CardServiceError("A ButtonSet needs at least one button.");
    return { buttonList: { buttons: this.buttons.map((b) => b.toJSON()) } };
  }
}

export class TextParagraph extends Widget {
  private text = "";
  setText(text: string) {
    this.text = requireString(text, "text");
    return this;
  }
  setMaxLines(_n: number) {
    return this;
  }
  toJSON(): WidgetJson {
    return { textParagraph: { text: this.text } };
  }
}

export class DecoratedText extends Widget {
  private json: { text?: string; topLabel?: string; bottomLabel?: string; wrapText?: boolean } = {};
  private button: TextButton | null = null;
  private action: Action | null = null;
  setText(text: string) {
    this.json.text = requireString(text, "text");
    return this;
  }
  setTopLabel(text: string) {
    this.json.topLabel = requireString(text, "topLabel");
    return this;
  }
  setBottomLabel(text: string) {
    this.json.bottomLabel = requireString(text, "bottomLabel");
    return this;
  }
  setWrapText(wrap: boolean) {
    this.json.wrapText = !!wrap;
    return this;
  }
  setButton(button: TextButton) {
    if (!(button instanceof TextButton)) throw new CardServiceError("Invalid argument: button");
    this.button = button;
    return this;
  }
  setOnClickAction(action: Action) {
    this.action = requireAction(action);
    return this;
  }
  toJSON(): WidgetJson {
    if (!this.json.text) throw new CardServiceError("A DecoratedText needs text.");
    return {
      decoratedText: {
        ...this.json,
        text: this.json.text,
        ...(this.button ? { button: this.button.toJSON() } : {}),
        ...(this.action ? { onClick: { action: this.action.toJSON() } } : {}),
      },
    };
  }
}

function requireField(name: string | undefined, widget: string): string {
  if (!name) throw new CardServiceError(`A ${widget} needs a field name (setFieldName).`);
  return name;
}

/** Values a TextInput offers as the user types (CardService.newSuggestions()). */
export class Suggestions {
  readonly items: string[] = [];
  addSuggestion(text: string) {
    this.items.push(requireString(text, "suggestion"));
    return this;
  }
  addSuggestions(texts: string[]) {
    for (const t of texts) this.addSuggestion(t);
    return this;
  }
}

export class TextInput extends Widget {
  private json: { name?: string; label?: string; value?: string; hintText?: string; multiline?: boolean } =
    {};
  private onChange: Action | null = null;
  private suggestions: Suggestions | null = null;
  setSuggestions(suggestions: Suggestions) {
    if (!(suggestions instanceof Suggestions)) throw new CardServiceError("Invalid argument: suggestions");
    this.suggestions = suggestions;
    return this;
  }
  setFieldName(name: string) {
    this.json.name = requireString(name, "fieldName");
    return this;
  }
  setTitle(title: string) {
    this.json.label = requireString(title, "title");
    return this;
  }
  setValue(value: string) {
    this.json.value = requireString(value, "value");
    return this;
  }
  setHint(hint: string) {
    this.json.hintText = requireString(hint, "hint");
    return this;
  }
  setMultiline(multiline: boolean) {
    this.json.multiline = !!multiline;
    return this;
  }
  setOnChangeAction(action: Action) {
    this.onChange = requireAction(action);
    return this;
  }
  toJSON(): WidgetJson {
    const { multiline, ...rest } = this.json;
    return {
      textInput: {
        ...rest,
        name: requireField(this.json.name, "TextInput"),
        type: multiline ? "MULTIPLE_LINE" : "SINGLE_LINE",
        ...(this.onChange ? { onChangeAction: this.onChange.toJSON() } : {}),
        ...(this.suggestions?.items.length
          ? { initialSuggestions: { items: this.suggestions.items.map((text) => ({ text })) } }
          : {}),
      },
    };
  }
}

export class SelectionInput extends Widget {
  private json: { name?: string; label?: string; type: string } = { type: "CHECK_BOX" };
  private items: { text: string; value: string; selected: boolean }[] = [];
  private onChange: Action | null = null;
  setFieldName(name: string) {
    this.json.name = requireString(name, "fieldName");
    return this;
  }
  setTitle(title: string) {
    this.json.label = requireString(title, "title");
    return this;
  }
  setType(type: string) {
    this.json.type = String(type);
    return this;
  }
  addItem(text: string, value: string, selected: boolean) {
    this.items.push({ text: requireString(text, "text"), value: String(value), selected: !!selected });
    return this;
  }
  setOnChangeAction(action: Action) {
    this.onChange = requireAction(action);
    return this;
  }
  toJSON(): WidgetJson {
    if (this.items.length === 0) throw new CardServiceError("A SelectionInput needs at least one item.");
    if (this.json.type !== "CHECK_BOX" && this.items.filter((i) => i.selected).length > 1)
      throw new CardServiceError(`A ${this.json.type} SelectionInput can have only one selected item.`);
    return {
      selectionInput: {
        ...this.json,
        name: requireField(this.json.name, "SelectionInput"),
        items: this.items,
        ...(this.onChange ? { onChangeAction: this.onChange.toJSON() } : {}),
      },
    };
  }
}

export class DateTimePicker extends Widget {
  private json: { name?: string; label?: string; valueMsEpoch?: number; timezoneOffsetDate?: number } = {};
  setFieldName(name: string) {
    this.json.name = requireString(name, "fieldName");
    return this;
  }
  setTitle(title: string) {
    this.json.label = requireString(title, "title");
    return this;
  }
  setValueInMsSinceEpoch(ms: number) {
    this.json.valueMsEpoch = requireNumber(ms, "valueInMsSinceEpoch");
    return this;
  }
  setTimeZoneOffsetInMins(minutes: number) {
    const m = requireNumber(minutes, "timeZoneOffsetInMins");
    if (!Number.isInteger(m) || Math.abs(m) > 14 * 60)
      throw new CardServiceError(
        "Invalid argument: timeZoneOffsetInMins must be whole minutes within ±14 hours",
      );
    this.json.timezoneOffsetDate = m;
    return this;
  }
  toJSON(): WidgetJson {
    return {
      dateTimePicker: {
        ...this.json,
        name: requireField(this.json.name, "DateTimePicker"),
        type: "DATE_AND_TIME",
      },
    };
  }
}

export class Divider extends Widget {
  toJSON(): WidgetJson {
    return { divider: {} };
  }
}

export class CardHeader {
  json: { title?: string; subtitle?: string; imageUrl?: string } = {};
  setTitle(title: string) {
    this.json.title = requireString(title, "title");
    return this;
  }
  setSubtitle(subtitle: string) {
    this.json.subtitle = requireString(subtitle, "subtitle");
    return this;
  }
  setImageUrl(url: string) {
    this.json.imageUrl = requireString(url, "imageUrl");
    return this;
  }
  setImageStyle(_s: string) {
    return this;
  }
  setImageAltText(_s: string) {
    return this;
  }
}

export class CardSection {
  private header: string | undefined;
  private widgets: Widget[] = [];
  private collapsible = false;
  private uncollapsible: number | undefined;
  setHeader(header: string) {
    this.header = requireString(header, "header");
    return this;
  }
  addWidget(widget: Widget) {
    if (!(widget instanceof Widget))
      throw new CardServiceError(
        "Invalid argument: widget (cards, sections and builders cannot be added to a section)",
      );
    this.widgets.push(widget);
    return this;
  }
  setCollapsible(c: boolean) {
    this.collapsible = !!c;
    return this;
  }
  setNumUncollapsibleWidgets(n: number) {
    this.uncollapsible = requireNumber(n, "numUncollapsibleWidgets");
    return this;
  }
  toJSON(): SectionJson {
    if (this.widgets.length === 0) throw new CardServiceError("A card section needs at least one widget.");
    if (this.widgets.length > MAX_WIDGETS)
      throw new CardServiceError(
        `A card section can have at most ${MAX_WIDGETS} widgets (this one has ${this.widgets.length}).`,
      );
    return {
      ...(this.header !== undefined ? { header: this.header } : {}),
      ...(this.collapsible ? { collapsible: true, uncollapsibleWidgetsCount: this.uncollapsible ?? 0 } : {}),
      widgets: this.widgets.map((w) => w.toJSON()),
    };
  }
}

export class FixedFooter {
  primary: TextButton | null = null;
  secondary: TextButton | null = null;
  setPrimaryButton(b: TextButton) {
    this.primary = b;
    return this;
  }
  setSecondaryButton(b: TextButton) {
    this.secondary = b;
    return this;
  }
}

/** A built card: immutable JSON. */
export class Card {
  constructor(readonly json: CardJson) {
    Object.freeze(this);
  }
  printJson(): string {
    return JSON.stringify(this.json, null, 2);
  }
}

export class CardBuilder {
  private name: string | undefined;
  private header: CardHeader | null = null;
  private sections: CardSection[] = [];
  private footer: FixedFooter | null = null;
  setName(name: string) {
    this.name = requireString(name, "name");
    return this;
  }
  setHeader(header: CardHeader) {
    if (!(header instanceof CardHeader)) throw new CardServiceError("Invalid argument: header");
    this.header = header;
    return this;
  }
  addSection(section: CardSection) {
    if (!(section instanceof CardSection)) throw new CardServiceError("Invalid argument: section");
    this.sections.push(section);
    return this;
  }
  setFixedFooter(footer: FixedFooter) {
    this.footer = footer;
    return this;
  }
  build(): Card {
    if (this.sections.length === 0) throw new CardServiceError("A card needs at least one section.");
    if (this.sections.length > MAX_SECTIONS)
      throw new CardServiceError(
        `A card can have at most ${MAX_SECTIONS} sections (this one has ${this.sections.length}).`,
      );
    if (this.header && !this.header.json.title) throw new CardServiceError("A card header needs a title.");
    if (this.footer && !this.footer.primary)
      throw new CardServiceError("A fixed footer needs a primary button.");
    const json: CardJson = {
      ...(this.name ? { name: this.name } : {}),
      ...(this.header ? { header: { ...this.header.json, title: this.header.json.title! } } : {}),
      sections: this.sections.map((s) => s.toJSON()),
      ...(this.footer?.primary
        ? {
            fixedFooter: {
              primaryButton: this.footer.primary.toJSON(),
              ...(this.footer.secondary ? { secondaryButton: this.footer.secondary.toJSON() } : {}),
            },
          }
        : {}),
    };
    return new Card(json);
  }
}

function requireCard(card: unknown): CardJson {
  if (!(card instanceof Card))
    throw new CardServiceError("Invalid argument: card (build() the CardBuilder first)");
  return card.json;
}

export class Navigation {
  readonly ops: NavigationJson[] = [];
  pushCard(card: Card) {
    this.ops.push({ pushCard: requireCard(card) });
    return this;
  }
  updateCard(card: Card) {
    this.ops.push({ updateCard: requireCard(card) });
    return this;
  }
  popCard() {
    this.ops.push({ popCard: true });
    return this;
  }
  popToRoot() {
    this.ops.push({ popToRoot: true });
    return this;
  }
  popToNamedCard(name: string) {
    this.ops.push({ popToCard: requireString(name, "cardName") });
    return this;
  }
}

export class Notification {
  text = "";
  setText(text: string) {
    this.text = requireString(text, "text");
    return this;
  }
}

export class ActionResponse {
  constructor(readonly json: ActionResponseJson) {
    Object.freeze(this);
  }
  printJson(): string {
    return JSON.stringify(this.json, null, 2);
  }
}

export class ActionResponseBuilder {
  private navigation: Navigation | null = null;
  private notification: Notification | null = null;
  private link: OpenLink | null = null;
  private stateChanged = false;
  setNavigation(n: Navigation) {
    if (!(n instanceof Navigation)) throw new CardServiceError("Invalid argument: navigation");
    this.navigation = n;
    return this;
  }
  setNotification(n: Notification) {
    if (!(n instanceof Notification)) throw new CardServiceError("Invalid argument: notification");
    this.notification = n;
    return this;
  }
  setOpenLink(l: OpenLink) {
    this.link = requireLink(l);
    return this;
  }
  setStateChanged(changed: boolean) {
    this.stateChanged = !!changed;
    return this;
  }
  build(): ActionResponse {
    if (!this.navigation && !this.notification && !this.link && !this.stateChanged)
      throw new CardServiceError(
        "An ActionResponse needs a navigation, a notification, a link or a state change.",
      );
    if (this.notification && !this.notification.text)
      throw new CardServiceError("A notification needs text.");
    return new ActionResponse({
      navigations: this.navigation ? [...this.navigation.ops] : [],
      ...(this.notification ? { notification: { text: this.notification.text } } : {}),
      ...(this.link ? { openLink: this.link.toJSON() } : {}),
      ...(this.stateChanged ? { stateChanged: true } : {}),
    });
  }
}

export class UniversalActionResponse {
  constructor(readonly json: UniversalActionResponseJson) {
    Object.freeze(this);
  }
  printJson(): string {
    return JSON.stringify(this.json, null, 2);
  }
}

/** A universal action's answer: the cards Gmail shows as the add-on's new stack, or a link. */
export class UniversalActionResponseBuilder {
  private cards: CardJson[] | null = null;
  private link: OpenLink | null = null;
  displayAddOnCards(cards: Card[]) {
    if (!Array.isArray(cards) || cards.length === 0)
      throw new CardServiceError("Invalid argument: cardObjects (a non-empty array of built cards)");
    this.cards = cards.map(requireCard);
    return this;
  }
  setOpenLink(l: OpenLink) {
    this.link = requireLink(l);
    return this;
  }
  build(): UniversalActionResponse {
    if (!this.cards && !this.link)
      throw new CardServiceError("A UniversalActionResponse needs cards (displayAddOnCards) or a link.");
    return new UniversalActionResponse({
      ...(this.cards ? { cards: this.cards } : {}),
      ...(this.link ? { openLink: this.link.toJSON() } : {}),
    });
  }
}

const enumOf = <T extends string>(...names: T[]) =>
  Object.freeze(Object.fromEntries(names.map((n) => [n, n]))) as Readonly<Record<T, T>>;

export function createCardService() {
  return Object.freeze({
    newCardBuilder: () => new CardBuilder(),
    newCardHeader: () => new CardHeader(),
    newCardSection: () => new CardSection(),
    newTextParagraph: () => new TextParagraph(),
    newDecoratedText: () => new DecoratedText(),
    newTextInput: () => new TextInput(),
    newSuggestions: () => new Suggestions(),
    newSelectionInput: () => new SelectionInput(),
    newDateTimePicker: () => new DateTimePicker(),
    newDivider: () => new Divider(),
    newButtonSet: () => new ButtonSet(),
    newTextButton: () => new TextButton(),
    newAction: () => new Action(),
    newOpenLink: () => new OpenLink(),
    newFixedFooter: () => new FixedFooter(),
    newNavigation: () => new Navigation(),
    newNotification: () => new Notification(),
    newActionResponseBuilder: () => new ActionResponseBuilder(),
    newUniversalActionResponseBuilder: () => new UniversalActionResponseBuilder(),
    SelectionInputType: enumOf("CHECK_BOX", "RADIO_BUTTON", "DROPDOWN", "SWITCH", "MULTI_SELECT"),
    TextButtonStyle: enumOf("OUTLINED", "TEXT", "FILLED", "FILLED_TONAL", "BORDERLESS"),
    LoadIndicator: enumOf("SPINNER", "NONE"),
    ImageStyle: enumOf("SQUARE", "CIRCLE"),
    OpenAs: enumOf(...OPEN_AS),
    OnClose: enumOf(...ON_CLOSE),
  });
}
