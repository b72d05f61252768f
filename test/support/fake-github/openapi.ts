/**
 * GitHub's official OpenAPI description (from `@octokit/openapi`, api.github.com) turned into a
 * request matcher and ajv validators. Every request the fake receives is matched against a path
 * template and checked here; the fake records anything that does not conform as a violation.
 *
 * The spec is OpenAPI 3.0.3, so two things need translating before ajv (JSON Schema) sees it:
 * `nullable: true` becomes `anyOf [schema, null]`, and `$ref`s into `#/components/...` are made
 * absolute against one registered document so that compiled validators share it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext the namespace object is what
// `import x from` yields at type level, the function is at runtime.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SPEC_ID = 'https://fake-github.invalid/api.github.com.json';

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonObject;
  multiSegment: boolean;
}

export interface Operation {
  operationId: string;
  method: string;
  /** Path template as in the spec, e.g. `/repos/{owner}/{repo}/issues`. */
  template: string;
  parameters: ParameterSpec[];
  requestBody?: { required: boolean; schema?: JsonObject };
  /** status code → JSON schema of the application/json response (if any). */
  responses: Map<string, JsonObject | undefined>;
  /** status code → example value from the spec (first application/json example). */
  examples: Map<string, Json>;
}

export interface MatchedOperation {
  operation: Operation;
  pathParams: Record<string, string>;
}

interface CompiledRoute {
  operation: Operation;
  regex: RegExp;
  names: string[];
  literalChars: number;
}

export class OpenApiSpec {
  private readonly routes: CompiledRoute[] = [];
  private readonly byId = new Map<string, Operation>();
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly components: JsonObject;

  constructor(spec: JsonObject) {
    this.components = (spec['components'] as JsonObject | undefined) ?? {};
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
    addFormats(this.ajv);
    const schemas = (this.components['schemas'] as JsonObject | undefined) ?? {};
    this.ajv.addSchema(
      { $id: SPEC_ID, components: { schemas: translate(schemas) as JsonObject } },
      SPEC_ID,
    );
    const paths = (spec['paths'] as JsonObject | undefined) ?? {};
    for (const [template, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      const shared = Array.isArray(item['parameters']) ? item['parameters'] : [];
      for (const [method, rawOp] of Object.entries(item)) {
        if (method === 'parameters' || !isObject(rawOp)) continue;
        const operation = this.readOperation(template, method.toUpperCase(), rawOp, shared);
        this.byId.set(operation.operationId, operation);
        this.routes.push(compileRoute(operation));
      }
    }
    // More literal characters first: `/repos/{o}/{r}/git/refs` beats `/repos/{o}/{r}/{x}`.
    this.routes.sort((a, b) => b.literalChars - a.literalChars);
  }

  /** Operation by id, e.g. `issues/create-comment`. */
  operation(operationId: string): Operation | undefined {
    return this.byId.get(operationId);
  }

  /** Find the operation for a method and raw (still percent-encoded) path. */
  match(method: string, rawPath: string): MatchedOperation | undefined {
    for (const route of this.routes) {
      if (route.operation.method !== method) continue;
      const m = route.regex.exec(rawPath);
      if (!m) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => {
        pathParams[name] = safeDecode(m[i + 1] ?? '');
      });
      return { operation: route.operation, pathParams };
    }
    return undefined;
  }

  /** True if some operation exists for this path with another method (→ 404 vs 405 choice). */
  pathExists(rawPath: string): boolean {
    return this.routes.some((r) => r.regex.test(rawPath));
  }

  /**
   * Validate path + query parameters. Returns human-readable problems (empty when valid).
   * Unknown query parameters are reported too: GitHub ignores them silently, which hides typos.
   */
  validateParameters(
    operation: Operation,
    pathParams: Record<string, string>,
    query: URLSearchParams,
  ): string[] {
    const problems: string[] = [];
    const known = new Set<string>();
    for (const p of operation.parameters) {
      if (p.in === 'header' || p.in === 'cookie') continue;
      if (p.in === 'query') known.add(p.name);
      const raw = p.in === 'path' ? pathParams[p.name] : (query.getAll(p.name).at(-1) ?? undefined);
      if (raw === undefined || raw === '') {
        if (p.required) problems.push(`missing required ${p.in} parameter "${p.name}"`);
        continue;
      }
      const value = coerce(raw, p.schema);
      const errors = this.validateAgainst(
        `param:${operation.operationId}:${p.name}`,
        p.schema,
        value,
      );
      for (const e of errors)
        problems.push(`${p.in} parameter "${p.name}"=${JSON.stringify(raw)} ${e}`);
    }
    for (const name of new Set(query.keys())) {
      if (!known.has(name)) problems.push(`unknown query parameter "${name}"`);
    }
    return problems;
  }

