import { useEffect, useState } from "preact/hooks";
import type { ContextEntry, ContextResponse } from "../../../shared/api/context.js";
import type { Api } from "../api/client.js";
import type { Mailbox, OpenMessage } from "../host/types.js";
import { useI18n } from "../i18n/index.js";
import { LogEmailButton } from "./LogEmailButton.js";
import { MeetingForm } from "./MeetingForm.js";
import { Participants } from "./Participants.js";
import { RecordCard } from "./RecordCard.js";
import { UnknownSender } from "./UnknownSender.js";

interface Props {
  api: Api;
  mailbox: Mailbox;
  message: OpenMessage;
  context: ContextResponse;
  notice: string | null;
  reload(notice: string | null): void;
}

const lower = (s: string | undefined) => (s ?? "").toLowerCase();

/** Who the card is about: the sender, or for a sent item its recipients first (R-SB-1); never the user. */
export function arrange(message: OpenMessage, context: ContextResponse) {
  const byAddress = new Map(context.participants.map((p) => [lower(p.address), p]));
  const sender = message.from ? byAddress.get(lower(message.from.email)) : undefined;
  const sent = sender?.status === "self";
  const recipients = [...message.to, ...message.cc]
    .map((a) => byAddress.get(lower(a.email)))
    .filter((p): p is ContextEntry => p !== undefined && p.status !== "self");
  const ordered = sent || !sender ? recipients : [sender, ...recipients];
  const seen = new Set<string>();
  const people = ordered.filter((p) => !seen.has(lower(p.address)) && seen.add(lower(p.address)));
  return { sent, people };
}

export function MessageView({ api, mailbox, message, context, notice, reload }: Props) {
  const { t } = useI18n();
  const { sent, people } = arrange(message, context);
  const [selected, setSelected] = useState(people[0]?.address ?? "");
  const [meeting, setMeeting] = useState(false);
  useEffect(() => setSelected(people[0]?.address ?? ""), [message.itemId]);
  const main = people.find((p) => p.address === selected) ?? people[0];
  const invitees = people.flatMap((p) =>
    p.status === "known" ? [{ email: p.address, name: p.record.name }] : [],
  );
  const companies = [
    ...new Map(
      people.flatMap((p) =>
        p.status === "known" && p.record.company?.id
          ? [[p.record.company.id, { id: p.record.company.id, name: p.record.company.name }] as const]
          : [],
      ),
    ).values(),
  ];

  return (
    <div class="message">
      {notice && (
        <p class="note ok" role="status">
          {notice}
        </p>
      )}
      <div class="actions toolbar">
        <LogEmailButton
          key={message.itemId}
          api={api}
          mailbox={mailbox}
          logState={context.logState}
          attachments={message.attachments}
          onLogged={() => reload(null)}
        />
        <button type="button" onClick={() => setMeeting(true)} aria-expanded={meeting}>
          {t("createMeeting")}
        </button>
      </div>
      {meeting && (
        <MeetingForm
          api={api}
          subject={message.subject}
          invitees={invitees}
          timeZone={mailbox.timeZone}
          onDone={(text) => {
            setMeeting(false);
            if (text) reload(text);
          }}
        />
      )}
      {main?.status === "known" && <RecordCard record={main.record} />}
      {main?.status === "unknown" && (
        <UnknownSender
          key={main.address}
          entry={main}
          api={api}
          companies={companies}
          onSaved={(notice) => reload(notice)}
        />
      )}
      <Participants
        title={sent ? t("recipients") : t("participants")}
        entries={people}
        selected={main?.address ?? ""}
        onSelect={setSelected}
      />
    </div>
  );
}
