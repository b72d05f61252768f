/**
 * The regression suite: metric deltas overall and per slice (declared and discovered), paired
 * statistics, the config's gate rules, and the examples that newly fail. Its result is the body
 * of report.json (`overall`, `slices`, `examples`).
 */
import {
  discoverSlices,
  discoveryFeatures,
  selectFeatures,
  type DiscoveredSlice,
} from '../../analysis/discovery.js';
import {
  countsTest,
  findSlicesWorseThanRest,
  type Changes,
  type Excess,
  type ExcessTest,
} from '../../analysis/findings.js';
import {
  adjustAcrossTargets,
  permutationOptions,
  type PairedStats,
} from '../../analysis/significance.js';
import {
  buildSlices,
  sameExamples,
  sliceColumns,
  type ColumnNote,
  type SliceDef,
} from '../../analysis/slices.js';
import type { AnalysisContext, PlanContext, Suite } from '../../analysis/suite.js';
import type { Config } from '../../config/schema.js';
import { UserError } from '../../errors.js';
import { evaluateGates, normaliseSliceKey, type GateTarget } from '../../gates/metric-rules.js';
import { worst } from '../../gates/verdict.js';
import { UnknownMetricError } from '../../metrics/values.js';
import { testedMetricOf, type TaskMetric } from '../../tasks/task.js';
import { findingChecks } from './finding-checks.js';
import { measureTarget, type Measured } from './measure.js';
import { regressionResultSchema, type RegressionRun, type SliceReport } from './schema.js';
import { checkScopes } from './scopes.js';

/** The metrics a run reports and gates on, resolved once by the task. */
export interface RegressionPlan {
  metrics: TaskMetric[];
}

interface TargetBody {
  def: SliceDef | DiscoveredSlice;
  target: GateTarget;
  paired: number;
  stats?: PairedStats;
}

/** The metrics a config needs (the task's defaults plus every gate's metric), with config errors. */
function planMetrics(ctx: PlanContext): TaskMetric[] {
  const { config } = ctx;
  try {
    return ctx.task.metrics(ctx);
  } catch (error) {
    if (error instanceof UnknownMetricError) {
      const i = config.gates.findIndex((g) => error.message.includes(`"${g.metric}"`));
      const line = i >= 0 ? ctx.lineOf(['gates', i, 'metric']) : undefined;
      throw new UserError(
        'config',
        `${ctx.configName}${line ? `:${line}` : ''}: gates[${i}].metric: ${error.message}`,
      );
    }
    throw error;
  }
}

