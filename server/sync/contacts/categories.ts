// R-X-3 / R-X-4 at each sync: our seven master categories exist in Exchange under our exact names in
// the language fixed at activation; a missing one is made again, a renamed one deleted and made again.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import { exchangeIntegrations } from "../../db/schema.js";
import { planMasterCategories } from "../../reconcile/contacts-categories.js";
import type { ContactsPort } from "./port.js";
import type { ExchangeIntegration } from "./settings.js";

export async function ensureMasterCategories(db: Db, port: ContactsPort, integration: ExchangeIntegration) {
  const plan = planMasterCategories(
    await port.masterCategories(),
    integration.language,
    integration.categoryIds,
  );
  for (const c of plan.delete) await port.deleteCategory(c.id);
  const ids: Record<string, string> = { ...plan.kept };
  for (const c of plan.create) ids[c.key] = (await port.createCategory(c.displayName, c.color)).id;
  if (JSON.stringify(ids) !== JSON.stringify(integration.categoryIds))
    await db
      .update(exchangeIntegrations)
      .set({ categoryIds: ids, updatedAt: new Date() })
      .where(eq(exchangeIntegrations.connectionId, integration.connectionId));
}
