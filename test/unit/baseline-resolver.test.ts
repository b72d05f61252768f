import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { lookupWanted, resolveBaseline } from '../../src/engine/baseline.js';
import { UserError } from '../../src/errors.js';

const DIR = '/cfg';
const cwd = (p: string) => path.resolve(process.cwd(), p);

/** A config in /cfg with the given baseline section. */
function loaded(baseline: Record<string, string> = {}) {
  return parseConfig(
    JSON.stringify({
      dataset: { root: 'data' },
      model: { path: 'm.onnx' },
      baseline,
    }),
    path.join(DIR, 'visiongate.yml'),
  );
}

const found = { dir: '/tmp/found', commit: 'c'.repeat(40), ref: 'main', detail: 'merge base' };

describe('resolveBaseline', () => {
  it('nothing requested or configured: none; a found stored result is then used', () => {
    expect(resolveBaseline(loaded(), {})).toEqual({ kind: 'none', why: 'none configured' });
    expect(resolveBaseline(loaded(), {}, found)).toEqual({
      kind: 'stored',
      dir: '/tmp/found',
      from: 'lookup',
      found,
    });
  });

  it('none requested beats everything, the config and a found result included', () => {
    expect(resolveBaseline(loaded({ model: 'b.onnx' }), { none: true }, found)).toEqual({
      kind: 'none',
      why: 'none requested',
    });
    expect(resolveBaseline(loaded({ report: 'old' }), { none: true, reuse: 'x' })).toEqual({
      kind: 'none',
      why: 'none requested',
    });
  });

  it('a requested model or stored result beats the config (paths from the cwd)', () => {
    const cfg = loaded({ report: 'old' });
    expect(resolveBaseline(cfg, { model: 'b.onnx' })).toEqual({
      kind: 'model',
      path: cwd('b.onnx'),
      from: 'request',
    });
    expect(resolveBaseline(loaded({ model: 'b.onnx' }), { stored: 'prev' })).toEqual({
      kind: 'stored',
      dir: cwd('prev'),
      from: 'request',
    });
  });

  it('the config: model or report, relative to the config file; a config beats a found result', () => {
    expect(resolveBaseline(loaded({ report: 'old' }), {}, found)).toEqual({
      kind: 'stored',
      dir: '/cfg/old',
      from: 'config',
    });
    expect(resolveBaseline(loaded({ model: 'b.onnx' }), {})).toEqual({
      kind: 'model',
      path: '/cfg/b.onnx',
      from: 'config',
    });
  });

  it('reuse of a stored run for the baseline model: requested, else found, else configured', () => {
    const cfg = loaded({ model: 'b.onnx', reuse: 'kept' });
    expect(resolveBaseline(cfg, {})).toMatchObject({ reuse: { dir: '/cfg/kept', from: 'config' } });
    expect(resolveBaseline(cfg, {}, found)).toMatchObject({
      reuse: { dir: '/tmp/found', from: 'lookup' },
    });
    expect(resolveBaseline(cfg, { reuse: 'mine' }, found)).toMatchObject({
      reuse: { dir: cwd('mine'), from: 'request' },
    });
    // A requested model takes only a requested reuse: the config's belongs to the config's model.
    expect(resolveBaseline(cfg, { model: 'other.onnx' }, found)).toEqual({
      kind: 'model',
      path: cwd('other.onnx'),
      from: 'request',
    });
  });

  it('a model and a stored result both requested: a usage error in the caller’s words', () => {
    const both = { model: 'b.onnx', stored: 'prev' };
    expect(() => resolveBaseline(loaded(), both)).toThrow(UserError);
    expect(() => resolveBaseline(loaded(), both)).toThrow(
      'give either --baseline-model or --baseline (a stored result folder), not both',
    );
    expect(() =>
      resolveBaseline(loaded(), { ...both, names: { model: 'input a', stored: 'input b' } }),
    ).toThrow('give either input a or input b');
  });
});

describe('lookupWanted', () => {
  it('when nothing else is asked for, or to stand in for the config’s baseline model', () => {
    expect(lookupWanted(loaded(), {})).toBe(true);
    expect(lookupWanted(loaded({ model: 'b.onnx' }), {})).toBe(true);
    expect(lookupWanted(loaded({ model: 'b.onnx', reuse: 'kept' }), {})).toBe(true);
  });

  it('not when a stored result or model is requested or configured, or none is requested', () => {
    expect(lookupWanted(loaded({ report: 'old' }), {})).toBe(false);
    expect(lookupWanted(loaded(), { stored: 'prev' })).toBe(false);
    expect(lookupWanted(loaded(), { model: 'b.onnx' })).toBe(false);
    expect(lookupWanted(loaded(), { none: true })).toBe(false);
    expect(lookupWanted(loaded({ model: 'b.onnx' }), { reuse: 'mine' })).toBe(false);
  });
});
