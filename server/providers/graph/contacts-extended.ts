// Our marks on an Exchange contact (provider contracts §2.5): one string extended property naming the
// CRM record the item was made for, and one per CRM field Exchange has no place for. The GUID and the
// names never change: they are how a later sync, or a retry after a lost answer, finds our items.
// Graph returns extended properties only when $expand-ed with a $filter on their ids.

/** Concilia's property set (a fixed GUID, chosen once). */
export const CONCILIA_PROPERTY_SET = "{4f6c2a1e-9b3d-4e58-a7c2-0d1e8b5f3a96}";
export const CONTACT_ID_PROPERTY = `String ${CONCILIA_PROPERTY_SET} Name ConciliaContactId`;

/** The property of one extra CRM field, by its stable CRM name. */
export const fieldProperty = (name: string) => `String ${CONCILIA_PROPERTY_SET} Name ConciliaField.${name}`;

const FIELD_PREFIX = fieldProperty("").toLowerCase();

/** `$expand` of our properties: the link and the extra fields this deployment maps. */
export function expandOurs(extraFields: string[]): string {
  const ids = [CONTACT_ID_PROPERTY, ...extraFields.map(fieldProperty)];
  return `singleValueExtendedProperties($filter=${ids.map((id) => `id eq '${id}'`).join(" or ")})`;
}

/** `$filter` finding the item made for a CRM record (quotes doubled, as OData wants). */
export function byConciliaId(conciliaId: string): string {
  const value = conciliaId.replace(/'/g, "''");
  return `singleValueExtendedProperties/Any(ep: ep/id eq '${CONTACT_ID_PROPERTY}' and ep/value eq '${value}')`;
}

export type ExtendedProperty = { id: string; value: string };

/** Our properties read back; an empty field value means the field was cleared. */
export function readOurs(props: ExtendedProperty[] | undefined): {
  conciliaId: string | null;
  fields: Record<string, string>;
} {
  let conciliaId: string | null = null;
  const fields: Record<string, string> = {};
  for (const p of props ?? []) {
    const id = p.id.toLowerCase();
    if (id === CONTACT_ID_PROPERTY.toLowerCase()) conciliaId = p.value || null;
    else if (id.startsWith(FIELD_PREFIX) && p.value !== "") fields[p.id.slice(FIELD_PREFIX.length)] = p.value;
  }
  return { conciliaId, fields };
}

/** Our properties to write; a mapped field absent from the write is cleared (Graph cannot delete one). */
export function writeOurs(
  extended: { conciliaId: string; fields: Record<string, string> },
  extraFields: string[],
): ExtendedProperty[] {
  const names = [...new Set([...extraFields, ...Object.keys(extended.fields)])].sort();
  return [
    { id: CONTACT_ID_PROPERTY, value: extended.conciliaId },
    ...names.map((name) => ({ id: fieldProperty(name), value: extended.fields[name] ?? "" })),
  ];
}
