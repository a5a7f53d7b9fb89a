// Renders recorded card JSON as HTML for the playground preview: one <form> per card, so the
// buttons post the card's inputs back and the server runs the action in the add-on.
import { type ButtonJson, type CardJson, clickables, FORMATTED_TAGS, type WidgetJson } from "./card-json.js";
import { parts } from "./format-date.js";

const esc = (s = "") =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

/** Keeps only the HTML subset Google renders in formatted fields; anything else shows as text. */
export function formatted(html = ""): string {
  return html.replace(/<(\/?)([a-z]+)([^>]*)>/gi, (m, close: string, tag: string, attrs: string) => {
    const t = tag.toLowerCase();
    if (!FORMATTED_TAGS.includes(t)) return esc(m);
    if (close) return t === "br" ? "" : `</${t}>`;
    if (t === "a") {
      const href = /href\s*=\s*"(https?:[^"]*)"/i.exec(attrs)?.[1];
      return href ? `<a href="${esc(href)}" target="_blank" rel="noopener">` : "<a>";
    }
    if (t === "font") {
      const color = /color\s*=\s*"(#[0-9a-f]{3,8})"/i.exec(attrs)?.[1];
      return color ? `<font color="${color}">` : "<font>";
    }
    return `<${t}>`;
  });
}

