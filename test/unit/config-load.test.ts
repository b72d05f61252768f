import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeyPath } from '../../src/config/issues.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { isUserError, UserError } from '../../src/errors.js';

const FILE = '/project/ci/visiongate.yml';

/** The smallest valid config; every test below adds one mistake to it. */
const MINIMAL = ['dataset:', '  root: data', 'model:', '  path: model.onnx'].join('\n');

/** Parse and return the thrown UserError (fails the test if nothing or something else is thrown). */
function errorOf(text: string): UserError {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    expect((error as UserError).kind).toBe('config');
    return error as UserError;
  }
  throw new Error('parseConfig accepted an invalid config');
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('parseConfig: defaults', () => {
  it('fills every documented default for a minimal config', () => {
    const { config, dir, file } = parseConfig(MINIMAL, FILE);
    expect(file).toBe(FILE);
    expect(dir).toBe('/project/ci');
    // Written out from the defaults documented in src/config/schema.ts, not from a run.
    expect(config).toEqual({
      version: 1,
      name: 'default',
      task: 'classification',
      dataset: {
        root: 'data',
        format: 'auto',
        columns: { path: 'path', label: 'label' },
        onUnreadable: 'error',
      },
      model: {
        path: 'model.onnx',
        input: { resize: { mode: 'stretch', library: 'pillow' } },
        output: { type: 'auto' },
      },
      runtime: {},
      baseline: {},
      slices: { crossings: [], classes: true, minSupport: 30, maxValues: 20, bins: 4, bin: [] },
      regression: { newlyFailing: { minDrop: 0.03, level: 'warn' } },
      metrics: { topK: [1, 5] },
      pinned: { ids: [], level: 'fail' },
      gates: [],
      statistics: { confidence: 0.95, resamples: 1000, seed: 0, alpha: 0.05 },
      discovery: {
        enabled: true,
        properties: ['brightness', 'contrast', 'sharpness'],
        bins: 4,
        maxLevel: 2,
        topK: 5,
        alpha: 0.95,
      },
      report: { maxExamples: 20, maxSlices: 30, maxListedExamples: 1000, html: true },
    });
  });

  it('fills defaults inside partly written objects and gate rules', () => {
    const { config } = parseConfig(
      lines(
        MINIMAL,
        '  input:',
        '    resize: { mode: center-crop }',
        'gates:',
        '  - metric: accuracy',
        '    min: 0.8',
      ),
      FILE,
    );
    // resize.library defaults inside a given resize object (the interpolation follows from it
    // when the contract is resolved); scope and level inside a rule.
    expect(config.model.input.resize).toEqual({ mode: 'center-crop', library: 'pillow' });
    expect(config.model.input.background).toBeUndefined();
    expect(config.gates).toEqual([
      { metric: 'accuracy', min: 0.8, scope: 'overall', level: 'fail', significant: false },
    ]);
  });

  it('keeps values that are written', () => {
    const { config } = parseConfig(
      lines(
        'name: nightly-eval',
        'dataset:',
        '  root: data',
        '  format: jsonl',
        '  manifest: m.jsonl',
        '  columns: { id: key, path: file, label: y }',
        '  classes: [cat, dog]',
        'model:',
        '  path: model.onnx',
        '  input: { size: [224, 200], mean: [0.485, 0.456, 0.406], std: 0.5, layout: NHWC }',
        'slices: { minSupport: 5, classes: false }',
      ),
      FILE,
    );
    expect(config.name).toBe('nightly-eval');
    expect(config.dataset.columns).toEqual({ id: 'key', path: 'file', label: 'y' });
    expect(config.dataset.classes).toEqual(['cat', 'dog']);
    expect(config.model.input.size).toEqual([224, 200]);
    expect(config.model.input.mean).toEqual([0.485, 0.456, 0.406]);
    expect(config.model.input.std).toBe(0.5);
    expect(config.slices).toEqual({
      minSupport: 5,
      classes: false,
      crossings: [],
      maxValues: 20,
      bins: 4,
      bin: [],
    });
  });

  it('lineOf points at keys and list items as written', () => {
    const text = lines(
      MINIMAL, //                 lines 1-4
      'gates:', //                line 5
      '  - metric: accuracy', //  line 6
      '    min: 0.8', //          line 7
      '  - metric: ece', //       line 8
      '    max: 0.1', //          line 9
    );
    const loaded = parseConfig(text, FILE);
    const lineOf = (keyPath: (string | number)[]) => loaded.lineOf(keyPath);
    expect(lineOf(['model', 'path'])).toBe(4);
    expect(lineOf(['gates'])).toBe(5);
    expect(lineOf(['gates', 1])).toBe(8);
    expect(lineOf(['gates', 1, 'max'])).toBe(9);
    expect(lineOf(['gates', 2])).toBeUndefined();
    expect(lineOf(['report'])).toBeUndefined(); // a default, not written in the file
  });
});

