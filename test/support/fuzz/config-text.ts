/**
 * The YAML text of a generated config: block or flow style, with harmless variations (BOM, CRLF,
 * comments with non-UTF-8 bytes, anchors and aliases) and the text-level faults a hand-edited
 * file can have (syntax errors, duplicate keys, alias bombs, empty or oversized files, numbers
 * YAML reads as infinite). Each fault says what an error message about it must name.
 */
import fc from 'fast-check';
import { Document, isMap, isSeq, stringify } from 'yaml';
import type { Json, KeyPath } from './config.js';
import { getAt, keyPaths } from './config.js';
import { formatKeyPath } from '../../../src/config/issues.js';

export const CONFIG_NAME = 'visiongate.yml';

/** How the text is laid out; none of it changes what the config says. */
export interface TextStyle {
  flow: boolean;
  crlf: boolean;
  bom: boolean;
  /** A comment line with a Latin-1 byte (not UTF-8) at the top. */
  latin1Comment: boolean;
  /** The first gate anchored (&g) and repeated as an alias (*g) (block style only). */
  aliasGate: boolean;
}

export type TextFault =
  | { kind: 'syntax'; at: number; snippet: string }
  | { kind: 'duplicate-key'; at: number }
  | { kind: 'alias-bomb' }
  | { kind: 'undefined-alias' }
  | { kind: 'whole'; text: string }
  | { kind: 'latin1-name' }
  | { kind: 'number-literal'; at: number; literal: string }
  | { kind: 'too-large' }
  | { kind: 'deep' };

export function textStyleArb(): fc.Arbitrary<TextStyle> {
  return fc.record({
    flow: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, fc.constant(true)),
    crlf: fc.boolean(),
    bom: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, fc.constant(true)),
    latin1Comment: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, fc.constant(true)),
    aliasGate: fc.boolean(),
  });
}

export function textFaultArb(): fc.Arbitrary<TextFault> {
  const at = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
  return fc.oneof(
    fc.record({
      kind: fc.constant('syntax' as const),
      at,
      snippet: fc.constantFrom(
        'key: "unclosed',
        '[',
        '{ a: 1',
        ': :',
        '\tx: 1',
        '- a\nb: c',
        'a: b: c',
        '@reserved',
        '`backtick',
        '%YAML 9.9',
        'x: !!binary "%%%"',
        "'",
      ),
    }),
    fc.record({ kind: fc.constant('duplicate-key' as const), at }),
    fc.constant({ kind: 'alias-bomb' as const }),
    fc.constant({ kind: 'undefined-alias' as const }),
    fc.record({
      kind: fc.constant('whole' as const),
      text: fc.constantFrom(
        '',
        '   \n',
        '# only a comment\n',
        '~\n',
        '---\n',
        '- a\n- b\n',
        '42\n',
        '"text"\n',
        'a: 1\n---\nb: 2\n',
        '\u0000\u0001\u0002',
      ),
    }),
    fc.constant({ kind: 'latin1-name' as const }),
    fc.record({
      kind: fc.constant('number-literal' as const),
      at,
      literal: fc.constantFrom(
        '.inf',
        '-.inf',
        '.nan',
        '1e999',
        '123456789012345678901234567890',
        '0x1F',
        '1_000',
      ),
    }),
    fc.constant({ kind: 'too-large' as const }),
    fc.constant({ kind: 'deep' as const }),
  );
}

/** The config file's bytes, and what an error about a text fault must name (any one of). */
export interface RenderedConfig {
  bytes: Buffer;
  /** For a fault: strings of which the message must contain one; undefined: no fault. */
  anchors?: string[];
  /** The fault leaves a valid config (e.g. a number literal the schema takes). */
  maybeValid?: boolean;
}

const PLACEHOLDER = '__FUZZ_NUMBER__';
/** Written as the byte 0xe9 (see the end of {@link renderConfig}). */
const LATIN1 = '__FUZZ_LATIN1__';

