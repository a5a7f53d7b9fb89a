/// <reference types="office-js" />
// Finds the host the pane runs in: Outlook (office.js loaded by index.html from Microsoft's CDN), or
// the playground, whose page hands this frame a fake of the same Office.js surface.
import { officeMailbox } from "./office-mailbox.js";
import type { Mailbox } from "./types.js";

type FakeOfficeFactory = (frame: Window) => typeof Office;

export async function connectHost(): Promise<Mailbox | null> {
  const w = window as unknown as { Office?: typeof Office };
  if (new URLSearchParams(location.search).get("host") === "playground") {
    const factory = (window.parent as unknown as { conciliaFakeOffice?: FakeOfficeFactory })
      .conciliaFakeOffice;
    if (factory) w.Office = factory(window);
  }
  if (!w.Office) return null;
  await w.Office.onReady();
  return w.Office.context?.mailbox ? officeMailbox() : null;
}
