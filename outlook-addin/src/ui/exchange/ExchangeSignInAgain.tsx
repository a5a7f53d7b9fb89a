import type { Connection } from "../../../../shared/api/connections.js";
import type { Api } from "../../api/client.js";
import type { Mailbox } from "../../host/types.js";
import { OAuthConnect } from "../sync/OAuthConnect.js";

interface Props {
  api: Api;
  mailbox: Mailbox;
  connection: Connection;
  label: string;
  onConnected(): void;
}

/**
 * R-X-1, R-X-2: the Microsoft connection signed in again, so that Microsoft asks for the permissions
 * the Exchange integration still lacks (the consent it needs, or the shared folders' reading).
 */
export function ExchangeSignInAgain({ api, mailbox, connection: c, label, onConnected }: Props) {
  return (
    <OAuthConnect
      api={api}
      mailbox={mailbox}
      provider="microsoft"
      syncs={c.syncs}
      connectionId={c.id}
      label={label}
      onConnected={() => onConnected()}
    />
  );
}
