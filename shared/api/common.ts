import { z } from "zod";

export const email = z.email({ error: "must be an email address" });
export const isoDateTime = z.iso.datetime({
  offset: true,
  error: "must be an ISO 8601 date-time with offset",
});
export const recordType = z.enum(["person", "company", "lead"]);
export type RecordType = z.infer<typeof recordType>;
export const customFields = z.record(z.string().max(100), z.unknown());

export const pageQuery = z.strictObject({
  q: z.string().max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A page of a list; named `<Item>Page` in the OpenAPI document when the item is named. */
export function page<T extends z.ZodType>(item: T) {
  const schema = z.object({ items: z.array(item), nextCursor: z.string().nullable() });
  const id = z.globalRegistry.get(item)?.id;
  return id ? schema.meta({ id: `${id}Page` }) : schema;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** RFC 9457 problem details, as every error of the API is answered. */
export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problem>;

export const userRef = z.object({ id: z.string(), name: z.string(), email: z.string() });
export type UserRef = z.infer<typeof userRef>;

/**
 * The PATCH form of a create schema: every field optional and, unlike zod's `partial()`, without the
 * create defaults — a PATCH that leaves a field out must leave it unchanged, not reset it.
 */
export function patchOf<S extends z.ZodRawShape>(create: z.ZodObject<S>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(create.shape)) {
    const bare = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
    shape[key] = bare.optional();
  }
  return z.strictObject(shape) as unknown as ReturnType<z.ZodObject<S>["partial"]>;
}

// Named components of the OpenAPI document (server/api/openapi.ts), so that generated clients get named types.
problem.register(z.globalRegistry, {
  id: "Problem",
  description: "RFC 9457 problem details; `errors` names each offending field",
});
userRef.register(z.globalRegistry, { id: "UserRef" });
