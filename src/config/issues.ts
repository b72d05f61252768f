/**
 * zod issues as sentences a user can act on: the key, what is allowed, what was given, and the
 * closest allowed name for a slip. zod's own texts ("Invalid input", a union's list of every
 * branch's failure, a length check run on a value of the wrong type) say none of that, so the
 * formatter works from the issue codes, the parsed YAML and the schema itself (its allowed keys
 * and the shapes of a union's options), for every key alike. A schema can still say more: a
 * message given to a schema (`{ error: ... }`, `.min(1, '...')`) is used as written.
 */
import type { z } from 'zod';
import { didYouMean } from '../did-you-mean.js';

type Issue = z.core.$ZodIssue;
type Key = string | number;

/** What the formatter needs besides the issues. */
export interface IssueSource {
  /** The file name shown before each line. */
  display: string;
  /** 1-based line of a key path in the file, if it is written there. */
  lineOf(keyPath: readonly Key[]): number | undefined;
  /** The parsed YAML (the values the issues are about). */
  raw: unknown;
  /** The schema the issues came from (for allowed keys and option shapes). */
  schema: z.core.$ZodType;
}

interface Problem {
  /** Key path shown. */
  path: Key[];
  /** Key path whose line is shown (an unknown key's own line). */
  at: Key[];
  text: string;
  /** The given value, appended as ` (got ...)`. */
  got?: string;
  /** Appended last: `; did you mean "x"?`. */
  hint?: string;
  /** A type error of a list item: identical ones on every item are said once for the list. */
  item?: boolean;
}

/** One line per problem: `file:line: key.path: what is wrong (got ...)`. */
export function formatIssues(issues: readonly Issue[], src: IssueSource): string[] {
  return collapseItems(explain(issues, [], src), src.raw).map((p) => {
    let line: number | undefined;
    // Point at the deepest part of the path that is written (a missing key: its parent).
    for (let n = p.at.length; n >= 0 && line === undefined; n--)
      line = src.lineOf(p.at.slice(0, n));
    const key = p.path.length > 0 ? formatKeyPath(p.path) : '(top level)';
    return `${src.display}${line ? `:${line}` : ''}: ${key}: ${p.text}${p.got ? ` (got ${p.got})` : ''}${p.hint ?? ''}`;
  });
}

/** `dataset.columns.path`, `gates[0].metric`. */
export function formatKeyPath(keyPath: readonly Key[]): string {
  return keyPath.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

const SIZE_CODES = new Set(['too_big', 'too_small', 'invalid_format', 'not_multiple_of']);

function explain(issues: readonly Issue[], prefix: Key[], src: IssueSource): Problem[] {
  const pathOf = (issue: Issue): Key[] => [
    ...prefix,
    ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
  ];
  // zod runs a schema's length and format checks even on a value of the wrong type ("expected
  // string to have <=4 characters" for a list given as a string): only the type error counts.
  const wrongType = new Set(
    issues.filter((i) => i.code === 'invalid_type').map((i) => JSON.stringify(pathOf(i))),
  );
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = pathOf(issue);
    if (SIZE_CODES.has(issue.code) && wrongType.has(JSON.stringify(path))) continue;
    if (issue.code === 'invalid_union') out.push(...explainUnion(issue, path, src));
    else out.push(describe(issue, path, src));
  }
  return out;
}

/**
 * A union failed: report the option the value was meant for (the one that got past the type
 * check, e.g. the list in `number | number[]` for `[0.5, "a"]`), or, when the value fits no
 * option's type, what the options are.
 */
function explainUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: Key[],
  src: IssueSource,
): Problem[] {
  const value = valueAt(src.raw, path);
  const fitting = issue.errors.filter((branch) => !isTypeMismatch(branch, value));
  if (fitting.length > 0) {
    // The option that got furthest: the deepest issue, then the fewest issues.
    const depth = (b: readonly Issue[]) => Math.max(...b.map((i) => i.path.length));
    const best = [...fitting].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
    // `corruptions: benchmrk`: the name option fits, but a list was allowed too; say both.
    const only = best.length === 1 ? best[0]! : undefined;
    const options = unionOptions(schemaAt(src.schema, path));
    if (only?.code === 'invalid_value' && only.path.length === 0 && options) {
      const others = options
        .filter((o) => !['enum', 'literal'].includes(defOf(o).type))
        .map((o) => describeSchema(o, true));
      return [{ path, at: path, ...mustBeOneOf(only.values, value, others), ...got(value) }];
    }
    return explain(best, path, src);
  }
  const options = unionOptions(schemaAt(src.schema, path));
  const expected = options
    ? [...new Set(options.map((o) => describeSchema(o)))]
    : [
        ...new Set(
          issue.errors.flatMap((b) =>
            b.map((i) => (i.code === 'invalid_type' ? typeWords(i.expected) : i.message)),
          ),
        ),
      ];
  const what = joinOr(expected);
  return [
    {
      path,
      at: path,
      text:
        value === undefined ? `is required (${what})` : `expected ${what}, got ${gotWords(value)}`,
    },
  ];
}

