import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

/**
 * Class lists as users and exporters write them:
 * - a text file, one name per line (torchvision, Keras, darknet `.names`);
 * - JSON: a list `["cat", "dog"]`, an id → name object `{"0": "cat", "1": "dog"}`, or a Hugging
 *   Face `config.json` whose `id2label` is such an object;
 * - the same JSON as a string in ONNX metadata (`classes` / `labels`).
 */

/**
 * Read a class list file: `.json` as JSON (see {@link classesFromJson}), anything else as text
 * (see {@link parseClassText}). Errors name the file and what is wrong.
 */
export async function readClassFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError('dataset', `class list file not found: ${file}`);
  }
  if (path.extname(file).toLowerCase() !== '.json') return parseClassText(text);
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UserError(
      'dataset',
      `${file}: invalid JSON (${(error as Error).message}); a class list in JSON is a list ["cat", "dog"] or an object {"0": "cat", "1": "dog"}`,
    );
  }
  const classes = classesFromJson(value);
  if (typeof classes === 'string') throw new UserError('dataset', `${file}: ${classes}`);
  return classes;
}

/** `#` alone or `# ...`: a comment line of a class list text file. */
const isCommentLine = (trimmed: string): boolean => /^#(\s|$)/.test(trimmed);

/**
 * One class name per line, surrounding spaces trimmed, blank lines skipped. A line that is `#`
 * alone or `#` followed by a space is a comment (`# model output order`); any other text is a
 * name, so `#1` and `#fff` are classes. A name that itself starts with `# ` needs a JSON list.
 */
function parseClassText(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !isCommentLine(l));
}

/**
 * Class names from parsed JSON: a list of strings; an object whose keys are the ids 0..n−1
 * (any order) and values the names; or an object with such an `id2label` (Hugging Face
 * `config.json`). Returns the names, or a sentence saying why the value is not a class list.
 */
export function classesFromJson(value: unknown): string[] | string {
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => typeof v !== 'string' || v === '');
    return bad < 0
      ? (value as string[])
      : `item ${bad} of the class list is ${JSON.stringify(value[bad])}, not a class name`;
  }
  if (value === null || typeof value !== 'object')
    return 'a class list in JSON is a list ["cat", "dog"] or an object {"0": "cat", "1": "dog"}';
  const obj = value as Record<string, unknown>;
  if ('id2label' in obj) {
    const inner = classesFromJson(obj.id2label);
    return typeof inner === 'string' ? `id2label: ${inner}` : inner;
  }
  const entries = Object.entries(obj);
  const names: string[] = [];
  for (const [k, v] of entries) {
    const id = /^(0|[1-9]\d*)$/.test(k) ? Number(k) : NaN;
    if (!(id < entries.length))
      return `key "${k}" is not a class index 0-${entries.length - 1}; an id → name object is {"0": "cat", "1": "dog"}`;
    if (typeof v !== 'string' || v === '')
      return `class ${k} is ${JSON.stringify(v)}, not a class name`;
    names[id] = v;
  }
  return names;
}

/**
 * The class list in an ONNX metadata value: JSON (a list or an id → name object), else a
 * comma- or newline-separated list. Returns undefined when it is neither.
 */
export function classesFromMetadata(value: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    const names = value
      .split(/\r?\n|,/)
      .map((s) => s.trim())
      .filter(Boolean);
    return names.length > 0 ? names : undefined;
  }
  const classes = classesFromJson(parsed);
  return typeof classes === 'string' ? undefined : classes;
}
