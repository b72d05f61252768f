import { createRandom } from '../src/metrics/random.js';
import { sliceLine, type SliceRow } from '../src/metrics/slice-line.js';
import { bootstrapMeanDifference, pairedBootstrapMetric } from '../src/metrics/stats.js';
import type { ClassificationRecord } from '../src/metrics/classification.js';
import { opsPerSecond, round, type Bench, type BenchResult } from './harness.js';

const CARDINALITIES = [2, 3, 4, 5, 6, 7, 8, 2, 3, 4];

/** n rows × 10 categorical columns; errors 8% everywhere, 50% on c1 = v2 ∧ c4 = v0 if planted. */
function makeData(
  n: number,
  planted: boolean,
  seed: number,
): { rows: SliceRow[]; errors: Float64Array } {
  const rng = createRandom(seed);
  const rows: SliceRow[] = [];
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, string> = {};
    CARDINALITIES.forEach((card, c) => {
      row[`c${c}`] = `v${rng.nextInt(card)}`;
    });
    rows.push(row);
    const hot = planted && row.c1 === 'v2' && row.c4 === 'v0';
    errors[i] = rng.nextFloat() < (hot ? 0.5 : 0.08) ? 1 : 0;
  }
  return { rows, errors };
}

function makeRecords(n: number, pCorrect: number, seed: number): ClassificationRecord[] {
  const rng = createRandom(seed);
  const out: ClassificationRecord[] = [];
  for (let i = 0; i < n; i++) {
    const label = rng.nextInt(10);
    const ok = rng.nextFloat() < pCorrect;
    const conf = 0.3 + 0.7 * rng.nextFloat();
    out.push({
      label,
      pred: ok ? label : (label + 1 + rng.nextInt(9)) % 10,
      conf,
      pTrue: ok ? conf : (1 - conf) / 2,
      rank: ok ? 0 : 1 + rng.nextInt(9),
      sumSq: conf * conf + (1 - conf) * (1 - conf) * 0.2,
    });
  }
  return out;
}

const bench: Bench = {
  name: 'slice-line',
  description:
    'SliceLine (maxLevel 3, k 5, minSupport 32, alpha 0.95) on 10 categorical columns with cardinalities 2–8, ' +
    'and the paired bootstrap (1000 resamples) on 10k examples.',
  async run({ quick }): Promise<BenchResult> {
    const minMs = quick ? 200 : 1500;
    const rows: BenchResult['rows'] = [];
    const msPerRow: Record<string, number> = {};
    for (const planted of [true, false]) {
      for (const n of [10_000, 100_000]) {
        const data = makeData(n, planted, n + (planted ? 1 : 0));
        const result = sliceLine(data.rows, data.errors, {
          maxLevel: 3,
          k: 5,
          minSupport: 32,
          alpha: 0.95,
        });
        const ops = await opsPerSecond(
          () =>
            sliceLine(data.rows, data.errors, { maxLevel: 3, k: 5, minSupport: 32, alpha: 0.95 }),
          { minMs, minIterations: 2 },
        );
        const ms = 1000 / ops;
        const errors = planted ? 'planted' : 'uniform';
        msPerRow[`${errors}-${n}`] = ms / n;
        rows.push({
          case: `sliceLine ${errors} errors`,
          examples: n,
          ms: round(ms),
          candidates: result.levels.reduce((s, l) => s + l.candidates, 0),
          evaluated: result.levels.reduce((s, l) => s + l.evaluated, 0),
          'level-3 evaluated': result.levels.find((l) => l.level === 3)?.evaluated ?? 0,
          'top slice':
            result.slices[0]?.predicates.map((p) => `${p.feature}=${p.value}`).join(' ∧ ') ?? '—',
        });
      }
    }

    const n = 10_000;
    const candidate = makeRecords(n, 0.82, 1);
    const baseline = makeRecords(n, 0.8, 2);
    const correctC = candidate.map((r) => (r.pred === r.label ? 1 : 0));
    const correctB = baseline.map((r) => (r.pred === r.label ? 1 : 0));
    const fastOps = await opsPerSecond(
      () => bootstrapMeanDifference(correctC, correctB, { resamples: 1000 }),
      {
        minMs,
        minIterations: 3,
      },
    );
    const generalOps = await opsPerSecond(
      () => pairedBootstrapMetric(candidate, baseline, 'macro_f1', 10, { resamples: 1000 }),
      { minMs, minIterations: 2 },
    );
    const accuracyCi = bootstrapMeanDifference(correctC, correctB, { resamples: 1000 });
    rows.push({
      case: 'bootstrap accuracy (per-example fast path)',
      examples: n,
      ms: round(1000 / fastOps),
      candidates: 1000,
      evaluated: 1000,
      'level-3 evaluated': '',
      'top slice': `Δ ${round(accuracyCi.estimate)} [${round(accuracyCi.lower)}, ${round(accuracyCi.upper)}]`,
    });
    rows.push({
      case: 'bootstrap macro_f1 (weighted recompute)',
      examples: n,
      ms: round(1000 / generalOps),
      candidates: 1000,
      evaluated: 1000,
      'level-3 evaluated': '',
      'top slice': '',
    });

    return {
      rows,
      notes: [
        `SliceLine time per row, 100k vs 10k: planted ${round((msPerRow['planted-100000'] ?? 0) / (msPerRow['planted-10000'] ?? 1))}×, ` +
          `uniform ${round((msPerRow['uniform-100000'] ?? 0) / (msPerRow['uniform-10000'] ?? 1))}× (1× = linear in rows).`,
        `Bootstrap: weighted recompute of macro_f1 costs ${round(fastOps / generalOps)}× the per-example path for accuracy.`,
        'Columns "candidates"/"evaluated" for SliceLine: conjunctions generated from surviving parents vs scanned after score pruning (all levels).',
      ],
    };
  },
};

export default bench;