/** Minutes east of UTC of a zone at an instant. */
export function zoneOffsetMinutes(timeZone: string, ms: number): number {
  const p = parts(new Date(ms), timeZone);
  const wall = Date.UTC(p.y, p.M - 1, p.d, p.H, p.m);
  return Math.round((wall - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

/** A picker shows its fixed offset if it has one, else the user's zone (as Gmail does). */
export interface PickerZone {
  offsetMinutes?: number;
  timeZone: string;
}

const offsetAt = (z: PickerZone, ms: number) => z.offsetMinutes ?? zoneOffsetMinutes(z.timeZone, ms);

export function toLocalInput(ms: number, z: PickerZone): string {
  return new Date(ms + offsetAt(z, ms) * 60_000).toISOString().slice(0, 16);
}

export function fromLocalInput(value: string, z: PickerZone): number | null {
  const wall = Date.parse(`${value}:00Z`);
  if (Number.isNaN(wall)) return null;
  // The offset depends on the instant; one correction step settles it except inside a DST gap.
  const guess = wall - offsetAt(z, wall) * 60_000;
  return wall - offsetAt(z, guess) * 60_000;
}

export const CHECKBOX_SEPARATOR = "__";

function button(b: ButtonJson, index: number): string {
  const cls = b.type === "FILLED" ? "btn filled" : "btn";
  if (b.onClick.openLink)
    return `<a class="${cls}" href="${esc(b.onClick.openLink.url)}" target="_blank" rel="noopener">${esc(b.text)}</a>`;
  return `<button class="${cls}" name="__click" value="${index}"${b.disabled ? " disabled" : ""}>${esc(b.text)}</button>`;
}

function widget(w: WidgetJson, indexOf: (b: ButtonJson) => number, timeZone: string): string {
  if ("textParagraph" in w) return `<p class="para">${formatted(w.textParagraph.text)}</p>`;
  if ("decoratedText" in w) {
    const d = w.decoratedText;
    const body = [
      d.topLabel ? `<div class="top">${esc(d.topLabel)}</div>` : "",
      `<div class="text">${formatted(d.text)}</div>`,
      d.bottomLabel ? `<div class="bottom">${esc(d.bottomLabel)}</div>` : "",
    ].join("");
    return `<div class="decorated"><div class="dt-body">${body}</div>${d.button ? button(d.button, indexOf(d.button)) : ""}</div>`;
  }
  if ("buttonList" in w)
    return `<div class="buttons">${w.buttonList.buttons.map((b) => button(b, indexOf(b))).join("")}</div>`;
  if ("textInput" in w) {
    const t = w.textInput;
    const field =
      t.type === "MULTIPLE_LINE"
        ? `<textarea name="${esc(t.name)}" rows="3">${esc(t.value)}</textarea>`
        : `<input type="text" name="${esc(t.name)}" value="${esc(t.value)}" placeholder="${esc(t.hintText)}">`;
    return `<label class="input"><span>${esc(t.label)}</span>${field}</label>`;
  }
  if ("selectionInput" in w) {
    const s = w.selectionInput;
    if (s.type === "DROPDOWN")
      return `<label class="input"><span>${esc(s.label)}</span><select name="${esc(s.name)}">${s.items
        .map((i) => `<option value="${esc(i.value)}"${i.selected ? " selected" : ""}>${esc(i.text)}</option>`)
        .join("")}</select></label>`;
    const type = s.type === "RADIO_BUTTON" ? "radio" : "checkbox";
    // One name per checkbox: the server's form parser keeps one value per name.
    const items = s.items
      .map(
        (i, n) =>
          `<label class="check"><input type="${type}" name="${esc(type === "radio" ? s.name : `${s.name}${CHECKBOX_SEPARATOR}${n}`)}" value="${esc(i.value)}"${i.selected ? " checked" : ""}> ${esc(i.text)}</label>`,
      )
      .join("");
    return `<fieldset class="input"><legend>${esc(s.label)}</legend>${items}</fieldset>`;
  }
  if ("dateTimePicker" in w) {
    const p = w.dateTimePicker;
    const zone = { offsetMinutes: p.timezoneOffsetDate, timeZone };
    const value = p.valueMsEpoch !== undefined ? toLocalInput(p.valueMsEpoch, zone) : "";
    return `<label class="input"><span>${esc(p.label)}</span><input type="datetime-local" name="${esc(p.name)}" value="${value}"></label>`;
  }
  if ("divider" in w) return "<hr>";
  if ("image" in w) return `<img src="${esc(w.image.imageUrl)}" alt="${esc(w.image.altText)}">`;
  return "";
}

/** The card as a form posting to `action`; each button posts its index among the card's clickables.
 * `timeZone`: the user's zone, in which pickers without a fixed offset show their time. */
export function renderCard(card: CardJson, action: string, timeZone: string): string {
  const all = clickables(card);
  const indexOf = (b: ButtonJson) => all.findIndex((c) => c.onClick === b.onClick);
  const header = card.header
    ? `<header class="card-header"><h2>${esc(card.header.title)}</h2>${card.header.subtitle ? `<p>${esc(card.header.subtitle)}</p>` : ""}</header>`
    : "";
  const sections = card.sections
    .map(
      (s) =>
        `<section class="card-section">${s.header ? `<h3>${formatted(s.header)}</h3>` : ""}${s.widgets.map((w) => widget(w, indexOf, timeZone)).join("")}</section>`,
    )
    .join("");
  const footer = card.fixedFooter
    ? `<footer class="buttons">${button(card.fixedFooter.primaryButton, indexOf(card.fixedFooter.primaryButton))}${card.fixedFooter.secondaryButton ? button(card.fixedFooter.secondaryButton, indexOf(card.fixedFooter.secondaryButton)) : ""}</footer>`
    : "";
  return `<form class="card" method="post" action="${esc(action)}">${header}${sections}${footer}</form>`;
}

/** The form a card posted back, as sidebar values (checkbox groups gathered, pickers to ms). */
export function formValuesFromPost(
  card: CardJson,
  body: Record<string, string>,
  timeZone: string,
): Record<string, string | string[] | number> {
  const out: Record<string, string | string[] | number> = {};
  for (const s of card.sections)
    for (const w of s.widgets) {
      if ("textInput" in w) out[w.textInput.name] = body[w.textInput.name] ?? "";
      else if ("selectionInput" in w) {
        const si = w.selectionInput;
        if (si.type === "DROPDOWN" || si.type === "RADIO_BUTTON")
          out[si.name] = body[si.name] ? [body[si.name]] : [];
        else
          out[si.name] = si.items
            .map((_i, n) => body[`${si.name}${CHECKBOX_SEPARATOR}${n}`])
            .filter((v): v is string => typeof v === "string");
      } else if ("dateTimePicker" in w) {
        const zone = { offsetMinutes: w.dateTimePicker.timezoneOffsetDate, timeZone };
        const ms = fromLocalInput(body[w.dateTimePicker.name] ?? "", zone);
        if (ms !== null) out[w.dateTimePicker.name] = ms;
      }
    }
  return out;
}