/** Render `config` in `style`, then apply `fault`. */
export function renderConfig(config: Json, style: TextStyle, fault?: TextFault): RenderedConfig {
  let anchors: string[] | undefined;
  let maybeValid = false;
  let value = config;
  if (fault?.kind === 'number-literal') {
    // Replace a numeric leaf with a placeholder the text replace turns into the literal.
    const numeric = keyPaths(config).filter((p) => typeof getAt(config, p) === 'number');
    if (numeric.length > 0) {
      const path = numeric[Math.floor(fault.at * numeric.length)]!;
      value = setAt(config, path, PLACEHOLDER);
      anchors = [formatKeyPath(path)];
      maybeValid = true;
    }
  }
  if (fault?.kind === 'latin1-name') value = setAt(value, ['name'], `caf${LATIN1}`);
  let text = style.flow ? `${JSON.stringify(value, null, 1)}\n` : blockYaml(value, style.aliasGate);
  if (fault?.kind === 'number-literal') {
    text = text.replace(new RegExp(`"?${PLACEHOLDER}"?`), fault.literal);
  }
  let lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (style.latin1Comment) lines.unshift(`# r${LATIN1}sum${LATIN1} (written as Latin-1)`);
  const lineOf = (at: number) => Math.floor(at * lines.length);
  switch (fault?.kind) {
    case 'syntax': {
      const i = lineOf(fault.at);
      lines.splice(i, 0, ...fault.snippet.split('\n'));
      anchors = [];
      for (let l = i + 1; l <= lines.length + 1; l++) anchors.push(`${CONFIG_NAME}:${l}`);
      maybeValid = true; // some snippets are valid YAML in some places (a comment-like line)
      break;
    }
    case 'duplicate-key': {
      // The first line at or after `at` that starts a map key (block style only).
      const start = lineOf(fault.at);
      const keyLine = /^(\s*)([A-Za-z_][\w]*):(\s|$)/;
      let i = -1;
      for (let k = 0; k < lines.length && i < 0; k++) {
        const j = (start + k) % lines.length;
        if (keyLine.test(lines[j]!) && !style.flow) i = j;
      }
      if (i >= 0) {
        lines.splice(i + 1, 0, lines[i]!);
        anchors = [`${CONFIG_NAME}:${i + 2}`];
      }
      break;
    }
    case 'alias-bomb': {
      // "Billion laughs": each key holds ten aliases of the one before.
      const bomb = ['lol0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let k = 1; k < 9; k++)
        bomb.push(
          `lol${k}: &a${k} [${Array(10)
            .fill(`*a${k - 1}`)
            .join(', ')}]`,
        );
      lines = [...bomb, ...toBlock(value)];
      anchors = ['alias'];
      break;
    }
    case 'undefined-alias':
      lines.push('extra: *nowhere');
      anchors = [CONFIG_NAME];
      break;
    case 'whole':
      lines = fault.text === '' ? [] : fault.text.replace(/\n$/, '').split('\n');
      anchors = [CONFIG_NAME];
      break;
    case 'latin1-name':
      anchors = ['name'];
      break;
    case 'too-large':
      lines.push(`# ${'x'.repeat(1 << 20)}`);
      anchors = [CONFIG_NAME];
      break;
    case 'deep':
      lines.push(`extra: ${'['.repeat(5000)}${']'.repeat(5000)}`);
      anchors = [CONFIG_NAME];
      break;
    default:
      break;
  }
  const eol = style.crlf ? '\r\n' : '\n';
  let out = lines.join(eol) + (lines.length ? eol : '');
  if (style.bom) out = `\ufeff${out}`;
  // The placeholder becomes the single byte 0xe9 (é in Latin-1), which is not UTF-8.
  const bytes = Buffer.concat(
    out
      .split(LATIN1)
      .flatMap((part, i) => (i ? [Buffer.from([0xe9]), Buffer.from(part)] : [Buffer.from(part)])),
  );
  return { bytes, ...(anchors ? { anchors } : {}), ...(maybeValid ? { maybeValid } : {}) };
}

function toBlock(value: Json): string[] {
  return stringify(value).replace(/\n$/, '').split('\n');
}

/** Block YAML; with `aliasGate`, the first gate is anchored and repeated by an alias. */
function blockYaml(value: Json, aliasGate: boolean): string {
  const doc = new Document(value);
  if (aliasGate && isMap(doc.contents)) {
    const gates = doc.contents.get('gates', true);
    if (isSeq(gates) && gates.items.length > 0) {
      const first = gates.items[0]!;
      gates.items.push(doc.createAlias(first as Parameters<typeof doc.createAlias>[0], 'g'));
    }
  }
  return doc.toString({ lineWidth: 0 });
}

function setAt(root: Json, path: KeyPath, v: Json): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, Json>;
  node[path.at(-1)!] = v;
  return copy;
}
