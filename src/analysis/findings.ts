/**
 * Findings: the few slices that got worse *more than the rest of the data*, which is what a
 * reviewer needs first. Each slice's change is tested against its complement's (an
 * {@link ExcessTest}: metrics/excess-drop.ts on a per-example outcome, or a task's metric test,
 * detection's map delta against random sets of the slice's size), the p-values are adjusted
 * together (Benjamini-Hochberg), and what adds nothing is collapsed into the finding that
 * explains it: a crossing no worse than its parent, a discovered slice that is mostly a
 * declared one. The mirror half of a two-valued
 * column is never a finding: it got *better* than the rest, and the test is one-sided.
 * See docs/statistics.md, "Findings".
 */
import { z } from 'zod';
import { excessDropPValue, type ChangeCounts } from '../metrics/excess-drop.js';
import { benjaminiHochberg } from '../metrics/stats.js';
import type { SliceDef } from './slices.js';

export const excessSchema = z
  .object({
    paired: z.number().int().describe('Paired examples in the slice.'),
    change: z
      .number()
      .describe(
        "Change of the task's tested metric in the slice (candidate − baseline; classification: accuracy delta, the mean per-example change; detection: map delta).",
      ),
    restChange: z.number().nullable().describe('The same over every other paired example.'),
    p: z
      .number()
      .describe(
        'One-sided exact permutation p-value that the slice got worse than the rest (docs/statistics.md, "Findings").',
      ),
    pAdjusted: z.number().describe('p after Benjamini-Hochberg across every tested slice.'),
    finding: z
      .boolean()
      .describe(
        'Worse than the rest after correction, and both its drop and its drop beyond the rest exceed regression.newlyFailing.minDrop.',
      ),
    collapsedInto: z
      .string()
      .optional()
      .describe('A finding that explains this one (it adds nothing beyond it).'),
  })
  .describe('This slice against the rest of the data (present when a baseline was compared).');

/** One slice against the rest of the data. */
export type Excess = z.infer<typeof excessSchema>;

/**
 * A slice tested against the rest: `rows` are frame positions, `population` the positions it is
 * compared within (all when absent; it contains `rows`). Unpaired positions are left out.
 * `change` / `restChange` are the tested metric's deltas on the slice and on the rest of the
 * population (null: none, or undefined there); `p` is one-sided, that the slice got worse.
 */
export type ExcessTest = (
  rows: ArrayLike<number>,
  population?: ArrayLike<number>,
) => { n: number; change: number | null; restChange: number | null; p: number };

/** The per-example change the findings are made of, by frame position. */
export interface Changes {
  /** outcome(candidate) − outcome(baseline): −1, 0 or +1; 0 where not paired. */
  change: Int8Array;
  /** 1 where the example is paired with a baseline record. */
  paired: Uint8Array;
}

export interface FindingOptions {
  /** Significance level of the Benjamini-Hochberg-adjusted p-values. */
  alpha: number;
  /** A finding drops by more than this (its own drop and beyond the rest), in outcome units. */
  minDrop: number;
}

/** Order in which findings explain each other: declared columns first, discovered last. */
const KIND_RANK: Record<SliceDef['kind'], number> = {
  column: 0,
  crossing: 1,
  class: 2,
  discovered: 3,
};

function countRows(rows: ArrayLike<number>, changes: Changes): ChangeCounts {
  let n = 0;
  let minus = 0;
  let plus = 0;
  for (let i = 0; i < rows.length; i++) {
    const p = rows[i]!;
    if (changes.paired[p] !== 1) continue;
    n++;
    const d = changes.change[p]!;
    if (d < 0) minus++;
    else if (d > 0) plus++;
  }
  return { n, minus, plus };
}

const minusCounts = (a: ChangeCounts, b: ChangeCounts): ChangeCounts => ({
  n: a.n - b.n,
  minus: a.minus - b.minus,
  plus: a.plus - b.plus,
});

const meanChange = (c: ChangeCounts) => (c.n === 0 ? 0 : (c.plus - c.minus) / c.n);

/**
 * The test of a per-example outcome's change in {−1, 0, +1} (classification's): the exact
 * excess-drop test of metrics/excess-drop.ts on counts, the change a mean of the per-example ones.
 */
