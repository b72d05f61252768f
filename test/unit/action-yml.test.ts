import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readInputs } from '../../src/action/inputs.js';

const repo = path.resolve(import.meta.dirname, '../..');
const action = parse(readFileSync(path.join(repo, 'action.yml'), 'utf8')) as {
  runs: { using: string; main: string };
  inputs: Record<string, { default?: string; description: string }>;
};

describe('action.yml', () => {
  it('runs the bundled entry on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('declares exactly the inputs the Action reads', () => {
    const read = new Set<string>();
    readInputs((name) => {
      read.add(name);
      return '';
    });
    expect(new Set(Object.keys(action.inputs))).toEqual(read);
  });

  it('declares the same defaults the Action applies when an input is empty', () => {
    const fromYaml = readInputs((name) => {
      const d = action.inputs[name]?.default ?? '';
      return d.includes('${{') ? '' : d;
    });
    const fromCode = readInputs(() => '');
    expect(fromYaml).toEqual(fromCode);
  });

  it('names the input, the bad value and what is allowed', () => {
    expect(() => readInputs((n) => (n === 'store-baseline' ? 'sometimes' : ''))).toThrow(
      'input "store-baseline" is invalid (got "sometimes"): allowed: auto, always, never',
    );
    expect(() => readInputs((n) => (n === 'comment' ? 'yes' : ''))).toThrow(
      'input "comment" is invalid (got "yes")',
    );
    expect(() => readInputs((n) => (n === 'head-sha' ? 'abc' : ''))).toThrow(
      'must be a 40-character commit sha',
    );
    expect(() => readInputs((n) => (n === 'mode' ? 'merge' : ''))).toThrow(
      'mode: merge needs the shards input',
    );
  });
});
