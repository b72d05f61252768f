import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

/** A validated config plus what is needed to point back into the file. */
export interface LoadedConfig {
  config: Config;
  /** Absolute path of the config file. */
  file: string;
  /** Folder relative paths in the config are resolved against. */
  dir: string;
  /** 1-based line of a key path in the file, or undefined when it is not written there. */
  lineOf(keyPath: readonly (string | number)[]): number | undefined;
}

/** Read, parse and validate a `visiongate.yml`; every problem is a {@link UserError} naming key and line. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'config',
      code === 'ENOENT'
        ? `config file not found: ${file}`
        : `cannot read config file ${file}: ${code ?? String(error)}`,
    );
  }
  return parseConfig(text, abs);
}

/** Parse and validate config text; `file` is used for messages and for resolving relative paths. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const display = path.basename(file);
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    const where = `${display}${pos ? `:${pos.line}:${pos.col}` : ''}`;
    // yaml's own message ("Map keys must be unique") does not say which key: name it.
    const dupPath = first.code === 'DUPLICATE_KEY' ? keyPathAt(doc, first.pos[0]) : undefined;
    throw new UserError(
      'config',
      dupPath
        ? `${where}: invalid YAML: duplicate key ${formatKeyPath(dupPath)} (each key may appear only once)`
        : `${where}: invalid YAML: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined)
    throw new UserError('config', `${display}: the config file is empty`);
  const lineOf = (keyPath: readonly (string | number)[]) => lineOfPath(doc, lineCounter, keyPath);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues
      .slice(0, 10)
      .map((issue) => formatIssue(issue, display, lineOf, raw));
    const more =
      parsed.error.issues.length > 10 ? `\n  (${parsed.error.issues.length - 10} more)` : '';
    throw new UserError('config', `invalid config ${display}:\n  ${lines.join('\n  ')}${more}`);
  }
  return { config: parsed.data, file, dir: path.dirname(file), lineOf };
}

function formatIssue(
  issue: z.core.$ZodIssue,
  display: string,
  lineOf: (p: readonly (string | number)[]) => number | undefined,
  raw: unknown,
): string {
  const keyPath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  // An unknown key is best pointed at where it is written.
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) keyPath.push(issue.keys[0]!);
  // Point at the deepest part of the path that is written in the file (a missing key points at its parent).
  let line: number | undefined;
  for (let n = keyPath.length; n >= 0 && line === undefined; n--)
    line = lineOf(keyPath.slice(0, n));
  const shown = issue.code === 'unrecognized_keys' ? keyPath.slice(0, -1) : keyPath;
  const key = shown.length > 0 ? formatKeyPath(shown) : '(top level)';
  return `${display}${line ? `:${line}` : ''}: ${key}: ${describeIssue(issue)}${describeValue(issue, raw)}`;
}

/** ` (got "xml")`: the offending value when it is a scalar that is written in the file. */
function describeValue(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code === 'unrecognized_keys' || issue.code === 'custom') return '';
  let value: unknown = raw;
  for (const part of issue.path) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    text = String(value);
  else return '';
  return ` (got ${text.length > 60 ? `${text.slice(0, 59)}…` : text})`;
}

/** Key path of the map key that starts at `offset` (a duplicate key reported by yaml). */
function keyPathAt(doc: Document, offset: number): (string | number)[] | undefined {
  const walk = (node: unknown, prefix: (string | number)[]): (string | number)[] | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (k === undefined) continue;
        if (isScalar(pair.key) && pair.key.range?.[0] === offset) return [...prefix, k];
        const found = walk(pair.value, [...prefix, k]);
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const found = walk(node.items[i], [...prefix, i]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(doc.contents, []);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value': {
      // A schema may add a hint for a value it knows (an old name, say) to the list.
      const hint = /^Invalid (option|input)/.test(issue.message) ? '' : `; ${issue.message}`;
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${hint}`;
    }
    case 'invalid_type':
      return issue.message.includes('received undefined')
        ? `is required (expected ${issue.expected})`
        : issue.message.replace(/^Invalid input: /, '');
    default:
      return issue.message;
  }
}

/** `dataset.columns.path`, `gates[0].metric`. */
export function formatKeyPath(keyPath: readonly (string | number)[]): string {
  return keyPath.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function lineOfPath(
  doc: Document,
  counter: LineCounter,
  keyPath: readonly (string | number)[],
): number | undefined {
  let node: unknown = doc.contents;
  let keyOffset: number | undefined;
  if (keyPath.length === 0) return rangeLine(node as Node | null, counter);
  for (const part of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(part),
      );
      if (!pair) return undefined;
      keyOffset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      keyOffset = (node as Node | undefined)?.range?.[0];
      if (node === undefined) return undefined;
    } else {
      return undefined;
    }
  }
  return keyOffset !== undefined
    ? counter.linePos(keyOffset).line
    : rangeLine(node as Node | null, counter);
}

function rangeLine(node: Node | null | undefined, counter: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : counter.linePos(start).line;
}

/** Resolve a config-relative path. */
export function resolveFromConfig(loaded: Pick<LoadedConfig, 'dir'>, p: string): string {
  return path.resolve(loaded.dir, p);
}
