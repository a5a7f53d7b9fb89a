// R-MAIL-5: logged HTML is shown inside the CRM and the sidebars, so it must not run code or load
// anything when viewed. Kept: text formatting, tables, links (http, https, mailto, tel; opened in a
// new tab without referrer), inline styles without url()/expression(). Removed: script, style,
// meta (refresh), object, embed, iframe, form, base, link, svg, every on* attribute, javascript: and
// data: links. Images: cid: images point at the stored attachment; data: raster images stay; remote
// images lose their src (no tracking-pixel fetch), keep their alt and remember the address in
// data-remote-src so a viewer may offer "load images".
import sanitizeHtml from "sanitize-html";

const TAGS = (
  "a abbr address b bdi bdo big blockquote br caption center cite code col colgroup dd del details " +
  "dfn div dl dt em figcaption figure font h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s " +
  "samp small span strike strong sub summary sup table tbody td tfoot th thead tr tt u ul var wbr"
).split(" ");

const COMMON_ATTRIBUTES = (
  "style align valign dir lang title width height bgcolor color border cellpadding cellspacing " +
  "colspan rowspan nowrap face size start type"
).split(" ");

// Whole elements whose content is not text a reader should see.
const DROP_WITH_CONTENT = (
  "script style title noscript template textarea option select object embed iframe frame " +
  "frameset applet svg math xml"
).split(" ");

const SAFE_DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|bmp);/i;
const REMOTE = /^(?:https?:)?\/\//i;
const UNSAFE_CSS =
  /url\s*\(|image-set\s*\(|expression\s*\(|@import|behaviou?r\s*:|-moz-binding|javascript:|\\/i;

/** Drops style declarations that could load something or run code; keeps the rest. */
function safeStyle(style: string): string | undefined {
  const kept = style
    .split(";")
    .map((d) => d.trim())
    .filter((d) => d && !UNSAFE_CSS.test(d));
  return kept.length ? kept.join("; ") : undefined;
}

function cidOf(src: string): string | undefined {
  if (!/^cid:/i.test(src)) return undefined;
  const id = src.slice(4).replace(/^<|>$/g, "");
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/** `attachmentUrl(contentId)` gives the address of the stored inline image, if there is one. */
export function sanitizeEmailHtml(
  html: string,
  attachmentUrl: (contentId: string) => string | undefined,
): string {
  return sanitizeHtml(html, {
    allowedTags: TAGS,
    allowedAttributes: {
      "*": COMMON_ATTRIBUTES,
      a: ["href", "name", "target", "rel"],
      img: ["src", "alt", "data-remote-src"],
    },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    allowedSchemesByTag: { img: ["data"] },
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    nonTextTags: DROP_WITH_CONTENT,
    transformTags: {
      "*": (tagName, attribs) => {
        const out: Record<string, string> = { ...attribs };
        if (out.style !== undefined) {
          const style = safeStyle(out.style);
          if (style) out.style = style;
          else delete out.style;
        }
        if (tagName === "a") {
          out.target = "_blank";
          out.rel = "noopener noreferrer nofollow";
        }
        if (tagName === "img") {
          const src = (out.src ?? "").trim();
          delete out.src;
          const cid = cidOf(src);
          if (cid !== undefined) {
            const url = attachmentUrl(cid);
            if (url) out.src = url;
          } else if (SAFE_DATA_IMAGE.test(src)) out.src = src;
          else if (REMOTE.test(src)) out["data-remote-src"] = src;
        }
        return { tagName, attribs: out };
      },
    },
  });
}
