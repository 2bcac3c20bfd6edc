import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/*
 * GitHub's published OpenAPI description (`@octokit/openapi`, api.github.com) as a contract
 * for the local GitHub server of the tests: every request the suite sends is checked against
 * it (path, method, path and query parameters, JSON body) and every canned answer against the
 * response schema of its status. A wrong path, verb or payload is a contract violation.
 */

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Json;
}
interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json; examples?: Record<string, Json> }> }>;
}

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let loaded: { doc: Json & { paths: Record<string, Record<string, Operation>> }; ajv: Ajv } | undefined;
function contract() {
  if (!loaded) {
    const doc = require("@octokit/openapi/generated/api.github.com.json");
    toJsonSchemaNulls(doc.components);
    toJsonSchemaNulls(doc.paths);
    // Vendor keywords (x-github, example, …) are ignored.
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "github", components: doc.components, paths: doc.paths });
    loaded = { doc, ajv };
  }
  return loaded;
}

/**
 * OpenAPI 3.0's `nullable: true` in JSON Schema terms: `type: [t, "null"]`, or `anyOf` with
 * null where there is no type (Ajv refuses `nullable` without `type`). Rewritten in place.
 */
function toJsonSchemaNulls(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) toJsonSchemaNulls(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  const object = node as Json;
  for (const value of Object.values(object)) toJsonSchemaNulls(value);
  if (object.nullable !== true) return;
  delete object.nullable;
  if (typeof object.type === "string") {
    object.type = [object.type, "null"];
    if (Array.isArray(object.enum) && !object.enum.includes(null)) object.enum = [...object.enum, null];
  } else {
    const rest = { ...object };
    for (const key of Object.keys(object)) if (!key.startsWith("x-") && key !== "description") delete object[key];
    object.anyOf = [rest, { type: "null" }];
  }
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

const validators = new Map<string, ValidateFunction>();
function validatorAt(path: string): ValidateFunction {
  let validate = validators.get(path);
  if (!validate) {
    validate = contract().ajv.getSchema(`github#/${path}`);
    if (!validate) throw new Error(`no schema at ${path}`);
    validators.set(path, validate);
  }
  return validate;
}

function resolveRef<T>(value: T | { $ref: string }): T {
  if (value && typeof value === "object" && "$ref" in value) {
    let node: unknown = contract().doc;
    for (const part of value.$ref.replace(/^#\//, "").split("/")) {
      node = (node as Json)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
    }
    return node as T;
  }
  return value as T;
}

export interface MatchedOperation {
  /** The path template, e.g. /repos/{owner}/{repo}/commits/{ref}. */
  template: string;
  method: string;
  operation: Operation;
  pathParams: Record<string, string>;
}

const templates = new Map<string, RegExp>();

/** The documented operation for a request, or a description of why there is none. */
export function matchOperation(method: string, urlPath: string): MatchedOperation | string {
  const { doc } = contract();
  const lower = method.toLowerCase();
  let pathOnly: string | undefined;
  for (const template of Object.keys(doc.paths)) {
    let regex = templates.get(template);
    if (!regex) {
      regex = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "([^/]+)")}$`);
      templates.set(template, regex);
    }
    const match = regex.exec(urlPath);
    if (!match) continue;
    const operation = doc.paths[template]![lower];
    if (!operation) {
      pathOnly = template;
      continue;
    }
    const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const pathParams = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    return { template, method: lower, operation, pathParams };
  }
  return pathOnly ? `${method} is not documented for ${pathOnly}` : `no documented path matches ${urlPath}`;
}

const describe = (validate: ValidateFunction) =>
  (validate.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || "(root)"} ${e.message}`)
    .join("; ");

/** Contract violations of a request (empty when it is valid). */
export function checkRequest(
  matched: MatchedOperation,
  query: URLSearchParams,
  body: unknown,
  contentType: string | undefined,
): string[] {
  const problems: string[] = [];
  const { operation, template, method } = matched;
  // Each parameter with the JSON pointer of its schema, so $refs inside resolve in the document.
  const parameters = (operation.parameters ?? []).map((raw, index) => ({
    parameter: resolveRef<Parameter>(raw),
    schemaAt:
      "$ref" in raw
        ? `${raw.$ref.replace(/^#\//, "")}/schema`
        : pointer("paths", template, method, "parameters", String(index), "schema"),
  }));
  const coerce = (text: string, schema: Json | undefined): unknown => {
    const type = schema?.type;
    if (type === "integer" || type === "number") return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
    return text;
  };
  const check = (value: unknown, parameter: Parameter, schemaAt: string) => {
    if (!parameter.schema) return;
    const validate = validatorAt(schemaAt);
    if (!validate(value)) problems.push(`${parameter.in} parameter ${parameter.name}: ${describe(validate)}`);
  };
  for (const { parameter, schemaAt } of parameters) {
    if (parameter.in === "path") {
      check(coerce(matched.pathParams[parameter.name] ?? "", parameter.schema), parameter, schemaAt);
    }
    if (parameter.in === "query") {
      const value = query.get(parameter.name);
      if (value === null) {
        if (parameter.required) problems.push(`missing required query parameter ${parameter.name}`);
      } else check(coerce(value, parameter.schema), parameter, schemaAt);
    }
  }
  const known = new Set(parameters.filter((p) => p.parameter.in === "query").map((p) => p.parameter.name));
  for (const name of query.keys()) if (!known.has(name)) problems.push(`undocumented query parameter ${name}`);

  const requestBody = operation.requestBody;
  if (requestBody) {
    if (body === undefined) {
      if (requestBody.required) problems.push("missing required JSON body");
    } else {
      if (contentType && !contentType.includes("json")) problems.push(`body sent as ${contentType}, not JSON`);
      const validate = validatorAt(
        pointer("paths", template, method, "requestBody", "content", "application/json", "schema"),
      );
      if (!validate(body)) problems.push(`body: ${describe(validate)}`);
    }
  } else if (body !== undefined) {
    problems.push("a body was sent to an operation that takes none");
  }
  return problems;
}

const GENERAL_ERRORS = [401, 403, 404];

/** Contract violations of a canned response (empty when it is valid). */
export function checkResponse(matched: MatchedOperation, status: number, body: unknown): string[] {
  const { responses, operationId } = matched.operation;
  const key = responses[String(status)] ? String(status) : responses.default ? "default" : undefined;
  if (key === undefined && GENERAL_ERRORS.includes(status)) {
    // GitHub answers any operation with these (bad credentials, missing permission, no access),
    // documented or not, in its basic-error shape.
    const validate = validatorAt("components/schemas/basic-error");
    return validate(body) ? [] : [`response ${status}: ${describe(validate)}`];
  }
  if (key === undefined) return [`status ${status} is not a documented response of ${operationId}`];
  // A response is inline or a $ref to components/responses: its schema's pointer follows suit.
  const raw = responses[key] as Operation["responses"][string] | { $ref: string };
  const base =
    "$ref" in raw ? raw.$ref.replace(/^#\//, "") : pointer("paths", matched.template, matched.method, "responses", key);
  const response = resolveRef(raw);
  const json = response.content?.["application/json"];
  if (!json) return body === undefined ? [] : [`status ${status} of ${operationId} has no body`];
  const validate = validatorAt(`${base}/${pointer("content", "application/json", "schema")}`);
  return validate(body) ? [] : [`response ${status}: ${describe(validate)}`];
}

/** A deep copy of GitHub's own example response for an operation: a starting point (examples drift from the schema; the server checks every answer). */
export function exampleResponse(method: string, template: string, status = 200): Json {
  const operation = contract().doc.paths[template]?.[method.toLowerCase()];
  const examples = operation?.responses[String(status)]?.content?.["application/json"]?.examples;
  const first = examples && Object.values(examples)[0];
  if (!first) throw new Error(`no example for ${method} ${template} ${status}`);
  return structuredClone((resolveRef<Json>(first) as { value: Json }).value);
}

/**
 * GitHub's example for an operation, repaired until its own schema accepts it: examples drift
 * (fields added to the schema later are missing), so missing required fields are filled with
 * the simplest value of their type, and so on, one validation error at a time.
 */
export function conformingExample(method: string, template: string, status = 200): Json {
  const example = exampleResponse(method, template, status);
  const matched = matchOperation(method, template.replace(/\{[^}]+\}/g, "x"));
  if (typeof matched === "string") throw new Error(matched);
  const { responses } = matched.operation;
  const raw = responses[String(status)] as Operation["responses"][string] | { $ref: string };
  const base =
    "$ref" in raw
      ? raw.$ref.replace(/^#\//, "")
      : pointer("paths", template, matched.method, "responses", String(status));
  const validate = validatorAt(`${base}/${pointer("content", "application/json", "schema")}`);
  const simplest = (type: string): unknown =>
    ({ string: "x", integer: 0, number: 0, boolean: false, array: [], object: {}, null: null })[type] ?? null;
  for (let step = 0; step < 500; step++) {
    if (validate(example)) return example;
    const error = validate.errors![0]!;
    const parts = error.instancePath
      .split("/")
      .slice(1)
      .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
    let parent: Json = example;
    for (const part of parts.slice(0, -1)) parent = parent[part] as Json;
    const last = parts.at(-1);
    const target = last === undefined ? example : (parent[last] as Json);
    const set = (value: unknown) => {
      if (last === undefined) throw new Error(`cannot repair the example's root: ${error.message}`);
      parent[last] = value;
    };
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "required") target[String(params.missingProperty)] = null;
    else if (error.keyword === "type") set(simplest(String(params.type).split(",")[0]!));
    else if (error.keyword === "format")
      set(
        params.format === "date-time"
          ? "2026-01-01T00:00:00Z"
          : params.format === "email"
            ? "a@example.com"
            : "https://example.com/x",
      );
    else if (error.keyword === "enum") set((params.allowedValues as unknown[])[0]);
    else if (error.keyword === "additionalProperties") delete target[String(params.additionalProperty)];
    else throw new Error(`cannot repair the example of ${template}: ${error.instancePath} ${error.message}`);
  }
  throw new Error(`the example of ${template} could not be repaired`);
}
