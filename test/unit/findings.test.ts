// Findings: slices that got worse than the rest of the data, collapsed when another explains them.
import { describe, expect, it } from 'vitest';
import { countsTest, findSlicesWorseThanRest, type Changes } from '../../src/analysis/findings.js';
import type { SliceDef } from '../../src/analysis/slices.js';
import { benjaminiHochberg } from '../../src/metrics/stats.js';
import { excessDropPValue } from '../../src/metrics/excess-drop.js';

const N = 200;
const range = (a: number, b: number) => Uint32Array.from({ length: b - a }, (_, i) => a + i);
const where = (f: (p: number) => boolean) => Uint32Array.from(range(0, N).filter(f));

/** 20 examples newly wrong at positions 0..19, 10 newly right at 100..109; 190..199 not paired. */
function changes(): Changes {
  const change = new Int8Array(N);
  const paired = new Uint8Array(N).fill(1);
  for (let p = 0; p < 20; p++) change[p] = -1;
  for (let p = 100; p < 110; p++) change[p] = 1;
  for (let p = 190; p < N; p++) paired[p] = 0;
  return { change, paired };
}

const slice = (key: string, kind: SliceDef['kind'], rows: Uint32Array) => ({ key, kind, rows });

describe('findSlicesWorseThanRest', () => {
  const slices = [
    // Two halves that partition the set and share the drop evenly: neither is worse than the other.
    slice(
      'parity=even',
      'column',
      where((p) => p % 2 === 0),
    ),
    slice(
      'parity=odd',
      'column',
      where((p) => p % 2 === 1),
    ),
    // Where the drop is.
    slice('lighting=dim', 'column', range(0, 40)),
    // A crossing no worse than its parent.
    slice(
      'lighting=dim & parity=even',
      'crossing',
      where((p) => p < 40 && p % 2 === 0),
    ),
    // A discovered slice that is the declared one plus two unchanged examples.
    slice('brightness=[0, 0.1)', 'discovered', range(0, 42)),
    // A slice that got better.
    slice('source=phone', 'column', range(100, 140)),
  ];

  it('finds the slice that got worse than the rest, not the halves nor what it explains', () => {
    const { excess, findings } = findSlicesWorseThanRest(slices, countsTest(changes()), N, {
      alpha: 0.05,
      minDrop: 0.03,
    });
    expect(findings).toEqual(['lighting=dim']);
    const by = Object.fromEntries(slices.map((s, i) => [s.key, excess[i]!]));
    expect(by['parity=even']!.finding).toBe(false);
    expect(by['parity=odd']!.finding).toBe(false);
    expect(by['source=phone']!.finding).toBe(false);
    expect(by['lighting=dim']).toMatchObject({ paired: 40, change: -0.5, finding: true });
    // 150 other paired examples: 10 newly right → +1/15.
    expect(by['lighting=dim']!.restChange).toBeCloseTo(10 / 150, 12);
    expect(by['lighting=dim & parity=even']).toMatchObject({
      finding: true,
      collapsedInto: 'lighting=dim',
    });
    expect(by['brightness=[0, 0.1)']).toMatchObject({
      finding: true,
      collapsedInto: 'lighting=dim',
    });
  });

  it('p-values are the exact test on paired examples only, adjusted together by Benjamini-Hochberg', () => {
    const { excess } = findSlicesWorseThanRest(slices, countsTest(changes()), N, {
      alpha: 0.05,
      minDrop: 0.03,
    });
    const population = { n: 190, minus: 20, plus: 10 };
    const dim = excessDropPValue({ n: 40, minus: 20, plus: 0 }, population);
    expect(excess[2]!.p).toBe(dim);
    const raw = excess.map((e) => e!.p);
    const adjusted = benjaminiHochberg(raw, 0.05).adjusted;
    expect(excess.map((e) => e!.pAdjusted)).toEqual(adjusted);
  });

  it('a drop of no more than minDrop is not a finding, however significant', () => {
    const { findings } = findSlicesWorseThanRest(slices, countsTest(changes()), N, {
      alpha: 0.05,
      minDrop: 0.5,
    });
    // lighting=dim dropped exactly 50 points: not more than 0.5.
    expect(findings).toEqual([]);
  });

  it('a crossing worse than the rest of its parent stays a finding of its own', () => {
    const sharp = [
      slice('lighting=dim', 'column', range(0, 80)),
      // All 20 newly wrong examples are in this quarter of lighting=dim.
      slice('lighting=dim & source=phone', 'crossing', range(0, 20)),
    ];
    const { findings, excess } = findSlicesWorseThanRest(sharp, countsTest(changes()), N, {
      alpha: 0.05,
      minDrop: 0.03,
    });
    expect(findings).toEqual(['lighting=dim', 'lighting=dim & source=phone']);
    expect(excess[1]!.collapsedInto).toBeUndefined();
  });
});
