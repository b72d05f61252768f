import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';
import { planAnalysis } from '../../src/suites/analyse.js';
import { ExampleTable } from '../../src/tables/examples.js';
import { ImageFacts } from '../../src/tables/images.js';
import { HashColumn, RecordSet, type RecordTableCore } from '../../src/tables/records.js';
import { indexOfIds } from '../../src/tables/examples.js';
import type { Task, TaskMetric } from '../../src/tasks/task.js';
import type { Example, ModelRole } from '../../src/types.js';

/**
 * The analysis layer on a task that is not classification: a toy counting task (a model counts
 * objects in an image; a record holds the true and the predicted count, and is right when they
 * are equal). Nothing in the suites, gates or statistics may read a record's columns: if the
 * regression and pinned suites produce this task's numbers and lists, the seam holds.
 */

interface CountRecord {
  id: string;
  hash: string;
  truth: number;
  count: number;
}

class CountTable implements RecordTableCore {
  constructor(
    readonly model: ModelRole,
    readonly variant: string,
    readonly ids: string[] = [],
    readonly hashes = new HashColumn(),
    readonly truth: number[] = [],
    readonly count: number[] = [],
  ) {}
  get length() {
    return this.ids.length;
  }
  indexById() {
    return indexOfIds(this.ids);
  }
  *lines() {
    for (let i = 0; i < this.length; i++)
      yield `${JSON.stringify({ id: this.ids[i], truth: this.truth[i], count: this.count[i] })}\n`;
  }
}

const METRICS: Record<string, TaskMetric> = {
  exact: { name: 'exact', direction: 'higher-is-better' },
  mae: { name: 'mae', direction: 'lower-is-better' },
};

const countTask: Task<CountTable> = {
  name: 'count',
  builder(model, variant) {
    const t = new CountTable(model, variant);
    return {
      get length() {
        return t.length;
      },
      push(r) {
        const { id, hash, truth, count } = r as CountRecord;
        t.hashes.set(t.length, hash);
        t.ids.push(id);
        t.truth.push(truth);
        t.count.push(count);
      },
      copyRow(from, j) {
        t.hashes.copyFrom(t.length, from.hashes, j);
        t.ids.push(from.ids[j]!);
        t.truth.push(from.truth[j]!);
        t.count.push(from.count[j]!);
      },
      finish: () => t,
    };
  },
  parseRecord: () => undefined,
  checkContract: () => undefined,
  decode: () => [],
  metrics: ({ config }) =>
    [...new Set(['exact', 'mae', ...config.gates.map((g) => g.metric)])].map((n) => METRICS[n]!),
  // Computed over the rows as a set: mae is not a mean of the outcome.
  metricValues({ table, rows }, metrics) {
    const at = rows ? Array.from(rows) : table.ids.map((_, i) => i);
    const n = at.length;
    const exact = at.filter((i) => table.count[i] === table.truth[i]).length;
    const abs = at.reduce((s, i) => s + Math.abs(table.count[i]! - table.truth[i]!), 0);
    const all: Record<string, number | null> = {
      exact: n ? exact / n : null,
      mae: n ? abs / n : null,
    };
    return Object.fromEntries(metrics.map((m) => [m.name, all[m.name] ?? null]));
  },
  deltaInterval: () => undefined,
  correct: (t, i) => t.count[i] === t.truth[i],
  outcomeMetric: 'exact',
  samePrediction: (a, i, b, j) => a.count[i] === b.count[j],
  schemas: {
    overall: z.object({ meanTruth: z.number() }),
    exampleChange: z.object({ id: z.string(), baselineCount: z.number(), count: z.number() }),
    pinnedCase: z.object({ id: z.string(), status: z.enum(['pass', 'fail', 'missing']) }),
  },
  summarise: (t) => ({ meanTruth: t.truth.reduce((a, b) => a + b, 0) / t.length }),
  exampleChanges(pairing) {
    const c = pairing.candidate;
    const b = pairing.baseline!;
    const failing: { id: string; baselineCount: number; count: number }[] = [];
    for (let i = 0; i < c.length; i++) {
      const j = pairing.baseRow[i]!;
      if (j >= 0 && b.count[j] === b.truth[j] && c.count[i] !== c.truth[i])
        failing.push({ id: c.ids[i]!, baselineCount: b.count[j]!, count: c.count[i]! });
    }
    return {
      newlyFailing: failing,
      newlyFixed: [],
      counts: { newlyFailing: failing.length, newlyFixed: 0, bothWrong: 0 },
    };
  },
  checkPinned: (ids, t) =>
    ids.map((id) => {
      const i = t.ids.indexOf(id);
      return { id, status: i < 0 ? 'missing' : t.count[i] === t.truth[i] ? 'pass' : 'fail' };
    }),
  pinnedRule: 'pinned image counted right',
  pinnedReason: (p) => `pinned image ${p.id}: ${p.status}`,
  render: { exampleOrder: 'by id', examples: () => '', pinned: () => '', overall: () => [] },
  presentation: {
    headline: 'exact',
    summary: ['exact', 'mae'],
    trend: ['exact'],
    isRate: (m) => m === 'exact',
    lowerIsBetter: (m) => m === 'mae',
  },
};

