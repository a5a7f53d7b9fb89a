// A structural check of an OpenAPI 3.1 document, for the rules a generated client relies on: every $ref
// resolves, every operation has an id, a success response and descriptions, path templates and path
// parameters agree, security names a declared scheme, and every component is a valid JSON Schema 2020-12.
import Ajv2020 from "ajv/dist/2020.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export type Doc = Record<string, any>;

/** The value a local JSON pointer ("#/components/schemas/Person") names in `doc`, or undefined. */
export function resolvePointer(doc: Doc, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: any = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function walk(node: unknown, where: string, visit: (node: Record<string, unknown>, where: string) => void) {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) walk(n, `${where}/${i}`, visit);
  } else if (node && typeof node === "object") {
    visit(node as Record<string, unknown>, where);
    for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k}`, visit);
  }
}

/** A validator that reads `#/components/...` references against the document. */
export function schemaValidator() {
  return new Ajv2020({ strict: false, validateFormats: false, allErrors: true, logger: false });
}

/** Everything wrong with the document's structure; empty when it is sound. */
export function openApiProblems(doc: Doc): string[] {
  const problems: string[] = [];
  if (!/^3\.1\.\d+$/.test(String(doc.openapi))) problems.push(`openapi is '${doc.openapi}', not 3.1.x`);
  if (typeof doc.info?.title !== "string" || typeof doc.info?.version !== "string")
    problems.push("info needs a title and a version");
  if (!doc.paths || typeof doc.paths !== "object") problems.push("no paths");

  walk(doc, "#", (node, where) => {
    if (!("$ref" in node)) return;
    const ref = node.$ref;
    if (typeof ref !== "string" || resolvePointer(doc, ref) === undefined)
      problems.push(`${where}: $ref '${String(ref)}' does not resolve`);
  });

  const schemes = Object.keys(doc.components?.securitySchemes ?? {});
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    if (!path.startsWith("/")) problems.push(`path '${path}' does not start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.includes(method)) {
        problems.push(`${where}: '${method}' is not an HTTP method`);
        continue;
      }
      if (typeof op.operationId !== "string" || !op.operationId) problems.push(`${where}: no operationId`);
      else if (operationIds.has(op.operationId))
        problems.push(`${where}: operationId ${op.operationId} twice`);
      else operationIds.add(op.operationId);
      if (typeof op.summary !== "string" || !op.summary) problems.push(`${where}: no summary`);

      const responses = Object.entries<Record<string, any>>(op.responses ?? {});
      if (!responses.length) problems.push(`${where}: no responses`);
      if (!responses.some(([status]) => /^2/.test(status))) problems.push(`${where}: no success response`);
      for (const [status, r] of responses) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) problems.push(`${where}: status key '${status}'`);
        if (typeof r.description !== "string") problems.push(`${where} ${status}: no description`);
        for (const [type, media] of Object.entries<Record<string, any>>(r.content ?? {}))
          if (/json$/.test(type) && !media.schema) problems.push(`${where} ${status} ${type}: no schema`);
      }

      const params: Record<string, any>[] = op.parameters ?? [];
      const seen = new Set<string>();
      for (const p of params) {
        if (!["query", "path", "header", "cookie"].includes(p.in))
          problems.push(`${where}: parameter in '${p.in}'`);
        if (!p.schema) problems.push(`${where}: parameter ${p.name} has no schema`);
        if (seen.has(`${p.in}:${p.name}`)) problems.push(`${where}: parameter ${p.name} twice`);
        seen.add(`${p.in}:${p.name}`);
        if (p.in === "path" && p.required !== true)
          problems.push(`${where}: path parameter ${p.name} not required`);
      }
      const declared = params
        .filter((p) => p.in === "path")
        .map((p) => p.name)
        .sort();
      if (JSON.stringify(declared) !== JSON.stringify(templated))
        problems.push(
          `${where}: path parameters ${JSON.stringify(declared)} vs template ${JSON.stringify(templated)}`,
        );

      for (const requirement of op.security ?? doc.security ?? [])
        for (const name of Object.keys(requirement))
          if (!schemes.includes(name)) problems.push(`${where}: security scheme '${name}' is not declared`);
      if (op.requestBody && !Object.keys(op.requestBody.content ?? {}).length)
        problems.push(`${where}: request body without content`);
    }
  }

  const ajv = schemaValidator();
  for (const [name, schema] of Object.entries<Record<string, unknown>>(doc.components?.schemas ?? {})) {
    if (!/^[a-zA-Z0-9._-]+$/.test(name)) problems.push(`component name '${name}'`);
    if (!ajv.validateSchema(schema)) problems.push(`component ${name}: ${ajv.errorsText(ajv.errors)}`);
  }
  return problems;
}
