// Slices that keep their power: high-cardinality columns binned or skipped, numbers in numeric
// order, and slices with the same examples (or all of them) one test.
import { describe, expect, it } from 'vitest';
import { buildSlices, sameExamples, type SliceSpec } from '../../src/analysis/slices.js';
import { ExampleTable } from '../../src/tables/examples.js';
import type { Example } from '../../src/types.js';

const ex = (i: number, metadata: Record<string, string>): Example => ({
  id: `e${i}`,
  path: `img/e${i}.png`,
  absPath: `/d/img/e${i}.png`,
  label: 'cat',
  labelIndex: 0,
  metadata,
});

function slices(examples: Example[], spec: Partial<SliceSpec>) {
  const t = ExampleTable.fromExamples(examples, { classes: ['cat'] });
  const rows = Uint32Array.from(examples, (_, i) => i);
  return buildSlices(t, rows, {
    columns: [],
    crossings: [],
    classes: false,
    asked: new Set(),
    maxValues: 20,
    bins: 4,
    bin: [],
    ...spec,
  });
}

describe('slicing columns', () => {
  it('sorts numeric values numerically (16, 22, 128), not as text (128, 16, 22)', () => {
    const sizes = ['128', '16', '22', '16', '128', '64'];
    const { slices: s } = slices(
      sizes.map((v, i) => ex(i, { size: v })),
      { columns: ['size'] },
    );
    expect(s.map((x) => x.key)).toEqual(['size=16', 'size=22', 'size=64', 'size=128']);
  });

  it('bins a numeric column with more than maxValues values into quantiles, labelled size∈[lo, hi)', () => {
    const examples = Array.from({ length: 40 }, (_, i) => ex(i, { size: String(i + 1) }));
    const { slices: s, notes } = slices(examples, { columns: ['size'], maxValues: 20, bins: 4 });
    // numpy.quantile(1..40, [0, .25, .5, .75, 1]) = 1, 10.75, 20.5, 30.25, 40
    expect(s.map((x) => x.key)).toEqual([
      'size∈[1, 10.75)',
      'size∈[10.75, 20.5)',
      'size∈[20.5, 30.25)',
      'size∈[30.25, 40]',
    ]);
    expect(s.map((x) => x.rows.length)).toEqual([10, 10, 10, 10]);
    expect(s[0]!.predicates).toEqual([{ column: 'size', value: '[1, 10.75)' }]);
    expect(notes).toEqual([{ column: 'size', values: 40, how: 'binned', bins: 4 }]);
  });

  it('skips a text column with more than maxValues values (unique per row) and says so', () => {
    const examples = Array.from({ length: 30 }, (_, i) =>
      ex(i, { file: `img-${i}.png`, site: i % 2 ? 'a' : 'b' }),
    );
    const { slices: s, notes } = slices(examples, {
      columns: ['file', 'site'],
      crossings: [['file', 'site']],
    });
    expect(s.map((x) => x.key)).toEqual(['site=a', 'site=b']);
    expect(notes).toEqual([{ column: 'file', values: 30, how: 'skipped' }]);
  });

  it('slices a many-valued column by value when the config lists it in slices.columns', () => {
    const examples = Array.from({ length: 25 }, (_, i) => ex(i, { file: `f${i}` }));
    const { slices: s, notes } = slices(examples, { columns: ['file'], asked: new Set(['file']) });
    expect(s).toHaveLength(25);
    expect(notes).toEqual([]);
  });

  it('bins a column listed in slices.bin whatever its number of values', () => {
    const examples = Array.from({ length: 8 }, (_, i) =>
      ex(i, { size: String([8, 8, 16, 16, 32, 32, 64, 64][i]) }),
    );
    const { slices: s } = slices(examples, { columns: ['size'], bin: ['size'], bins: 2 });
    expect(s.map((x) => [x.key, x.rows.length])).toEqual([
      ['size∈[8, 24)', 4],
      ['size∈[24, 64]', 4],
    ]);
  });
});

describe('sameExamples', () => {
  it('a slice of every example is the overall comparison; a slice with the same examples as another is that one', () => {
    const examples = Array.from({ length: 6 }, (_, i) =>
      ex(i, { has_alpha: 'true', lighting: i < 2 ? 'dim' : 'day', night: i < 2 ? 'yes' : 'no' }),
    );
    const { slices: s } = slices(examples, { columns: ['has_alpha', 'lighting', 'night'] });
    const same = sameExamples(s, 6);
    expect(Object.fromEntries(same)).toEqual({
      'has_alpha=true': 'overall',
      'night=no': 'lighting=day',
      'night=yes': 'lighting=dim',
    });
  });
});