/** Declared slices, then discovered ones that are not already declared. */
function findSlices(
  config: Config,
  ctx: AnalysisContext,
): { declared: SliceDef[]; discovered: DiscoveredSlice[]; notes: ColumnNote[] } {
  const { frame, pairing, task } = ctx;
  const candTable = pairing.candidate;
  const baseTable = pairing.baseline;
  const evaluatedCount = frame.exRows.length;
  const spec = {
    asked: new Set(config.slices.columns ?? []),
    maxValues: config.slices.maxValues,
    bins: config.slices.bins,
    bin: config.slices.bin,
  };
  const { slices: declared, notes } = buildSlices(ctx.examples, frame.exRows, {
    ...spec,
    columns: config.slices.columns ?? ctx.metadataColumns,
    crossings: config.slices.crossings,
    // A detection image has objects of many classes, not one class to slice by.
    classes: config.slices.classes && task.classSlices !== false,
  });
  const discovered: DiscoveredSlice[] = [];
  const discovery = config.discovery;
  if (!discovery.enabled || evaluatedCount === 0) return { declared, discovered, notes };
  // The same columns as the declared slices: too many values are binned or skipped here too.
  const prepared = sliceColumns(
    ctx.examples,
    frame.exRows,
    discovery.columns ?? ctx.metadataColumns,
    { ...spec, asked: new Set(discovery.columns ?? config.slices.columns ?? []) },
  ).columns;
  const features = discoveryFeatures(
    ctx.examples,
    frame.exRows,
    ctx.images,
    [...prepared.keys()],
    discovery.properties,
    discovery.bins,
    prepared,
  );
  const options = { ...discovery, minSupport: discovery.minSupport ?? config.slices.minSupport };
  // The task's error of an example (detection: the share of its objects missed), else 0/1.
  const errors = task.errorOf
    ? Float64Array.from({ length: evaluatedCount }, (_, p) =>
        task.errorOf!(candTable, frame.candRows[p]!, ctx),
      )
    : Uint8Array.from({ length: evaluatedCount }, (_, p) =>
        task.correct(candTable, frame.candRows[p]!, ctx) ? 0 : 1,
      );
  const found = discoverSlices(features, errors, 'errors', options);
  if (baseTable) {
    // Newly wrong: the baseline was right and the candidate is wrong (paired examples only), or
    // what the task calls a regression (detection: an object the baseline found is missed).
    const isPaired = (p: number) => pairing.baseRow[frame.candRows[p]!]! >= 0;
    let count = 0;
    for (let p = 0; p < evaluatedCount; p++) if (isPaired(p)) count++;
    const paired = new Uint32Array(count);
    for (let p = 0, t = 0; p < evaluatedCount; p++) if (isPaired(p)) paired[t++] = p;
    const newlyWrong = Uint8Array.from(paired, (p) => {
      const i = frame.candRows[p]!;
      const j = pairing.baseRow[i]!;
      if (task.regressed) return task.regressed(candTable, i, baseTable, j, ctx) ? 1 : 0;
      return task.correct(baseTable, j, ctx) && !task.correct(candTable, i, ctx) ? 1 : 0;
    });
    const all = paired.length === evaluatedCount;
    found.push(
      ...discoverSlices(
        all ? features : selectFeatures(features, paired),
        newlyWrong,
        'regressions',
        options,
        all ? undefined : paired,
      ),
    );
  }
  const seen = new Set(declared.map((d) => normaliseSliceKey(d.key)));
  for (const d of found) {
    const key = normaliseSliceKey(d.key);
    if (seen.has(key)) continue;
    seen.add(key);
    discovered.push(d);
  }
  return { declared, discovered, notes };
}

const targetOf = (m: Measured) => ({
  candidate: m.candidate,
  ...(m.baseline ? { baseline: m.baseline, delta: m.delta! } : {}),
});

type RegressionSuite = Suite<
  'regression',
  RegressionPlan,
  RegressionRun,
  typeof regressionResultSchema
>;

