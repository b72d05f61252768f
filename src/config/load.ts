import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { UserError } from '../errors.js';
import { formatIssues, formatKeyPath } from './issues.js';
import { configSchema, type Config } from './schema.js';
import { withInferredTask } from './task.js';

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

/**
 * A config is a few kB (an inline list of 1000 class names is ~20 kB). Parsing time grows with
 * size (about 4 s per MiB here), so a larger file is refused before it is read.
 */
const MAX_CONFIG_BYTES = 1 << 20;
/**
 * How many nodes one YAML alias may expand to (the yaml package's default, made explicit): a
 * "billion laughs" document of nested aliases is refused while it is converted, in bounded
 * time and memory, instead of expanding.
 */
const MAX_ALIAS_COUNT = 100;

/** Read, parse and validate a `visiongate.yml`; every problem is a {@link UserError} naming key and line. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  let text: string;
  try {
    const { size } = await stat(abs);
    if (size > MAX_CONFIG_BYTES) throw tooLarge(path.basename(abs), size);
    text = await readFile(abs, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
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

function tooLarge(display: string, bytes: number): UserError {
  return new UserError(
    'config',
    `${display} is ${(bytes / 2 ** 20).toFixed(1)} MiB: a VisionGate config is a few kB (at most ${MAX_CONFIG_BYTES / 2 ** 20} MiB). Is it the right file? Long lists (pinned ids, classes) can go in a file of their own (pinned.file, dataset.classes).`,
  );
}

/** Parse and validate config text; `file` is used for messages and for resolving relative paths. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const display = path.basename(file);
  if (text.length > MAX_CONFIG_BYTES) throw tooLarge(display, Buffer.byteLength(text));
  const lineCounter = new LineCounter();
  // Duplicate keys are found below in one pass: yaml's uniqueKeys check compares every key of
  // a map with every other (40,000 keys took 68 s here).
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    const where = `${display}${pos ? `:${pos.line}:${pos.col}` : ''}`;
    // yaml turns its own stack overflow on deeply nested flow collections into this message.
    const message = first.message.includes('Maximum call stack size exceeded')
      ? 'nested too deeply'
      : first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError('config', `${where}: invalid YAML: ${message}`);
  }
  const dup = firstDuplicateKey(doc);
  if (dup) {
    const pos = lineCounter.linePos(dup.offset);
    throw new UserError(
      'config',
      `${display}:${pos.line}:${pos.col}: invalid YAML: duplicate key ${formatKeyPath(dup.keyPath)} (each key may appear only once)`,
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml: "Excessive alias count indicates a resource exhaustion attack".
    if (error instanceof ReferenceError && /alias/i.test(error.message))
      throw new UserError(
        'config',
        `${display}: invalid YAML: its aliases (*name) expand to more than ${MAX_ALIAS_COUNT} nodes each (aliases of aliases, a "billion laughs" document); a VisionGate config needs none of that`,
      );
    throw error;
  }
  if (raw === null || raw === undefined)
    throw new UserError('config', `${display}: the config file is empty`);
  const lineOf = (keyPath: readonly (string | number)[]) => lineOfPath(doc, lineCounter, keyPath);
  const parsed = configSchema.safeParse(withInferredTask(raw));
  if (!parsed.success) {
    const all = formatIssues(parsed.error.issues, { display, lineOf, raw, schema: configSchema });
    const lines = all.slice(0, 10);
    if (all.length > 10) lines.push(`(${all.length - 10} more)`);
    throw new UserError('config', `invalid config ${display}:`, { details: lines });
  }
  return { config: parsed.data, file, dir: path.dirname(file), lineOf };
}

/**
 * The first map key that repeats an earlier key of the same map, in document order, with its
 * key path and offset: one pass with a Set per map. Aliases are not followed.
 */
function firstDuplicateKey(
  doc: Document,
): { keyPath: (string | number)[]; offset: number } | undefined {
  const walk = (
    node: unknown,
    prefix: (string | number)[],
  ): { keyPath: (string | number)[]; offset: number } | undefined => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const k = String(pair.key.value);
        if (seen.has(k)) return { keyPath: [...prefix, k], offset: pair.key.range?.[0] ?? 0 };
        seen.add(k);
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
