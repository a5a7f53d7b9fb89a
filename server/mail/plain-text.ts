// R-MAIL-5: the plain-text rendition of a logged email, which search and the sidebars read. It is
// the message's own text part when it has a non-blank one, else the text of the sanitised HTML (so
// script and style content never reaches it). Invisible formatting characters are removed so that
// "beauti&shy;ful" is found as "beautiful" and "Sale&nbsp;Today" as "Sale Today".
import { convert } from "html-to-text";

const MAX_NESTING = 500;

export function htmlToPlainText(html: string): string {
  return convert(html, {
    wordwrap: false,
    limits: { maxDepth: MAX_NESTING },
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
      { selector: "h3", options: { uppercase: false } },
    ],
  });
}

export function cleanPlainText(text: string): string {
  return text
    .replace(/\u0000/g, "")
    .replace(/\u00ad/g, "")
    .replace(/(?<=\p{Script=Latin})[\u200b-\u200d\u2060\ufeff](?=\p{Script=Latin})/gu, "")
    .replace(/[\u00a0\u202f]/g, " ")
    .replace(/\r\n?/g, "\n");
}

export function plainTextOf(text: string | undefined, sanitizedHtml: string | null): string {
  const own = text?.trim() ? text : sanitizedHtml ? htmlToPlainText(sanitizedHtml) : "";
  return cleanPlainText(own);
}
