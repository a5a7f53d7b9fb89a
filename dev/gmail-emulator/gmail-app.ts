// A fake of GmailApp for an add-on: only the open message is readable, and only after
// setCurrentMessageAccessToken with the token of this execution's event (provider-contracts §8.3).
import { type DemoMessage, rawContent } from "./demo-messages.js";
import { Exception, requireScope, SCOPES } from "./scopes.js";

const METADATA = [SCOPES.messageMetadata, SCOPES.messageReadonly, SCOPES.messageAction];
const CONTENT = [SCOPES.messageReadonly, SCOPES.messageAction];

export function createGmailApp(opts: {
  scopes: readonly string[];
  messages: DemoMessage[];
  /** The message the host opened for this execution and the token it gave in the event. */
  grant: { messageId: string; accessToken: string } | null;
}) {
  let token: string | null = null;
  const scope = (what: string, anyOf: string[]) => requireScope(opts.scopes, what, anyOf);

  function message(m: DemoMessage) {
    const headers: Record<string, string> = {
      from: m.from,
      to: m.to.join(", "),
      cc: m.cc.join(", "),
      subject: m.subject,
      "message-id": m.messageId,
      date: m.date.toUTCString(),
    };
    const meta =
      <T>(name: string, value: () => T) =>
      () => {
        scope(`GmailMessage.${name}`, METADATA);
        return value();
      };
    const content =
      <T>(name: string, value: () => T) =>
      () => {
        scope(`GmailMessage.${name}`, CONTENT);
        return value();
      };
    return Object.freeze({
      getId: () => m.id,
      getFrom: meta("getFrom", () => m.from),
      getTo: meta("getTo", () => m.to.join(", ")),
      getCc: meta("getCc", () => m.cc.join(", ")),
      getBcc: meta("getBcc", () => ""),
      getReplyTo: meta("getReplyTo", () => ""),
      getSubject: meta("getSubject", () => m.subject),
      getDate: meta("getDate", () => new Date(m.date)),
      getHeader: (name: string) => meta("getHeader", () => headers[String(name).toLowerCase()] ?? "")(),
      getRawContent: content("getRawContent", () => rawContent(m)),
      getPlainBody: content("getPlainBody", () => m.text),
      getBody: content("getBody", () => m.text.replace(/\n/g, "<br>")),
      getAttachments: content("getAttachments", () => []),
    });
  }

  return Object.freeze({
    setCurrentMessageAccessToken(accessToken: string) {
      if (typeof accessToken !== "string" || !accessToken)
        throw new Exception("Invalid argument: accessToken");
      token = accessToken;
    },
    getMessageById(id: string) {
      scope("GmailApp.getMessageById", METADATA);
      if (!token)
        throw new Exception(
          "Access denied: : Missing access token for per message scope authorization. Use 'GmailApp.setCurrentMessageAccessToken(string)' or scopes that grant access to all messages.",
        );
      const g = opts.grant;
      if (!g || g.messageId !== id || g.accessToken !== token)
        throw new Exception(
          `Access denied: the add-on may read only the open message, with its access token (asked for ${id}).`,
        );
      const m = opts.messages.find((x) => x.id === id);
      if (!m) throw new Exception(`Invalid argument: id ${id}`);
      return message(m);
    },
  });
}