describe('parseConfig: errors name file:line, the dotted key and the bad value', () => {
  it('invalid enum value: lists the allowed values and the offending one', () => {
    const e = errorOf(
      lines('dataset:', '  root: data', '  format: xml', 'model:', '  path: m.onnx'),
    );
    expect(e.message).toContain('visiongate.yml:3: dataset.format:');
    expect(e.message).toContain('"auto", "csv", "jsonl", "imagefolder", "hf-metadata"');
    expect(e.message).toContain('"xml"');
  });

  it('invalid enum value inside a flow mapping, CRLF line endings', () => {
    const text = [MINIMAL, '  input:', '    resize: { mode: strech }', ''].join('\r\n');
    const e = errorOf(text);
    expect(e.message).toContain('visiongate.yml:6: model.input.resize.mode:');
    expect(e.message).toContain('"strech"');
    expect(e.message).toContain('"center-crop"');
  });

  it("resize: an interpolation another library owns names this library's set and the owner", () => {
    const e = errorOf(
      lines(MINIMAL, '  input:', '    resize: { library: pillow, interpolation: linear }'),
    );
    expect(e.message).toContain('visiongate.yml:6: model.input.resize.interpolation:');
    expect(e.message).toContain(
      '"linear" is not a pillow interpolation; pillow has "nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"',
    );
    expect(e.message).toContain('set library: opencv');
    // Without a library, Pillow is meant.
    expect(
      errorOf(lines(MINIMAL, '  input:', '    resize: { interpolation: area }')).message,
    ).toContain('"area" is not a pillow interpolation');
  });

  it('resize: the old sharp kernel name lanczos3 says what to write now', () => {
    const e = errorOf(lines(MINIMAL, '  input:', '    resize: { interpolation: lanczos3 }'));
    expect(e.message).toContain('model.input.resize.interpolation: must be one of');
    expect(e.message).toContain('write lanczos (Pillow LANCZOS, a = 3)');
    expect(e.message).toContain('"lanczos3"');
  });

  it('resize: antialias is refused outside torchvision, and with torchvision nearest', () => {
    expect(
      errorOf(lines(MINIMAL, '  input:', '    resize: { library: opencv, antialias: true }'))
        .message,
    ).toContain('antialias applies to library: torchvision only');
    expect(
      errorOf(
        lines(
          MINIMAL,
          '  input:',
          '    resize: { library: torchvision, interpolation: nearest, antialias: true }',
        ),
      ).message,
    ).toContain('torchvision has no antialiased nearest');
    const { config } = parseConfig(
      lines(MINIMAL, '  input:', '    resize: { library: torchvision, antialias: false }'),
      FILE,
    );
    expect(config.model.input.resize).toMatchObject({ library: 'torchvision', antialias: false });
  });

  it('unknown key: points at the line of the key itself, not its parent', () => {
    const e = errorOf(
      lines(
        MINIMAL, //           lines 1-4
        '  input:', //        line 5 (the parent)
        '    size: 28', //    line 6
        '    layuot: NCHW', // line 7: the typo
      ),
    );
    expect(e.message).toContain('visiongate.yml:7: model.input: unknown key "layuot"');
    expect(e.message).not.toContain('visiongate.yml:5');
  });

  it('unknown key at the top level and inside a list item', () => {
    const top = errorOf(lines(MINIMAL, 'gatez: []'));
    expect(top.message).toContain('visiongate.yml:5:');
    expect(top.message).toContain('unknown key "gatez"');

    const item = errorOf(
      lines(
        MINIMAL,
        'gates:', //               line 5
        '  - metric: accuracy', // line 6
        '    min: 0.5', //         line 7
        '  - metric: accuracy', // line 8
        '    mni: 0.5', //         line 9
      ),
    );
    expect(item.message).toContain('visiongate.yml:9: gates[1]: unknown key "mni"');
    // The same item also lacks a bound; both problems are reported.
    expect(item.message).toContain(
      'visiongate.yml:8: gates[1]: a gate needs min, max and/or maxDrop',
    );
  });

  it('wrong type: names the key, the expected type and the value given', () => {
    const e = errorOf(lines(MINIMAL, 'runtime:', '  batchSize: big'));
    expect(e.message).toContain(
      'visiongate.yml:6: runtime.batchSize: expected an integer, got the string "big"',
    );
  });

  it('out-of-range number inside a tuple: the index is part of the key path', () => {
    const e = errorOf(lines(MINIMAL, '  input:', '    size: [224, -1]'));
    expect(e.message).toContain('visiongate.yml:6: model.input.size[1]:');
    expect(e.message).toContain('-1');
  });

  it('missing required dataset / model / model.path', () => {
    const noDataset = errorOf(lines('model:', '  path: m.onnx'));
    expect(noDataset.message).toMatch(/visiongate\.yml:1: dataset: is required/);
    expect(noDataset.message).not.toContain('model:');

    const noModel = errorOf(lines('dataset:', '  root: data'));
    expect(noModel.message).toMatch(/visiongate\.yml:1: model: is required/);

    // A missing key points at its parent's line (model: on line 3).
    const noPath = errorOf(
      lines('dataset:', '  root: data', 'model:', '  input:', '    layout: NCHW'),
    );
    expect(noPath.message).toMatch(/visiongate\.yml:3: model\.path: is required/);
  });

  it('a gate without min, max or maxDrop is refused, each at its own line', () => {
    const e = errorOf(
      lines(
        MINIMAL,
        'gates:', //                 line 5
        '  - metric: accuracy', //   line 6
        '  - metric: ece', //        line 7
        '    scope: slices', //      line 8
        '  - metric: macro_f1', //   line 9
        '    min: 0.5', //           line 10 (valid)
      ),
    );
    expect(e.message).toContain('visiongate.yml:6: gates[0]: a gate needs min, max and/or maxDrop');
    expect(e.message).toContain('visiongate.yml:7: gates[1]: a gate needs min, max and/or maxDrop');
    expect(e.message).not.toContain('gates[2]');
  });

  it('gate scope outside the grammar names the value', () => {
    const e = errorOf(
      lines(MINIMAL, 'gates:', '  - metric: accuracy', '    min: 0.5', '    scope: everywhere'),
    );
    expect(e.message).toContain('visiongate.yml:8: gates[0].scope:');
    expect(e.message).toContain('"everywhere"');
  });

  it('baseline.model and baseline.report together are refused', () => {
    const e = errorOf(lines(MINIMAL, 'baseline:', '  model: a.onnx', '  report: out'));
    expect(e.message).toContain('visiongate.yml:5: baseline:');
    expect(e.message).toContain('not both');
  });

  it('bad YAML syntax reports line:col', () => {
    // The unclosed flow sequence on line 2 is detected where line 3 starts, column 1.
    const e = errorOf(lines('dataset:', '  root: [data', 'model:', '  path: m.onnx'));
    expect(e.message).toMatch(/^visiongate\.yml:3:1: invalid YAML: /);

    // Misaligned mapping key on line 3, column 2.
    const e2 = errorOf(lines('dataset:', '  root: data', ' model: x'));
    expect(e2.message).toMatch(/^visiongate\.yml:3:\d+: invalid YAML: /);
  });

  it('duplicate keys are refused with the line, column and dotted key path', () => {
    const top = errorOf(lines(MINIMAL, 'model:', '  path: other.onnx'));
    // The second `model:` is on line 5, column 1.
    expect(top.message).toBe(
      'visiongate.yml:5:1: invalid YAML: duplicate key model (each key may appear only once)',
    );

    const nested = errorOf(lines(MINIMAL, '  path: other.onnx'));
    // The second `path:` is on line 5, column 3, under `model`.
    expect(nested.message).toContain('visiongate.yml:5:3:');
    expect(nested.message).toContain('duplicate key model.path');

    const inList = errorOf(
      lines(MINIMAL, 'gates:', '  - metric: accuracy', '    min: 0.5', '    min: 0.6'),
    );
    expect(inList.message).toContain('visiongate.yml:8:5:');
    expect(inList.message).toContain('duplicate key gates[0].min');
  });

  it('an empty file, or one with only comments, is refused as empty', () => {
    expect(errorOf('').message).toBe('visiongate.yml: the config file is empty');
    expect(errorOf('# nothing here\n\n').message).toBe('visiongate.yml: the config file is empty');
  });

  it('a top level that is not a mapping is refused', () => {
    expect(errorOf('- dataset\n').message).toContain('visiongate.yml:1: (top level):');
    expect(errorOf('- dataset\n').message).toContain('expected a mapping, got the list [dataset]');
  });

  it('caps the list at 10 problems and says how many more', () => {
    // 12 unknown top-level keys: zod reports them as one issue, so use 12 bad gates instead.
    const gates = Array.from({ length: 12 }, () => '  - metric: accuracy');
    const e = errorOf(lines(MINIMAL, 'gates:', ...gates));
    expect(e.message.match(/a gate needs/g)).toHaveLength(10);
    expect(e.message).toContain('(2 more)');
  });
});