/** Every issue of the option is about the value's own type, at the option's root. */
function isTypeMismatch(branch: readonly Issue[], value: unknown): boolean {
  return branch.every(
    (i) =>
      i.path.length === 0 &&
      (i.code === 'invalid_type' ||
        (i.code === 'invalid_value' && !i.values.some((v) => typeof v === typeof value))),
  );
}

/** zod's built-in messages (replaced by ours); anything else was written in the schema. */
const ZOD_DEFAULT =
  /^(Invalid input|Invalid option|Too big|Too small|Invalid (string|number|key|element|value)|Unrecognized key|Invalid$)/;
const isOwnMessage = (message: string) => !ZOD_DEFAULT.test(message);

function describe(issue: Issue, path: Key[], src: IssueSource): Problem {
  const value = valueAt(src.raw, path);
  const own = isOwnMessage(issue.message);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = keysAt(src.schema, path);
      const first = issue.keys[0] ?? '';
      const hint = keys ? didYouMean(first, keys) : '';
      // At most 10 named: a hostile file can hold tens of thousands.
      const list = `${issue.keys
        .slice(0, 10)
        .map((k) => `"${k}"`)
        .join(', ')}${issue.keys.length > 10 ? ` and ${issue.keys.length - 10} more` : ''}`;
      return {
        path,
        at: [...path, first],
        text: `unknown key${issue.keys.length > 1 ? 's' : ''} ${list}${
          !hint && keys ? ` (allowed here: ${keys.join(', ')})` : ''
        }`,
        hint,
      };
    }
    case 'invalid_value': {
      const oneOf = mustBeOneOf(issue.values, value);
      // A schema's own message for a value it knows (an old name, say) beats the closest match.
      return {
        path,
        at: path,
        ...oneOf,
        ...(own ? { hint: `; ${issue.message}` } : {}),
        ...got(value),
      };
    }
    case 'invalid_type': {
      if (value === undefined)
        return { path, at: path, text: `is required (${expectedAt(src, path, issue.expected)})` };
      if (own) return { path, at: path, text: issue.message, item: true, ...got(value) };
      return {
        path,
        at: path,
        text: `expected ${expectedAt(src, path, issue.expected)}, got ${gotWords(value)}`,
        item: true,
      };
    }
    case 'too_small':
    case 'too_big': {
      if (own) return { path, at: path, text: issue.message, ...got(value) };
      return { path, at: path, text: sizeText(issue), ...got(value) };
    }
    default:
      return {
        path,
        at: path,
        text: issue.message,
        ...(issue.code === 'custom' ? {} : got(value)),
      };
  }
}

/** `must be one of "a", "b" or a list; did you mean "a"?` */
function mustBeOneOf(
  values: readonly unknown[],
  value: unknown,
  others: string[] = [],
): { text: string; hint: string } {
  const allowed = values.map((v) => JSON.stringify(v)).join(', ');
  return {
    text: `must be one of ${allowed}${others.map((o) => ` or ${o}`).join('')}`,
    hint: typeof value === 'string' ? didYouMean(value, values.map(String)) : '',
  };
}

function sizeText(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const bound = small ? issue.minimum : issue.maximum;
  const n = typeof bound === 'bigint' ? Number(bound) : bound;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `needs ${small ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
    case 'string':
      if (small && n === 1) return 'must not be empty';
      return `needs ${small ? 'at least' : 'at most'} ${n} character${n === 1 ? '' : 's'}`;
    default:
      return small
        ? `must be ${inclusive ? 'at least' : 'greater than'} ${n}`
        : `must be ${inclusive ? 'at most' : 'less than'} ${n}`;
  }
}

/**
 * Type errors of list items with one and the same message on every item of the list are one
 * mistake about the list: `crossings: [lighting, source]` (a flat list where a list of lists
 * belongs) is said once, for `slices.crossings`, not once per item.
 */
function collapseItems(problems: Problem[], raw: unknown): Problem[] {
  const groups = new Map<string, Problem[]>();
  for (const p of problems) {
    if (!p.item || typeof p.path.at(-1) !== 'number') continue;
    const key = `${JSON.stringify(p.path.slice(0, -1))}\u0000${p.text}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const replaced = new Map<Problem, Problem | null>();
  for (const group of groups.values()) {
    const parent = group[0]!.path.slice(0, -1);
    const list = valueAt(raw, parent);
    if (!Array.isArray(list) || list.length < 2 || group.length !== list.length) continue;
    group.forEach((p, i) =>
      replaced.set(
        p,
        i === 0 ? { path: parent, at: parent, text: group[0]!.text, got: shortValue(list) } : null,
      ),
    );
  }
  return problems.flatMap((p) => {
    const r = replaced.get(p);
    return r === undefined ? [p] : r === null ? [] : [r];
  });
}

// --- values

function valueAt(raw: unknown, path: readonly Key[]): unknown {
  let value = raw;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<Key, unknown>)[part];
  }
  return value;
}