export const regressionSuite: RegressionSuite = {
  name: 'regression',
  resultSchema: regressionResultSchema,

  plan(ctx) {
    const metrics = planMetrics(ctx);
    checkScopes(ctx);
    return { metrics };
  },

  analyse(ctx, { metrics }) {
    const { config, frame, pairing, task } = ctx;
    const candTable = pairing.candidate;
    const hasBase = pairing.baseline !== undefined;
    const directions = new Map(metrics.map((d) => [d.name, d.direction]));
    /** Candidate rows of frame positions (the positions themselves when records follow the examples). */
    const inOrder = frame.candRows.every((r, p) => r === p);
    const candRowsOf = (positions: Uint32Array) =>
      inOrder ? positions : positions.map((p) => frame.candRows[p]!);

    // Which metrics get bootstrap intervals: all overall; on slices, the task's outcome metric
    // (accuracy), the metric its paired test is about (detection: map) and the slice-gated ones.
    const tested = testedMetricOf(task);
    const sliceGateMetrics = new Set(
      config.gates.filter((g) => g.scope !== 'overall').map((g) => g.metric),
    );
    const sliceStatMetrics = metrics.filter(
      (d) => d.name === task.outcomeMetric || d.name === tested || sliceGateMetrics.has(d.name),
    );
    const { declared, discovered, notes } = findSlices(config, ctx);
    const defs = [...declared, ...discovered];
    // A slice with the examples of another (or of the whole set) is not a separate test.
    const sameAs = sameExamples(defs, frame.exRows.length);

    const minSupport = config.slices.minSupport;
    const overall = measureTarget(ctx, undefined, metrics, metrics);
    const overallTarget: GateTarget = {
      key: 'overall',
      kind: 'overall',
      columns: [],
      gated: true,
      n: frame.exRows.length,
      ...targetOf(overall),
    };
    const bodies: TargetBody[] = defs.map((def) => {
      // A repeated slice shares the permutation test of the one it repeats (below).
      const m = measureTarget(
        ctx,
        candRowsOf(def.rows),
        metrics,
        sliceStatMetrics,
        !sameAs.has(def.key),
      );
      const target: GateTarget = {
        key: def.key,
        kind: def.kind,
        columns: def.predicates.map((p) => p.column),
        gated: def.rows.length >= minSupport,
        n: def.rows.length,
        ...(sameAs.has(def.key) ? { sameAs: sameAs.get(def.key)! } : {}),
        ...targetOf(m),
      };
      return { def, target, paired: m.paired, ...(m.stats ? { stats: m.stats } : {}) };
    });

    // False discovery control over every distinct compared target; a repeated slice shares the
    // statistics of the one it repeats. Then attach the stats for the gates.
    const distinct = bodies.filter((b) => !sameAs.has(b.def.key));
    const allStats = [overall.stats, ...distinct.map((b) => b.stats)].filter(
      (s): s is PairedStats => s !== undefined,
    );
    adjustAcrossTargets(allStats, config.statistics.alpha);
    const byKey = new Map(bodies.map((b) => [b.def.key, b]));
    for (const b of bodies) {
      const twin = sameAs.get(b.def.key);
      if (twin === undefined || !b.stats) continue;
      const source = twin === 'overall' ? overall.stats : byKey.get(twin)?.stats;
      if (source?.pAdjusted !== undefined) {
        b.stats.pAdjusted = source.pAdjusted;
        b.stats.significant = source.significant ?? false;
        if (source.permutation) b.stats.permutation = source.permutation;
      }
    }
    if (overall.stats) overallTarget.stats = overall.stats;
    for (const b of bodies) if (b.stats) b.target.stats = b.stats;

    const outcome = evaluateGates(
      config.gates,
      directions,
      [overallTarget, ...bodies.map((b) => b.target)],
      { pairedMetric: tested, minSupport },
    );

    // Findings: the distinct gated slices that got worse than the rest of the data.
    const excessByKey = new Map<string, Excess>();
    let findings: string[] = [];
    if (hasBase) {
      const gated = distinct.filter((b) => b.target.gated).map((b) => b.def);
      const test = task.metricTests ? metricExcessTest(ctx) : countsTest(changesOf(ctx));
      const found = findSlicesWorseThanRest(gated, test, frame.exRows.length, {
        alpha: config.statistics.alpha,
        minDrop: config.regression.newlyFailing.minDrop,
      });
      gated.forEach((d, i) => {
        const e = found.excess[i];
        if (e) excessByKey.set(d.key, e);
      });
      findings = found.findings;
    }
    const checks = hasBase
      ? findingChecks(
          distinct
            .filter((b) => excessByKey.has(b.def.key))
            .map((b) => ({
              key: b.def.key,
              target: b.target,
              excess: excessByKey.get(b.def.key)!,
            })),
          {
            metric: tested,
            rate: task.presentation.isRate(tested),
            ...config.regression.newlyFailing,
          },
        )
      : [];
    const findingStatus = new Map(checks.map((c) => [c.target, c.status]));

    const slices: SliceReport[] = bodies.map(({ def, target, paired, stats }) => {
      const excess = excessByKey.get(def.key);
      const twin = sameAs.get(def.key);
      const gateStatus = target.gated ? (outcome.status.get(def.key) ?? 'pass') : 'ungated';
      const fs = findingStatus.get(def.key);
      return {
        key: def.key,
        kind: def.kind,
        predicates: def.predicates,
        n: def.rows.length,
        gated: target.gated,
        candidate: target.candidate,
        ...(target.baseline ? { baseline: target.baseline } : {}),
        ...(target.delta ? { delta: target.delta } : {}),
        ...(hasBase ? { paired } : {}),
        ...(stats ? { stats } : {}),
        ...(excess ? { excess } : {}),
        ...(twin !== undefined ? { sameAs: twin } : {}),
        ...('target' in def
          ? { discovered: { target: def.target, score: def.score, meanError: def.meanError } }
          : {}),
        status: gateStatus === 'ungated' ? 'ungated' : worst([gateStatus, fs ?? 'pass']),
        newlyFailing: outcome.newlyFailing.has(def.key) || findings.includes(def.key),
      };
    });

    const changes = hasBase
      ? task.exampleChanges(pairing, frame, ctx, config.report.maxListedExamples)
      : {
          newlyFailing: [],
          newlyFixed: [],
          counts: { newlyFailing: 0, newlyFixed: 0, bothWrong: 0 },
        };
    const small = slices.filter((s) => !s.gated).length;
    const notices = [
      ...(small > 0
        ? [
            `${small} slice(s) have fewer than ${minSupport} examples (slices.minSupport): reported, not gated.`,
          ]
        : []),
      ...columnNotices(notes, config),
    ];

    return {
      result: {
        overall: {
          candidate: overall.candidate,
          ...(overall.baseline ? { baseline: overall.baseline, delta: overall.delta! } : {}),
          ...(overall.stats ? { stats: overall.stats } : {}),
          n: candTable.length,
          ...task.summarise(candTable, ctx),
        },
        slices,
        findings,
        columns: notes,
        examples: changes,
      },
      gates: [...outcome.results, ...checks],
      notices,
    };
  },
};

