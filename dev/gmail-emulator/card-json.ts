// The JSON a built card records (the shape of Google's card JSON: what `Card.printJson()` prints),
// shared by the CardService fake, the tests and the HTML preview. Fields Google documents as taking
// the simple HTML subset (<b> <i> <u> <s> <font color> <a href> <br>): TextParagraph text,
// DecoratedText text and section headers. Everything else (card header, top and bottom labels,
// button and item texts, input values) is plain text.

/** The HTML subset Google renders in formatted fields. */
export const FORMATTED_TAGS = ["b", "i", "u", "s", "font", "a", "br", "time"];

export interface ActionJson {
  function: string;
  parameters: { key: string; value: string }[];
  loadIndicator?: string;
}

/** Where Gmail opens a link (CardService.OpenAs) and what it does when that window closes (OnClose). */
export interface OpenLinkJson {
  url: string;
  openAs?: "FULL_SIZE" | "OVERLAY";
  onClose?: "NOTHING" | "RELOAD";
}

export interface OnClickJson {
  action?: ActionJson;
  openLink?: OpenLinkJson;
}

export interface ButtonJson {
  text: string;
  onClick: OnClickJson;
  disabled?: boolean;
  type?: string;
}

export type WidgetJson =
  | { textParagraph: { text: string } }
  | {
      decoratedText: {
        text: string;
        topLabel?: string;
        bottomLabel?: string;
        wrapText?: boolean;
        button?: ButtonJson;
        onClick?: OnClickJson;
      };
    }
  | { buttonList: { buttons: ButtonJson[] } }
  | {
      textInput: {
        name: string;
        label?: string;
        value?: string;
        hintText?: string;
        type: "SINGLE_LINE" | "MULTIPLE_LINE";
        onChangeAction?: ActionJson;
        /** Values offered as the user types (Suggestions). */
        initialSuggestions?: { items: { text: string }[] };
      };
    }
  | {
      selectionInput: {
        name: string;
        label?: string;
        type: string;
        items: { text: string; value: string; selected: boolean }[];
        onChangeAction?: ActionJson;
      };
    }
  | {
      dateTimePicker: {
        name: string;
        label?: string;
        type: "DATE_AND_TIME" | "DATE_ONLY" | "TIME_ONLY";
        valueMsEpoch?: number;
        timezoneOffsetDate?: number;
      };
    }
  | { divider: Record<string, never> }
  | { image: { imageUrl: string; altText?: string } };

export interface SectionJson {
  header?: string;
  collapsible?: boolean;
  uncollapsibleWidgetsCount?: number;
  widgets: WidgetJson[];
}

export interface CardJson {
  name?: string;
  header?: { title: string; subtitle?: string; imageUrl?: string };
  sections: SectionJson[];
  fixedFooter?: { primaryButton: ButtonJson; secondaryButton?: ButtonJson };
}

export type NavigationJson =
  | { pushCard: CardJson }
  | { updateCard: CardJson }
  | { popCard: true }
  | { popToRoot: true }
  | { popToCard: string };

export interface ActionResponseJson {
  navigations: NavigationJson[];
  notification?: { text: string };
  openLink?: OpenLinkJson;
  stateChanged?: boolean;
}

/** What a universal action answers: cards to show, or a link to open. */
export interface UniversalActionResponseJson {
  cards?: CardJson[];
  openLink?: OpenLinkJson;
}

/** Every clickable thing of a card with its label, in reading order. */
export function clickables(card: CardJson): { label: string; onClick: OnClickJson; disabled: boolean }[] {
  const out: { label: string; onClick: OnClickJson; disabled: boolean }[] = [];
  const add = (b: ButtonJson) => out.push({ label: b.text, onClick: b.onClick, disabled: !!b.disabled });
  for (const s of card.sections)
    for (const w of s.widgets) {
      if ("buttonList" in w) w.buttonList.buttons.forEach(add);
      if ("decoratedText" in w) {
        if (w.decoratedText.button) add(w.decoratedText.button);
        if (w.decoratedText.onClick)
          out.push({ label: w.decoratedText.text, onClick: w.decoratedText.onClick, disabled: false });
      }
    }
  if (card.fixedFooter) {
    add(card.fixedFooter.primaryButton);
    if (card.fixedFooter.secondaryButton) add(card.fixedFooter.secondaryButton);
  }
  return out;
}

/** The visible text of a card, one widget a line: formatted fields as read (tags removed, entities
 * decoded), plain fields as they are. */
export function cardText(card: CardJson): string {
  const plain = (s = "") => s;
  const strip = (s = "") =>
    s
      .replace(/<br\s*\/?>/gi, " ")
      .replace(/<[^>]*>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  const lines: string[] = [];
  if (card.header) lines.push(plain(card.header.title), plain(card.header.subtitle));
  for (const s of card.sections) {
    if (s.header) lines.push(strip(s.header));
    for (const w of s.widgets) {
      if ("textParagraph" in w) lines.push(strip(w.textParagraph.text));
      else if ("decoratedText" in w) {
        const d = w.decoratedText;
        lines.push(
          [plain(d.topLabel), strip(d.text), plain(d.bottomLabel), plain(d.button?.text)]
            .filter(Boolean)
            .join(" | "),
        );
      } else if ("buttonList" in w) lines.push(w.buttonList.buttons.map((b) => `[${b.text}]`).join(" "));
      else if ("textInput" in w) lines.push(`${w.textInput.label ?? ""}: ${w.textInput.value ?? ""}`);
      else if ("selectionInput" in w)
        lines.push(
          `${w.selectionInput.label ?? ""}: ${w.selectionInput.items.map((i) => `${i.selected ? "[x]" : "[ ]"} ${i.text}`).join(", ")}`,
        );
      else if ("dateTimePicker" in w)
        lines.push(`${w.dateTimePicker.label ?? ""}: ${w.dateTimePicker.valueMsEpoch ?? ""}`);
    }
  }
  return lines.filter(Boolean).join("\n");
}