export function countsTest(changes: Changes): ExcessTest {
  const all = countRows(
    Uint32Array.from({ length: changes.change.length }, (_, i) => i),
    changes,
  );
  return (rows, population) => {
    const c = countRows(rows, changes);
    const pop = population ? countRows(population, changes) : all;
    const rest = minusCounts(pop, c);
    return {
      n: c.n,
      change: meanChange(c),
      restChange: rest.n > 0 ? meanChange(rest) : null,
      p: excessDropPValue(c, pop),
    };
  };
}

/**
 * Test every slice against the rest, adjust, and pick the findings: `slices` are the distinct
 * slices (no two with the same examples, none equal to the whole set) as positions in a frame of
 * `size` examples, tested by `test` ({@link countsTest}, or a task's metric test). Returns one
 * entry per slice (undefined where it has none paired) and the findings' keys, most important
 * first.
 */
export function findSlicesWorseThanRest(
  slices: readonly Pick<SliceDef, 'key' | 'kind' | 'rows'>[],
  test: ExcessTest,
  size: number,
  options: FindingOptions,
): { excess: (Excess | undefined)[]; findings: string[] } {
  const results = slices.map((s) => test(s.rows));
  // A slice with no paired example, or whose change is undefined (no object in it), is untested.
  const tested = slices
    .map((_, i) => i)
    .filter((i) => results[i]!.n > 0 && results[i]!.change !== null);
  const ps = tested.map((i) => results[i]!.p);
  const adjusted = ps.length > 0 ? benjaminiHochberg(ps, options.alpha).adjusted : [];
  const excess: (Excess | undefined)[] = slices.map(() => undefined);
  tested.forEach((i, t) => {
    const { n, restChange } = results[i]!;
    const change = results[i]!.change!;
    const finding =
      adjusted[t]! < options.alpha &&
      restChange !== null &&
      Math.min(-change, restChange - change) > options.minDrop;
    excess[i] = { paired: n, change, restChange, p: ps[t]!, pAdjusted: adjusted[t]!, finding };
  });

  // Most important first: declared before discovered (a declared slice is the name a reviewer
  // knows), then the smallest adjusted p, then the largest drop.
  const order = tested
    .filter((i) => excess[i]!.finding)
    .sort(
      (a, b) =>
        KIND_RANK[slices[a]!.kind] - KIND_RANK[slices[b]!.kind] ||
        excess[a]!.pAdjusted - excess[b]!.pAdjusted ||
        excess[a]!.change - excess[b]!.change,
    );
  const kept: number[] = [];
  const marks = new Uint8Array(size);
  for (const i of order) {
    const by = kept.find((k) => explains(slices[k]!.rows, slices[i]!.rows, test, marks, options));
    if (by === undefined) kept.push(i);
    else excess[i]!.collapsedInto = slices[by]!.key;
  }
  return { excess, findings: kept.map((i) => slices[i]!.key) };
}

/**
 * Does finding B explain finding A? Yes when A's examples outside B are no worse than the rest
 * outside both (A adds no new place that got worse), and A's examples inside B are no worse than
 * the rest of B (A is not a sharper finding within B). Each is the same exact test, at the
 * unadjusted level: a smaller bar to stay listed, so collapsing never hides a real extra finding.
 */
function explains(
  bRows: Uint32Array,
  aRows: Uint32Array,
  test: ExcessTest,
  marks: Uint8Array,
  options: FindingOptions,
): boolean {
  marks.fill(0);
  for (const p of bRows) marks[p] = 1;
  const inB: number[] = [];
  const outB: number[] = [];
  for (const p of aRows) (marks[p] === 1 ? inB : outB).push(p);
  if (inB.length === 0) return false;
  // A outside B, against everything outside B.
  if (outB.length > 0) {
    const outside: number[] = [];
    for (let p = 0; p < marks.length; p++) if (marks[p] === 0) outside.push(p);
    if (test(outB, outside).p < options.alpha) return false;
  }
  // A inside B, against the rest of B.
  if (test(inB, bRows).p < options.alpha) return false;
  return true;
}