  /** Validate a JSON request body (already parsed). */
  validateBody(operation: Operation, body: unknown, hasBody: boolean): string[] {
    const rb = operation.requestBody;
    if (!rb) return hasBody ? ['this operation takes no request body'] : [];
    if (!hasBody) return rb.required ? ['missing required request body'] : [];
    if (!rb.schema) return [];
    return this.validateAgainst(`body:${operation.operationId}`, strictObjects(rb.schema), body);
  }

  /** Validate a JSON response the fake is about to send (fidelity of the fake itself). */
  validateResponse(operation: Operation, status: number, body: unknown): string[] {
    const schema = operation.responses.get(String(status));
    if (!schema) return [];
    return this.validateAgainst(`response:${operation.operationId}:${status}`, schema, body);
  }

  private validateAgainst(cacheKey: string, schema: JsonObject, value: unknown): string[] {
    let validate = this.validators.get(cacheKey);
    if (!validate) {
      validate = this.ajv.compile(absolutiseRefs(translate(schema)) as JsonObject);
      this.validators.set(cacheKey, validate);
    }
    if (validate(value)) return [];
    return summariseErrors(validate.errors ?? []);
  }

  private readOperation(
    template: string,
    method: string,
    raw: JsonObject,
    shared: Json[],
  ): Operation {
    const parameters: ParameterSpec[] = [];
    const rawParams = [...shared, ...(Array.isArray(raw['parameters']) ? raw['parameters'] : [])];
    for (const rp of rawParams) {
      const p = this.deref(rp);
      if (!isObject(p)) continue;
      parameters.push({
        name: typeof p['name'] === 'string' ? p['name'] : '',
        in: p['in'] as ParameterSpec['in'],
        required: p['required'] === true,
        schema: isObject(p['schema']) ? p['schema'] : {},
        multiSegment: p['x-multi-segment'] === true,
      });
    }
    let requestBody: Operation['requestBody'];
    const rb = this.deref(raw['requestBody'] ?? null);
    if (isObject(rb)) {
      const content = isObject(rb['content']) ? rb['content'] : {};
      const json = content['application/json'];
      requestBody = {
        required: rb['required'] === true,
        schema: isObject(json) && isObject(json['schema']) ? json['schema'] : undefined,
      };
    }
    const responses = new Map<string, JsonObject | undefined>();
    const examples = new Map<string, Json>();
    const rawResponses = isObject(raw['responses']) ? raw['responses'] : {};
    for (const [status, r] of Object.entries(rawResponses)) {
      const resp = this.deref(r);
      if (!isObject(resp)) continue;
      const content = isObject(resp['content']) ? resp['content'] : {};
      const json = content['application/json'] ?? content['application/vnd.github.object'];
      if (!isObject(json)) {
        responses.set(status, undefined);
        continue;
      }
      responses.set(status, isObject(json['schema']) ? json['schema'] : undefined);
      const ex = isObject(json['examples']) ? Object.values(json['examples'])[0] : undefined;
      const exValue = ex === undefined ? undefined : this.deref(ex);
      if (isObject(exValue) && 'value' in exValue) examples.set(status, exValue['value']);
    }
    return {
      operationId:
        typeof raw['operationId'] === 'string' ? raw['operationId'] : `${method} ${template}`,
      method,
      template,
      parameters,
      requestBody,
      responses,
      examples,
    };
  }

