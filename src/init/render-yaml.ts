/**
 * A commented YAML document from a small tree of keys, list items and comments. Written by hand
 * rather than through a YAML library's document model because the layout is the point: short
 * values in flow style on one line (`resize: { mode: stretch }`), comments above what they
 * explain, wrapped to the page, and commented-out keys a user can switch on. Values are quoted
 * only when a plain scalar would read back as something else.
 */
import { parse } from 'yaml';

export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue };

export type YamlNode =
  /** `# text`, wrapped; a text with line breaks keeps them. */
  | { kind: 'comment'; text: string }
  /** Lines written after `# ` as they are (commented-out YAML, not wrapped). */
  | { kind: 'commented'; lines: string[] }
  | { kind: 'blank' }
  /** `key: value`, or `key:` with children indented below. */
  | { kind: 'pair'; key: string; value?: YamlValue; children?: YamlNode[] }
  /** `- value` in a block list. */
  | { kind: 'item'; value: YamlValue };

/** Page width comments are wrapped to. */
const WIDTH = 100;

/** YAML 1.1 booleans and nulls that editors may still read as such: always quoted. */
const AMBIGUOUS = /^(y|n|yes|no|on|off|true|false|null|~)$/i;

/** A comment line. */
export const c = (text: string): YamlNode => ({ kind: 'comment', text });
/** `key: value`. */
export const pair = (key: string, value: YamlValue): YamlNode => ({ kind: 'pair', key, value });
/** `key:` with nested nodes. */
export const block = (key: string, children: YamlNode[]): YamlNode => ({
  kind: 'pair',
  key,
  children,
});
/** An empty line. */
export const blank: YamlNode = { kind: 'blank' };

/** A string as a plain scalar when it reads back unchanged (also inside `[...]`), else JSON-quoted. */
export function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const plain =
    /^[A-Za-z0-9_./()][A-Za-z0-9_ ./()+-]*$/.test(value) &&
    !value.endsWith(' ') &&
    !AMBIGUOUS.test(value) &&
    parsesTo(value);
  return plain ? value : JSON.stringify(value);
}

function parsesTo(value: string): boolean {
  try {
    const list: unknown = parse(`[${value}]`, { schema: 'core' });
    return Array.isArray(list) && list[0] === value;
  } catch {
    return false;
  }
}

/** A value in flow style: `[a, b]`, `{ mode: stretch, interpolation: bilinear }`. */
export function flow(value: YamlValue): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0
      ? '{}'
      : `{ ${entries.map(([k, v]) => `${scalar(k)}: ${flow(v)}`).join(', ')} }`;
  }
  return scalar(value);
}

/** Words of a paragraph, a bracketed group (`[0.485, 0.456, 0.406]`) kept as one. */
function words(paragraph: string): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const w of paragraph.split(/ +/)) {
    if (depth > 0) out[out.length - 1] += ` ${w}`;
    else out.push(w);
    for (const ch of w) depth += ch === '[' || ch === '{' ? 1 : ch === ']' || ch === '}' ? -1 : 0;
    depth = Math.max(depth, 0);
  }
  return out;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of words(paragraph)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

/** The document's text, ending with a newline. */
export function renderYaml(nodes: readonly YamlNode[]): string {
  const lines: string[] = [];
  const walk = (list: readonly YamlNode[], indent: string) => {
    for (const node of list) {
      switch (node.kind) {
        case 'comment':
          for (const l of wrap(node.text, WIDTH - indent.length - 2))
            lines.push(l ? `${indent}# ${l}` : `${indent}#`);
          break;
        case 'commented':
          for (const l of node.lines) lines.push(`${indent}# ${l}`);
          break;
        case 'blank':
          lines.push('');
          break;
        case 'item':
          lines.push(`${indent}- ${flow(node.value)}`);
          break;
        case 'pair':
          if (node.value !== undefined)
            lines.push(`${indent}${scalar(node.key)}: ${flow(node.value)}`);
          else {
            lines.push(`${indent}${scalar(node.key)}:`);
            walk(node.children ?? [], `${indent}  `);
          }
          break;
      }
    }
  };
  walk(nodes, '');
  return `${lines.join('\n')}\n`;
}
