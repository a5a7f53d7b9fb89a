import type { Catalog } from "../i18n/en.js";
import { en } from "../i18n/en.js";
import type { I18n } from "../i18n/index.js";

/** A built-in activity type in the pane's language; a workspace's own type by its name. */
export function activityTypeName(t: I18n["t"], type: string, name: string): string {
  const key = `activity_${type}`;
  return key in en ? t(key as keyof Catalog) : name;
}