describe('parseConfig: hostile YAML is refused in bounded time and memory', () => {
  it('a "billion laughs" document of nested aliases: a config error, not a crash', () => {
    // 9 levels of 9 aliases each: 9^9 ≈ 387 million strings if expanded.
    const bomb = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++)
      bomb.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    const e = errorOf(lines(MINIMAL, ...bomb));
    expect(e.message).toBe(
      'visiongate.yml: invalid YAML: its aliases (*name) expand to more than 100 nodes each (aliases of aliases, a "billion laughs" document); a VisionGate config needs none of that',
    );
  });

  it('ordinary anchors and aliases still work', () => {
    const { config } = parseConfig(
      lines(MINIMAL, 'gates:', '  - &g { metric: accuracy, min: 0.5 }', '  - *g'),
      FILE,
    );
    expect(config.gates).toHaveLength(2);
    expect(config.gates[1]).toEqual(config.gates[0]);
  });

  it('deep nesting is named, not reported as a stack overflow', () => {
    const e = errorOf(lines(MINIMAL, `x: ${'['.repeat(5000)}${']'.repeat(5000)}`));
    expect(e.message).toMatch(/^visiongate\.yml:5:\d+: invalid YAML: nested too deeply$/);
  });

  it('tens of thousands of keys: one pass, and the message names 10 of them', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`);
    const e = errorOf(lines(MINIMAL, ...keys));
    expect(e.message).toContain(
      'visiongate.yml:5: (top level): unknown keys "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9" and 19990 more',
    );
    const dup = errorOf(lines(MINIMAL, ...keys, 'k7: again'));
    expect(dup.message).toContain(`visiongate.yml:${20_005}:1: invalid YAML: duplicate key k7`);
  });

  it('thread counts ONNX Runtime would try to start are bounded', () => {
    const e = errorOf(lines(MINIMAL, 'runtime: { intraOpThreads: 1000000 }'));
    expect(e.message).toContain(
      'visiongate.yml:5: runtime.intraOpThreads: must be at most 256 (got 1000000)',
    );
  });

  it('more than 1 MiB is refused before it is parsed', () => {
    const e = errorOf(`${MINIMAL}\n${'# padding\n'.repeat(110_000)}`);
    expect(e.message).toMatch(/^visiongate\.yml is 1\.0 MiB: a VisionGate config is a few kB/);
  });
});

describe('parseConfig: messages say what is allowed, what was given and the closest name', () => {
  it('a misspelt corruption in a list names the allowed values and the closest one', () => {
    const e = errorOf(lines(MINIMAL, 'robustness:', '  corruptions: [gausian_noise, fog]'));
    // zod alone said "robustness.corruptions: Invalid input" (a union of a name and a list).
    expect(e.message).toContain('visiongate.yml:6: robustness.corruptions[0]: must be one of');
    expect(e.message).toContain('"gaussian_noise", "shot_noise"');
    expect(e.message).toContain('(got "gausian_noise"); did you mean "gaussian_noise"?');
    expect(e.message).not.toContain('Invalid input');
  });

  it('a misspelt name where a list is also allowed says both', () => {
    const e = errorOf(lines(MINIMAL, 'robustness:', '  corruptions: benchmrk'));
    expect(e.message).toContain(
      'robustness.corruptions: must be one of "benchmark", "all" or a list of names (got "benchmrk"); did you mean "benchmark"?',
    );
  });

  it('a closest match ignores case, and none is offered for a word far from every value', () => {
    expect(errorOf(lines(MINIMAL, '  input:', '    layout: nchw')).message).toContain(
      'model.input.layout: must be one of "NCHW", "NHWC" (got "nchw"); did you mean "NCHW"?',
    );
    const far = errorOf(lines(MINIMAL, '  input:', '    layout: planar'));
    expect(far.message).toContain('(got "planar")');
    expect(far.message).not.toContain('did you mean');
  });

  it('a wrong type in a union says what each option takes and what was given', () => {
    const mean = errorOf(lines(MINIMAL, '  input:', '    mean: "0.5"'));
    expect(mean.message).toContain(
      'visiongate.yml:6: model.input.mean: expected a number or a list of numbers, got the string "0.5"',
    );
    const size = errorOf(lines(MINIMAL, '  input:', '    size: "224"'));
    expect(size.message).toContain(
      'model.input.size: expected an integer or a list of 2 integers, got the string "224"',
    );
    const gate = errorOf(lines(MINIMAL, 'data:', '  gates:', '    maxLabelIssueRate: high'));
    expect(gate.message).toContain(
      'data.gates.maxLabelIssueRate: expected a number or a mapping { warn, fail }, got the string "high"',
    );
  });

  it('inside a union, the option the value was meant for is the one reported', () => {
    // A list was given: the list option's item error, not "expected number".
    const e = errorOf(lines(MINIMAL, '  input:', '    mean: [0.5, "a", 0.5]'));
    expect(e.message).toContain('model.input.mean[1]: expected a number, got the string "a"');
    expect(e.message.match(/visiongate\.yml:\d/g)).toHaveLength(1);
  });

  it('a flat crossings list gets one message about the shape, without length noise', () => {
    const e = errorOf(lines(MINIMAL, 'slices:', '  crossings: [lighting, source]'));
    expect(e.message).toBe(
      [
        'invalid config visiongate.yml:',
        '  visiongate.yml:6: slices.crossings: crossings is a list of column lists, e.g. [[lighting, source]] (got [lighting, source])',
      ].join('\n'),
    );
    // One bad item among good ones is named by its index.
    const one = errorOf(lines(MINIMAL, 'slices:', '  crossings: [[a, b], c]'));
    expect(one.message).toContain('slices.crossings[1]: crossings is a list of column lists');
    const short = errorOf(lines(MINIMAL, 'slices:', '  crossings: [[a]]'));
    expect(short.message).toContain('slices.crossings[0]: needs at least 2 items (got [a])');
  });

  it('an unknown key gets the closest allowed key, or the list of allowed keys', () => {
    const slip = errorOf(lines(MINIMAL, 'gates:', '  - { metric: accuracy, maxdrop: 0.1 }'));
    expect(slip.message).toContain(
      'visiongate.yml:6: gates[0]: unknown key "maxdrop"; did you mean "maxDrop"?',
    );
    const other = errorOf(lines(MINIMAL, 'gates:', '  - { metric: accuracy, min: 0.1, foo: 1 }'));
    expect(other.message).toContain(
      'gates[0]: unknown key "foo" (allowed here: metric, scope, min, max, maxDrop, level, significant)',
    );
    expect(errorOf(lines(MINIMAL, 'robustnes: {}')).message).toContain(
      '(top level): unknown key "robustnes"; did you mean "robustness"?',
    );
  });

  it('bounds are said in words', () => {
    expect(errorOf(lines(MINIMAL, 'runtime:', '  batchSize: 0')).message).toContain(
      'runtime.batchSize: must be greater than 0 (got 0)',
    );
    expect(errorOf(lines(MINIMAL, 'statistics:', '  resamples: 200000')).message).toContain(
      'statistics.resamples: must be at most 100000 (got 200000)',
    );
  });
});

describe('formatKeyPath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatKeyPath(['gates', 0, 'metric'])).toBe('gates[0].metric');
    expect(formatKeyPath(['model', 'input', 'size', 1])).toBe('model.input.size[1]');
    expect(formatKeyPath(['dataset'])).toBe('dataset');
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vg-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and resolves dir to its folder', async () => {
    const file = path.join(dir, 'visiongate.yml');
    await writeFile(file, MINIMAL);
    const loaded = await loadConfig(file);
    expect(loaded.file).toBe(file);
    expect(loaded.dir).toBe(dir);
    expect(loaded.config.model.path).toBe('model.onnx');
  });

  it('a file over 1 MiB is refused without being read', async () => {
    const file = path.join(dir, 'huge.yml');
    await writeFile(file, `${MINIMAL}\n${'x'.repeat(3 << 20)}`);
    await expect(loadConfig(file)).rejects.toThrow(
      'huge.yml is 3.0 MiB: a VisionGate config is a few kB (at most 1 MiB)',
    );
  });

  it('a missing file is a UserError naming the path', async () => {
    const missing = path.join(dir, 'nope.yml');
    await expect(loadConfig(missing)).rejects.toThrow(`config file not found: ${missing}`);
    await expect(loadConfig(missing)).rejects.toBeInstanceOf(UserError);
  });
});

describe('cross-key checks', () => {
  it('refuses a significance gate on a non-accuracy metric when bootstrap intervals are off', () => {
    const e = errorOf(
      lines(
        MINIMAL,
        'statistics: { resamples: 0 }',
        'gates:',
        '  - { metric: ece, maxDrop: 0.01, significant: true }',
      ),
    );
    expect(e.message).toContain(
      'visiongate.yml:7: gates[0].significant: significance of ece needs bootstrap intervals, but statistics.resamples is 0',
    );
  });

  it('accepts it for accuracy, whose significance comes from the exact McNemar test', () => {
    expect(() =>
      parseConfig(
        lines(
          MINIMAL,
          'statistics: { resamples: 0 }',
          'gates:',
          '  - { metric: accuracy, maxDrop: 0.01, significant: true }',
        ),
        FILE,
      ),
    ).not.toThrow();
  });

  it('refuses baseline.reuse without baseline.model', () => {
    expect(errorOf(lines(MINIMAL, 'baseline: { reuse: old-run }')).message).toContain(
      'baseline.reuse needs baseline.model',
    );
  });
});