/** The per-example change of the task's outcome by frame position (0 where not paired). */
function changesOf(ctx: AnalysisContext): Changes {
  const { frame, pairing, task } = ctx;
  const n = frame.exRows.length;
  const change = new Int8Array(n);
  const paired = new Uint8Array(n);
  if (!pairing.baseline) return { change, paired };
  for (let p = 0; p < n; p++) {
    const i = frame.candRows[p]!;
    const j = pairing.baseRow[i]!;
    if (j < 0) continue;
    paired[p] = 1;
    change[p] =
      (task.correct(pairing.candidate, i, ctx) ? 1 : 0) -
      (task.correct(pairing.baseline, j, ctx) ? 1 : 0);
  }
  return { change, paired };
}

/**
 * The findings' test through the task's metric test (detection: the slice's map delta against
 * random sets of its size): positions map to paired candidate and baseline rows.
 */
function metricExcessTest(ctx: AnalysisContext): ExcessTest {
  const { frame, pairing, task, config } = ctx;
  const tests = task.metricTests!;
  const baseline = pairing.baseline!;
  const n = frame.exRows.length;
  const all = Uint32Array.from({ length: n }, (_, p) => p);
  const marks = new Uint8Array(n);
  const options = permutationOptions(config.statistics);
  return (rows, population = all) => {
    marks.fill(0);
    for (let t = 0; t < rows.length; t++) marks[rows[t]!] = 1;
    const cRows: number[] = [];
    const bRows: number[] = [];
    const inSlice: number[] = [];
    for (let t = 0; t < population.length; t++) {
      const p = population[t]!;
      const i = frame.candRows[p]!;
      const j = pairing.baseRow[i]!;
      if (j < 0) continue;
      cRows.push(i);
      bRows.push(j);
      inSlice.push(marks[p]!);
    }
    const m = inSlice.reduce((a, b) => a + b, 0);
    if (m === 0) return { n: 0, change: null, restChange: null, p: 1 };
    const r = tests.worseThanRest(
      { table: pairing.candidate, rows: cRows },
      { table: baseline, rows: bRows },
      Uint8Array.from(inSlice),
      options,
      ctx,
    );
    return { n: m, change: r.change, restChange: r.restChange, p: r.p };
  };
}

/** What the report says about columns not sliced by value, and how to change it. */
function columnNotices(notes: readonly ColumnNote[], config: Config): string[] {
  const skipped = notes.filter((n) => n.how === 'skipped');
  const binned = notes.filter((n) => n.how === 'binned');
  const out: string[] = [];
  if (skipped.length > 0)
    out.push(
      `Not sliced: ${skipped.map((n) => `${n.column} (${n.values} values)`).join(', ')}: more than slices.maxValues (${config.slices.maxValues}) values, and not numeric. Each value would be one more test in the multiple-testing correction; list a column in slices.columns to slice it by value anyway, or put a coarser version of it in the manifest.`,
    );
  if (binned.length > 0)
    out.push(
      `Binned into quantiles: ${binned.map((n) => `${n.column} (${n.values} values → ${n.bins} bins)`).join(', ')} (slices.bins = ${config.slices.bins}; a numeric column with more than slices.maxValues values, or listed in slices.bin).`,
    );
  return out;
}
