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
import { adjustAcrossTargets, type PairedStats } from '../../analysis/significance.js';
import { buildSlices, type SliceDef } from '../../analysis/slices.js';
import type { PlanContext, Suite } from '../../analysis/suite.js';
import type { Config, GateRule } from '../../config/schema.js';
import { UserError } from '../../errors.js';
import { evaluateGates, normaliseSliceKey, type GateTarget } from '../../gates/metric-rules.js';
import { UnknownMetricError } from '../../metrics/values.js';
import type { TaskMetric } from '../../tasks/task.js';
import { measureTarget, type Measured } from './measure.js';
import { regressionResultSchema, type RegressionRun, type SliceReport } from './schema.js';

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

/** Gate scopes and slice columns must name metadata columns the dataset has. */
function checkColumns(ctx: PlanContext): void {
  const { config } = ctx;
  const known = new Set([...ctx.metadataColumns]);
  config.gates.forEach((g: GateRule, i) => {
    if (g.scope.startsWith('column:') && !known.has(g.scope.slice(7))) {
      const line = ctx.lineOf(['gates', i, 'scope']);
      throw new UserError(
        'config',
        `${ctx.configName}${line ? `:${line}` : ''}: gates[${i}].scope: no metadata column "${g.scope.slice(7)}" (columns: ${[...known].join(', ') || 'none'})`,
      );
    }
  });
  for (const col of [...(config.slices.columns ?? []), ...config.slices.crossings.flat()]) {
    if (!known.has(col))
      throw new UserError(
        'config',
        `slices: no metadata column "${col}" (columns: ${[...known].join(', ') || 'none'})`,
      );
  }
}

/** Declared slices, then discovered ones that are not already declared. */
function findSlices(
  config: Config,
  ctx: Parameters<RegressionSuite['analyse']>[0],
): { declared: SliceDef[]; discovered: DiscoveredSlice[] } {
  const { frame, pairing, task } = ctx;
  const candTable = pairing.candidate;
  const baseTable = pairing.baseline;
  const evaluatedCount = frame.exRows.length;
  const declared = buildSlices(ctx.examples, frame.exRows, {
    columns: config.slices.columns ?? ctx.metadataColumns,
    crossings: config.slices.crossings,
    classes: config.slices.classes,
  });
  const discovered: DiscoveredSlice[] = [];
  const discovery = config.discovery;
  if (!discovery.enabled || evaluatedCount === 0) return { declared, discovered };
  const columns = discovery.columns ?? ctx.metadataColumns;
  const features = discoveryFeatures(
    ctx.examples,
    frame.exRows,
    ctx.images,
    columns,
    discovery.properties,
    discovery.bins,
  );
  const options = { ...discovery, minSupport: discovery.minSupport ?? config.slices.minSupport };
  const errors = Uint8Array.from({ length: evaluatedCount }, (_, p) =>
    task.correct(candTable, frame.candRows[p]!) ? 0 : 1,
  );
  const found = discoverSlices(features, errors, 'errors', options);
  if (baseTable) {
    // Newly wrong: the baseline was right and the candidate is wrong (paired examples only).
    const isPaired = (p: number) => pairing.baseRow[frame.candRows[p]!]! >= 0;
    let count = 0;
    for (let p = 0; p < evaluatedCount; p++) if (isPaired(p)) count++;
    const paired = new Uint32Array(count);
    for (let p = 0, t = 0; p < evaluatedCount; p++) if (isPaired(p)) paired[t++] = p;
    const newlyWrong = Uint8Array.from(paired, (p) => {
      const i = frame.candRows[p]!;
      const j = pairing.baseRow[i]!;
      return task.correct(baseTable, j) && !task.correct(candTable, i) ? 1 : 0;
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
  return { declared, discovered };
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
    checkColumns(ctx);
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
    // (accuracy) and the slice-gated ones.
    const sliceGateMetrics = new Set(
      config.gates.filter((g) => g.scope !== 'overall').map((g) => g.metric),
    );
    const sliceStatMetrics = metrics.filter(
      (d) => d.name === task.outcomeMetric || sliceGateMetrics.has(d.name),
    );
    const { declared, discovered } = findSlices(config, ctx);

    const minSupport = config.slices.minSupport;
    const overall = measureTarget(ctx, undefined, metrics, metrics);
    const overallTarget: GateTarget = {
      key: 'overall',
      kind: 'overall',
      columns: [],
      gated: true,
      ...targetOf(overall),
    };
    const bodies: TargetBody[] = [...declared, ...discovered].map((def) => {
      const m = measureTarget(ctx, candRowsOf(def.rows), metrics, sliceStatMetrics);
      const target: GateTarget = {
        key: def.key,
        kind: def.kind,
        columns: def.predicates.map((p) => p.column),
        gated: def.rows.length >= minSupport,
        ...targetOf(m),
      };
      return { def, target, paired: m.paired, ...(m.stats ? { stats: m.stats } : {}) };
    });

    // False discovery control over every compared target, then attach the stats for the gates.
    const allStats = [overall.stats, ...bodies.map((b) => b.stats)].filter(
      (s): s is PairedStats => s !== undefined,
    );
    adjustAcrossTargets(allStats, config.statistics.alpha);
    if (overall.stats) overallTarget.stats = overall.stats;
    for (const b of bodies) if (b.stats) b.target.stats = b.stats;

    const outcome = evaluateGates(
      config.gates,
      directions,
      [overallTarget, ...bodies.map((b) => b.target)],
      { pairedMetric: task.outcomeMetric },
    );

    const slices: SliceReport[] = bodies.map(({ def, target, paired, stats }) => ({
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
      ...('target' in def
        ? { discovered: { target: def.target, score: def.score, meanError: def.meanError } }
        : {}),
      status: target.gated ? (outcome.status.get(def.key) ?? 'pass') : 'ungated',
      newlyFailing: outcome.newlyFailing.has(def.key),
    }));

    const changes = hasBase
      ? task.exampleChanges(pairing, frame, ctx, config.report.maxListedExamples)
      : {
          newlyFailing: [],
          newlyFixed: [],
          counts: { newlyFailing: 0, newlyFixed: 0, bothWrong: 0 },
        };
    const small = slices.filter((s) => !s.gated).length;
    const notices =
      small > 0
        ? [
            `${small} slice(s) have fewer than ${minSupport} examples (slices.minSupport): reported, not gated.`,
          ]
        : [];

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
        examples: changes,
      },
      gates: outcome.results,
      notices,
    };
  },
};