  /** Resolve one level of `$ref: '#/components/...'`. */
  private deref(value: Json): Json {
    if (!isObject(value) || typeof value['$ref'] !== 'string') return value;
    const parts = value['$ref'].replace(/^#\/components\//, '').split('/');
    let cur: Json = this.components;
    for (const part of parts) {
      if (!isObject(cur)) return null;
      cur = cur[part.replace(/~1/g, '/').replace(/~0/g, '~')] ?? null;
    }
    return this.deref(cur);
  }
}

let cached: Promise<OpenApiSpec> | undefined;

/** Load and index the api.github.com description once per process (≈0.5 s). */
export function loadGitHubSpec(): Promise<OpenApiSpec> {
  cached ??= (async () => {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    return new OpenApiSpec(JSON.parse(await readFile(file, 'utf8')) as JsonObject);
  })();
  return cached;
}

function compileRoute(operation: Operation): CompiledRoute {
  const names: string[] = [];
  let literalChars = 0;
  const byName = new Map(operation.parameters.map((p) => [p.name, p]));
  const pattern = operation.template
    .split(/(\{[^}]+\})/)
    .map((piece) => {
      const m = /^\{([^}]+)\}$/.exec(piece);
      if (!m) {
        literalChars += piece.length;
        return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      const name = m[1] ?? '';
      names.push(name);
      return byName.get(name)?.multiSegment ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { operation, regex: new RegExp(`^${pattern}$`), names, literalChars };
}

function coerce(raw: string, schema: JsonObject): unknown {
  const types = schemaTypes(schema);
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(raw)) {
    return Number(raw);
  }
  if (types.has('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (types.has('array')) return raw.split(',');
  return raw;
}

function schemaTypes(schema: JsonObject): Set<string> {
  const out = new Set<string>();
  const t = schema['type'];
  if (typeof t === 'string') out.add(t);
  for (const key of ['oneOf', 'anyOf']) {
    const alts = schema[key];
    if (Array.isArray(alts))
      for (const a of alts) if (isObject(a)) schemaTypes(a).forEach((x) => out.add(x));
  }
  return out;
}

/** OpenAPI 3.0 → JSON Schema: `nullable: true` becomes `anyOf: [schema, {type: null}]`. */
function translate(value: Json): Json {
  if (Array.isArray(value)) return value.map(translate);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'nullable' || k === 'example' || k === 'examples' || k === 'discriminator') continue;
    out[k] = k === 'properties' && isObject(v) ? mapValues(v, translate) : translate(v);
  }
  if (value['nullable'] === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

function absolutiseRefs(value: Json): Json {
  if (Array.isArray(value)) return value.map(absolutiseRefs);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith('#/')
        ? SPEC_ID + v
        : k === 'properties' && isObject(v)
          ? mapValues(v, absolutiseRefs)
          : absolutiseRefs(v);
  }
  return out;
}

/**
 * Request bodies: forbid properties the operation does not declare (a misspelt `conclsion` would
 * otherwise be silently ignored by GitHub). Applied to inline object schemas only, not across
 * `$ref`s or inside combinators where `additionalProperties: false` would reject valid data.
 */
function strictObjects(value: Json): JsonObject {
  const walk = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isObject(v)) return v;
    const out: JsonObject = {};
    for (const [k, child] of Object.entries(v)) {
      if (k === 'oneOf' || k === 'anyOf' || k === 'allOf') {
        out[k] = child;
        continue;
      }
      out[k] = k === 'properties' && isObject(child) ? mapValues(child, walk) : walk(child);
    }
    const combinators = 'oneOf' in v || 'anyOf' in v || 'allOf' in v;
    if (isObject(v['properties']) && !('additionalProperties' in v) && !combinators) {
      out['additionalProperties'] = false;
    }
    return out;
  };
  return walk(value) as JsonObject;
}

function summariseErrors(errors: ErrorObject[]): string[] {
  const seen = new Set<string>();
  for (const e of errors) {
    const where = e.instancePath || '(root)';
    const extra =
      e.keyword === 'additionalProperties'
        ? ` "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`
        : e.keyword === 'enum'
          ? ` ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}`
          : '';
    seen.add(`${where} ${e.message ?? e.keyword}${extra}`);
  }
  return [...seen].slice(0, 10);
}

function mapValues(obj: JsonObject, fn: (v: Json) => Json): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fn(v);
  return out;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