const ex = (id: string, site: string): Example => ({
  id,
  path: `${id}.png`,
  absPath: `/d/${id}.png`,
  label: 'scene',
  labelIndex: 0,
  metadata: { site },
});

function table(model: ModelRole, rows: [string, number, number][]): CountTable {
  const b = countTask.builder(model, 'clean');
  for (const [id, truth, count] of rows) b.push({ id, hash: `h-${id}`, truth, count });
  return b.finish();
}

describe('the analysis layer on another task', () => {
  it('regression and pinned suites measure, compare and gate through the task alone', async () => {
    const examples = ExampleTable.fromExamples(
      ['a', 'b', 'c', 'd'].map((id, i) => ex(id, i < 2 ? 'x' : 'y')),
      { classes: ['scene'] },
    );
    const config = configSchema.parse({
      dataset: { root: '/d' },
      model: { path: 'm.onnx' },
      slices: { minSupport: 2, classes: false },
      discovery: { enabled: false },
      statistics: { resamples: 0 },
      pinned: { ids: ['c', 'z'] },
      gates: [
        { metric: 'exact', min: 0.9 },
        { metric: 'mae', scope: 'slices', maxDrop: 0.2 },
      ],
    });
    const ctx = {
      config,
      task: countTask,
      configName: 'visiongate.yml',
      lineOf: () => undefined,
      allExamples: examples,
      metadataColumns: ['site'],
      classes: ['scene'],
      classSource: 'config dataset.classes',
      inputSize: { width: 8, height: 8 },
    };
    const plan = await planAnalysis(ctx);
    // Truth 2 everywhere; the baseline counts all right, the candidate misses c (3) and d (5).
    const cand = table('candidate', [
      ['a', 2, 2],
      ['b', 2, 2],
      ['c', 2, 3],
      ['d', 2, 5],
    ]);
    const base = table('baseline', [
      ['a', 2, 2],
      ['b', 2, 2],
      ['c', 2, 2],
      ['d', 2, 2],
    ]);
    const out = await plan.analyse({
      config,
      task: countTask,
      classes: ['scene'],
      metadataColumns: ['site'],
      examples,
      images: new ImageFacts(examples.length),
      records: new RecordSet<RecordTableCore>([cand, base]),
      baseline: { kind: 'model' },
      unreadable: [],
      pinnedIds: config.pinned.ids,
      manifests: {},
    });
    const regression = out.results.regression!;
    // exact 2/4; mae (0 + 0 + 1 + 3) / 4 = 1, baseline 0.
    expect(regression.overall).toMatchObject({
      candidate: { exact: 0.5, mae: 1 },
      baseline: { exact: 1, mae: 0 },
      delta: { exact: -0.5, mae: 1 },
      n: 4,
      meanTruth: 2,
    });
    // McNemar on the task's outcome: b = 2 (only the baseline right), c = 0.
    expect(regression.overall.stats!.mcnemar).toMatchObject({ b: 2, c: 0 });
    expect(regression.examples.newlyFailing).toEqual([
      { id: 'c', baselineCount: 2, count: 3 },
      { id: 'd', baselineCount: 2, count: 5 },
    ]);
    // site=y: mae 2 vs 0, a rise (lower is better) beyond 0.2: fails; site=x unchanged.
    const y = regression.slices.find((s) => s.key === 'site=y')!;
    expect(y).toMatchObject({ status: 'fail', delta: { mae: 2 } });
    expect(regression.slices.find((s) => s.key === 'site=x')!.status).toBe('pass');
    expect(out.results.pinned).toEqual([
      { id: 'c', status: 'fail' },
      { id: 'z', status: 'missing' },
    ]);
    const pinnedGates = out.gates.filter((g) => g.kind === 'pinned');
    expect(pinnedGates.map((g) => [g.rule, g.reason])).toEqual([
      ['pinned image counted right', 'pinned image c: fail'],
      ['pinned image counted right', 'pinned image z: missing'],
    ]);
    expect(out.gates.find((g) => g.metric === 'exact')).toMatchObject({
      status: 'fail',
      value: 0.5,
    });
  });
});