function got(value: unknown): { got?: string } {
  const text = shortValue(value);
  return text === undefined ? {} : { got: text };
}

/** The value as written, short: `"xml"`, `5`, `[lighting, source]`. */
function shortValue(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    text = String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null))
    text = `[${value.map((v) => (typeof v === 'string' ? v : String(v))).join(', ')}]`;
  else return undefined;
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** `the string "0.5"`, `the number 3`, `a list`. */
function gotWords(value: unknown): string {
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `the string ${shortValue(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const s = shortValue(value);
    return s ? `the list ${s}` : 'a list';
  }
  return 'a mapping';
}

// --- the schema, read for allowed keys and the shape of each union option

/** The parts of zod 4's schema definitions read here (`schema._zod.def`). */
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  items?: Schema[];
  options?: Schema[];
  innerType?: Schema;
  in?: Schema;
  valueType?: Schema;
  getter?: () => Schema;
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: { _zod: { def: { check?: string; format?: string } } }[];
}
interface Schema {
  _zod: { def: unknown };
}
const defOf = (s: Schema) => s._zod.def as Def;

const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'catch',
  'readonly',
  'nonoptional',
]);

function unwrap(s: Schema): Schema {
  for (let guard = 0; guard < 20; guard++) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else if (def.type === 'lazy' && def.getter) s = def.getter();
    else break;
  }
  return s;
}

function child(s: Schema, part: Key): Schema | undefined {
  const def = defOf(s);
  if (def.type === 'object') return typeof part === 'string' ? def.shape?.[part] : undefined;
  if (def.type === 'array') return typeof part === 'number' ? def.element : undefined;
  if (def.type === 'tuple') return typeof part === 'number' ? def.items?.[part] : undefined;
  if (def.type === 'record') return def.valueType;
  if (def.type === 'union')
    for (const o of def.options ?? []) {
      const c = child(unwrap(o), part);
      if (c) return c;
    }
  return undefined;
}

function schemaAt(schema: Schema, path: readonly Key[]): Schema | undefined {
  let s: Schema | undefined = unwrap(schema);
  for (const part of path) {
    s = s && child(s, part);
    if (!s) return undefined;
    s = unwrap(s);
  }
  return s;
}

function keysAt(schema: Schema, path: readonly Key[]): string[] | undefined {
  const s = schemaAt(schema, path);
  const def = s && defOf(s);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

function unionOptions(s: Schema | undefined): Schema[] | undefined {
  const def = s && defOf(s);
  return def?.type === 'union' ? (def.options ?? []).map(unwrap) : undefined;
}

const isInt = (def: Def) =>
  (def.checks ?? []).some((c) => c._zod.def.format === 'safeint' || c._zod.def.format === 'int32');

/** What a schema accepts, in words: `a number`, `a list of numbers`, `one of "a", "b"`. */
function describeSchema(schema: Schema, short = false): string {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case 'number':
      return isInt(def) ? 'an integer' : 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      return short ? 'a name' : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    case 'literal':
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(' or ');
    case 'array': {
      const of = def.element ? plural(def.element) : undefined;
      return of ? `a list of ${of}` : 'a list';
    }
    case 'tuple': {
      const items = def.items ?? [];
      const kinds = [...new Set(items.map((i) => plural(i)))];
      return kinds.length === 1 && kinds[0] ? `a list of ${items.length} ${kinds[0]}` : 'a list';
    }
    case 'object': {
      const keys = Object.keys(def.shape ?? {});
      return keys.length > 0 && keys.length <= 3 ? `a mapping { ${keys.join(', ')} }` : 'a mapping';
    }
    case 'record':
      return 'a mapping';
    case 'union':
      return joinOr([...new Set((def.options ?? []).map((o) => describeSchema(o, short)))]);
    default:
      return def.type;
  }
}

/** Items of a list, in words, when that is short: `numbers`, `integers`, `lists of strings`. */
function plural(schema: Schema): string | undefined {
  const def = defOf(unwrap(schema));
  if (def.type === 'number') return isInt(def) ? 'integers' : 'numbers';
  if (def.type === 'string') return 'strings';
  if (def.type === 'enum') return 'names';
  if (def.type === 'boolean') return 'booleans';
  if (def.type === 'array') {
    const inner = def.element ? plural(def.element) : undefined;
    return inner ? `lists of ${inner}` : 'lists';
  }
  if (def.type === 'object' || def.type === 'record') return 'mappings';
  return undefined;
}

function expectedAt(src: IssueSource, path: readonly Key[], fallback: string): string {
  const s = schemaAt(src.schema, path);
  return s ? describeSchema(s) : typeWords(fallback);
}

function typeWords(expected: string): string {
  const words: Record<string, string> = {
    number: 'a number',
    int: 'an integer',
    string: 'a string',
    boolean: 'true or false',
    array: 'a list',
    tuple: 'a list',
    object: 'a mapping',
    record: 'a mapping',
  };
  return words[expected] ?? expected;
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'another value';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}
