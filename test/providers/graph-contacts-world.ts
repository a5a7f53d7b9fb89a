// An Exchange mailbox with contacts in the Microsoft emulator (in-process, on Graph's real host) and the
// Graph contact port pointed at it, with a sleep that records the waits instead of taking them.
import { setupServer } from "msw/node";
import { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import type { SharedFolderRef } from "../../server/providers/graph/contacts-folders.js";
import { graphContactsPort } from "../../server/providers/graph/contacts-port.js";
import type { ContactWrite } from "../../server/sync/contacts/port.js";

export const ANA = "ana@contoso.test";
export const GRAPH = "https://graph.microsoft.com/v1.0";
const SCOPE = "offline_access Contacts.ReadWrite Contacts.Read.Shared MailboxSettings.ReadWrite";

export function contactsWorld(o: { extraFields?: string[]; sharedFolders?: SharedFolderRef[] } = {}) {
  const microsoft = new MicrosoftEmulator();
  microsoft.addAccount(ANA, "Ana Ruiz");
  const waits: number[] = [];
  const port = graphContactsPort({
    baseUrl: GRAPH,
    accessToken: async () => microsoft.issueTokens(ANA, SCOPE).accessToken,
    retry: { sleep: async (ms) => void waits.push(ms) },
    ...o,
  });
  const server = setupServer(...microsoft.handlers());
  return { microsoft, store: microsoft.contacts(ANA), port, waits, server };
}

export function write(
  conciliaId: string,
  over: Partial<ContactWrite["fields"]> = {},
  categories: string[] = [],
): ContactWrite {
  return {
    fields: {
      givenName: "Carla",
      surname: "Núñez",
      emails: ["carla@client.example"],
      businessPhones: ["+34 600 000 001"],
      mobilePhone: null,
      companyName: "Client SL",
      jobTitle: "CFO",
      businessAddress: {
        street: "Gran Vía 1",
        city: "Madrid",
        state: "",
        postalCode: "28013",
        countryOrRegion: "Spain",
      },
      homeAddress: null,
      ...over,
    },
    categories,
    extended: { conciliaId, fields: {} },
  };
}
