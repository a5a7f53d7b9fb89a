// R-CON-3: the providers that connect with an app-specific password, and where their mail (IMAP) and
// calendars (CalDAV) are (reference/provider-contracts.md §5.6, §6.6).
import type { ImapServer } from "../../shared/api/connections.js";

export interface AppPasswordProfile {
  name: string;
  imap: Omit<ImapServer, "username">;
  caldavUrl: string;
  /** Where the user makes the app-specific password, for the messages that ask for one. */
  passwordHelp: string;
}

export const appPasswordProfiles: Record<"icloud" | "yahoo", AppPasswordProfile> = {
  icloud: {
    name: "iCloud",
    imap: { host: "imap.mail.me.com", port: 993, tls: "implicit" },
    caldavUrl: "https://caldav.icloud.com/",
    passwordHelp: "appleid.apple.com → Sign-In and Security → App-Specific Passwords",
  },
  yahoo: {
    name: "Yahoo",
    imap: { host: "imap.mail.yahoo.com", port: 993, tls: "implicit" },
    caldavUrl: "https://caldav.calendar.yahoo.com/",
    passwordHelp: "Yahoo Account security → Generate app password",
  },
};
