/// <reference types="office-js" />
// The Mailbox the pane uses, over Office.js (Outlook, or the playground's fake of it).
// Requirement sets: the manifest asks for Mailbox 1.5 (ItemChanged for pinning); every newer API is
// guarded here with isSetSupported so older hosts degrade instead of failing.

import { normalizeMessageId } from "../../../shared/message-id.js";
import { base64ToBytes, officeCall, supports } from "./office-async.js";
import { officeAuth } from "./office-auth.js";
import { openProviderSignIn } from "./office-dialog.js";
import { ianaZone } from "./time-zone.js";
import {
  type Address,
  type CategoryResult,
  LOGGED_CATEGORY,
  type Mailbox,
  type OpenMessage,
} from "./types.js";

const address = (d: Office.EmailAddressDetails | undefined | null): Address | null =>
  d?.emailAddress ? { name: d.displayName || "", email: d.emailAddress } : null;

function readItem(): OpenMessage | null {
  const item = Office.context.mailbox.item as Office.MessageRead | null | undefined;
  if (!item || item.itemType !== Office.MailboxEnums.ItemType.Message) return null;
  return {
    itemId: item.itemId ?? item.internetMessageId ?? item.subject,
    internetMessageId: normalizeMessageId(item.internetMessageId ?? "") || null,
    subject: item.subject ?? "",
    from: address(item.from) ?? address(item.sender),
    to: (item.to ?? []).map(address).filter((a): a is Address => a !== null),
    cc: (item.cc ?? []).map(address).filter((a): a is Address => a !== null),
    attachments: (item.attachments ?? []).map((a) => ({
      id: a.id,
      name: a.name,
      contentType: a.contentType,
      size: a.size,
      isInline: a.isInline,
      kind: a.attachmentType as "file" | "item" | "cloud",
    })),
  };
}

function isDark(): boolean {
  const theme = supports("Mailbox", "1.14") ? Office.context.officeTheme : undefined;
  const bg = theme?.bodyBackgroundColor;
  if (bg && /^#?[0-9a-f]{6}$/i.test(bg)) {
    const n = Number.parseInt(bg.replace("#", ""), 16);
    const luminance = (0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
    return luminance < 0.5;
  }
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

async function rawMessage(): Promise<Uint8Array> {
  const item = Office.context.mailbox.item as Office.MessageRead;
  if (supports("Mailbox", "1.14") && typeof item.getAsFileAsync === "function") {
    return base64ToBytes(await officeCall<string>((cb) => item.getAsFileAsync(cb)));
  }
  // Older hosts: rebuild the message from body and attachments; the builder loads only now.
  const { rebuildMessage } = await import("./rebuild-message.js");
  return rebuildMessage(item, Office.context.mailbox.userProfile);
}

async function markLogged(): Promise<CategoryResult> {
  if (!supports("Mailbox", "1.8")) return "unsupported";
  const item = Office.context.mailbox.item as Office.MessageRead;
  const add = () => officeCall<void>((cb) => item.categories.addAsync([LOGGED_CATEGORY], cb));
  try {
    await add();
    return "added";
  } catch {
    // The category must exist in the mailbox's master list first (needs ReadWriteMailbox).
    try {
      await officeCall<void>((cb) =>
        Office.context.mailbox.masterCategories.addAsync(
          [{ displayName: LOGGED_CATEGORY, color: Office.MailboxEnums.CategoryColor.Preset4 }],
          cb,
        ),
      );
      await add();
      return "added";
    } catch {
      return "failed";
    }
  }
}

export function officeMailbox(): Mailbox {
  const mailbox = Office.context.mailbox;
  const profile = mailbox.userProfile;
  const language = Office.context.displayLanguage || navigator.language;
  return {
    user: { name: profile.displayName, email: profile.emailAddress },
    timeZone: ianaZone(profile.timeZone),
    language,
    dark: isDark(),
    current: readItem,
    onItemChanged(listener) {
      mailbox.addHandlerAsync(Office.EventType.ItemChanged, () => listener());
    },
    rawMessage,
    logsAttachments: supports("Mailbox", "1.8"),
    markLogged,
    auth: officeAuth(language),
    openSignIn: openProviderSignIn,
  };
}
