import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { evaluateGates, worst, type GateTarget } from '../gates/evaluate.js';
import type { ImageProperties } from '../image/properties.js';
import { computeMetrics, type MetricDefinition } from '../metrics/classification.js';
import { discoverSlices, discoveryRows, type DiscoveredSlice } from '../suites/discovery.js';
import {
  buildSlices,
  checkPinned,
  exampleChanges,
  metricNamesFor,
  metricValues,
  pairRecords,
  resolveMetrics,
  subtract,
  type Pairing,
  type SliceDef,
} from '../suites/regression.js';
import { resolveTable } from '../corruptions/index.js';
import { robustnessGates } from '../suites/robustness/gates.js';
import { computeRobustness } from '../suites/robustness/metrics.js';
import { planRobustness } from '../suites/robustness/plan.js';
import { adjustAcrossTargets, pairedStats, type PairedStats } from '../suites/significance.js';
import type { Example, PredictionRecord } from '../types.js';
import { VERSION } from '../version.js';
import { REPORT_SCHEMA_VERSION, type GateResult, type Report, type SliceReport } from './schema.js';

type ModelSummary = Report['models']['candidate'];

/** Everything the report is computed from. No models, no files: a pure function of records. */
export interface BuildInput {
  config: Config;
  configFile: string;
  configSha: string;
  dataset: {
    root: string;
    manifest?: string;
    format: string;
    metadataColumns: string[];
    totalExamples: number;
    classSource: string;
    shard?: { index: number; count: number };
  };
  classes: string[];
  /** Every example of the dataset (before sharding): samples are drawn from these. */
  allExamples: readonly Example[];
  /** Examples of this run (after sharding); those without records are left out. */
  examples: readonly Example[];
  /** This run's records: candidate, and baseline when a baseline model ran. */
  records: readonly PredictionRecord[];
  /** Baseline records from a stored result (clean candidate records of that run). */
  storedBaseline?: { records: readonly PredictionRecord[]; summary: ModelSummary };
  properties: ReadonlyMap<string, ImageProperties>;
  unreadable: { id: string; reason: string }[];
  models: { candidate: ModelSummary; baseline?: ModelSummary };
  pinnedIds: readonly string[];
  createdAt: string;
  /** Extra suite results and notices (robustness, data), already computed. */
  suites?: Record<string, unknown>;
  suiteGates?: GateResult[];
  notices?: string[];
}

const normaliseKey = (key: string) =>
  key
    .split('&')
    .map((p) => p.trim())
    .sort()
    .join(' & ');

/** Metric definitions a config needs (defaults plus every gate's metric). */
export function configMetrics(config: Config, classes: readonly string[]): MetricDefinition[] {
  return resolveMetrics(
    metricNamesFor(
      config.metrics.topK,
      config.gates.map((g) => g.metric),
    ),
    classes,
  );
}

interface TargetBody {
  def: SliceDef | DiscoveredSlice;
  target: GateTarget;
  paired: number;
  stats?: PairedStats;
}

/** Compute one slice's (or the overall set's) values, baseline, delta and paired statistics. */
function measureTarget(
  ids: readonly string[],
  pairing: Pairing,
  hasBase: boolean,
  defs: readonly MetricDefinition[],
  statDefs: readonly MetricDefinition[],
  config: Config,
  k: number,
): Pick<GateTarget, 'candidate' | 'baseline' | 'delta'> & { paired: number; stats?: PairedStats } {
  const topK = config.metrics.topK;
  const candidate = metricValues(
    ids.map((id) => pairing.candidate.get(id)!),
    defs,
    k,
    topK,
  ).values;
  const pIds = ids.filter((id) => pairing.baseline.has(id));
  if (!hasBase || pIds.length === 0) return { candidate, paired: pIds.length };
  const candP = pIds.map((id) => pairing.candidate.get(id)!);
  const baseP = pIds.map((id) => pairing.baseline.get(id)!);
  const baseline = metricValues(baseP, defs, k, topK).values;
  const delta = subtract(metricValues(candP, defs, k, topK).values, baseline);
  const s = config.statistics;
  const stats = pairedStats(candP, baseP, s.resamples > 0 ? statDefs : [], k, s);
  return { candidate, baseline, delta, paired: pIds.length, stats };
}

/** Assemble report.json from records: every number in the report comes from here. */
export function buildReport(input: BuildInput): Report {
  const { config, classes } = input;
  const k = classes.length;
  const defs = configMetrics(config, classes);
  const directions = new Map(defs.map((d) => [d.name, d.direction]));
  const clean = (role: string) =>
    input.records.filter((r) => r.model === role && r.variant === 'clean');
  const candRecords = clean('candidate');
  const baseRecords = input.storedBaseline
    ? input.storedBaseline.records.filter((r) => r.variant === 'clean')
    : input.models.baseline
      ? clean('baseline')
      : undefined;
  const hasBase = baseRecords !== undefined;
  const pairing = pairRecords(candRecords, baseRecords);
  const examples = input.examples.filter((e) => pairing.candidate.has(e.id));
  const byId = new Map(examples.map((e) => [e.id, e]));

  // Which metrics get bootstrap intervals: all overall; on slices, accuracy and slice-gated ones.
  const sliceGateMetrics = new Set(
    config.gates.filter((g) => g.scope !== 'overall').map((g) => g.metric),
  );
  const sliceStatDefs = defs.filter((d) => d.name === 'accuracy' || sliceGateMetrics.has(d.name));

  // Declared slices, then discovered ones that are not already declared.
  const declared = buildSlices(examples, {
    columns: config.slices.columns ?? input.dataset.metadataColumns,
    crossings: config.slices.crossings,
    classes: config.slices.classes,
  });
  const discovered: DiscoveredSlice[] = [];
  const discovery = config.discovery;
  if (discovery.enabled && examples.length > 0) {
    const columns = discovery.columns ?? input.dataset.metadataColumns;
    const { rows, features } = discoveryRows(
      examples,
      input.properties,
      columns,
      discovery.properties,
      discovery.bins,
    );
    const options = { ...discovery, minSupport: discovery.minSupport ?? config.slices.minSupport };
    const errors = examples.map((e) => {
      const r = pairing.candidate.get(e.id)!;
      return r.pred === r.label ? 0 : 1;
    });
    const found = discoverSlices(examples, rows, features, errors, 'errors', options);
    if (hasBase) {
      // Newly wrong: the baseline was right and the candidate is wrong (paired examples only).
      const paired = examples
        .map((e, i) => ({ e, row: rows[i]! }))
        .filter(({ e }) => pairing.baseline.has(e.id));
      const newlyWrong = paired.map(({ e }) => {
        const b = pairing.baseline.get(e.id)!;
        const c = pairing.candidate.get(e.id)!;
        return b.pred === b.label && c.pred !== c.label ? 1 : 0;
      });
      found.push(
        ...discoverSlices(
          paired.map((p) => p.e),
          paired.map((p) => p.row),
          features,
          newlyWrong,
          'regressions',
          options,
        ),
      );
    }
    const seen = new Set(declared.map((d) => normaliseKey(d.key)));
    for (const d of found) {
      const key = normaliseKey(d.key);
      if (seen.has(key)) continue;
      seen.add(key);
      discovered.push(d);
    }
  }

  const minSupport = config.slices.minSupport;
  const overall = measureTarget(
    [...pairing.candidate.keys()],
    pairing,
    hasBase,
    defs,
    defs,
    config,
    k,
  );
  const overallTarget: GateTarget = {
    key: 'overall',
    kind: 'overall',
    columns: [],
    gated: true,
    candidate: overall.candidate,
    ...(overall.baseline ? { baseline: overall.baseline, delta: overall.delta! } : {}),
  };
  const bodies: TargetBody[] = [...declared, ...discovered].map((def) => {
    const m = measureTarget([...def.ids], pairing, hasBase, defs, sliceStatDefs, config, k);
    const target: GateTarget = {
      key: def.key,
      kind: def.kind,
      columns: def.predicates.map((p) => p.column),
      gated: def.ids.size >= minSupport,
      candidate: m.candidate,
      ...(m.baseline ? { baseline: m.baseline, delta: m.delta! } : {}),
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

  const outcome = evaluateGates(config.gates, directions, [
    overallTarget,
    ...bodies.map((b) => b.target),
  ]);
  const suites: Record<string, unknown> = { ...(input.suites ?? {}) };
  const gates: GateResult[] = [...outcome.results, ...(input.suiteGates ?? [])];
  if (config.robustness?.enabled) {
    const sliceColumns = config.slices.columns ?? input.dataset.metadataColumns;
    const plan = planRobustness(config.robustness, input.allExamples, sliceColumns);
    const robustness = computeRobustness(input.records, plan, examples, {
      hasBaseline: input.models.baseline !== undefined && !input.storedBaseline,
      table: resolveTable(
        {
          width: input.models.candidate.input?.width ?? 0,
          height: input.models.candidate.input?.height ?? 0,
        },
        config.robustness.table,
      ),
      sliceColumns,
      minSupport: config.slices.minSupport,
      ...(input.storedBaseline ? { baselineRecords: input.storedBaseline.records } : {}),
    });
    suites.robustness = robustness;
    gates.push(...robustnessGates(robustness, config.robustness));
  }
  const pinned = checkPinned(input.pinnedIds, pairing.candidate, classes);
  for (const p of pinned) {
    if (p.status === 'pass') continue;
    gates.push({
      index: -1,
      rule: 'pinned case classified correctly',
      metric: 'pinned',
      scope: 'pinned',
      target: p.id,
      kind: 'pinned',
      value: null,
      threshold: 1,
      level: config.pinned.level,
      status: config.pinned.level,
      reason:
        p.status === 'missing'
          ? `pinned example ${p.id} is not in the evaluated dataset`
          : `pinned example ${p.id} (${p.label}) predicted as ${p.pred}`,
    });
  }

  const slices: SliceReport[] = bodies.map(({ def, target, paired, stats }) => ({
    key: def.key,
    kind: def.kind,
    predicates: def.predicates,
    n: def.ids.size,
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
    ? exampleChanges(pairing, byId, classes)
    : { newlyFailing: [], newlyFixed: [], bothWrong: 0 };
  const notices = [...(input.notices ?? [])];
  if (!hasBase)
    notices.push(
      'No baseline: only absolute gates (min/max) were checked; maxDrop gates were skipped.',
    );
  if (input.unreadable.length > 0) {
    notices.push(
      `${input.unreadable.length} unreadable image(s) were skipped (dataset.onUnreadable: skip).`,
    );
  }
  const small = slices.filter((s) => !s.gated).length;
  if (small > 0)
    notices.push(
      `${small} slice(s) have fewer than ${minSupport} examples (slices.minSupport): reported, not gated.`,
    );

  const contentHash = createHash('sha256');
  for (const id of [...pairing.candidate.keys()].sort())
    contentHash.update(`${id}\u0000${pairing.candidate.get(id)!.hash}\n`);
  const summary = computeMetrics(candRecords, k, { topK: [1] });

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'visiongate', version: VERSION },
    name: config.name,
    createdAt: input.createdAt,
    verdict: worst(gates.map((g) => g.status)),
    config: { file: input.configFile, sha256: input.configSha },
    dataset: {
      root: input.dataset.root,
      ...(input.dataset.manifest ? { manifest: input.dataset.manifest } : {}),
      format: input.dataset.format,
      examples: input.dataset.totalExamples,
      evaluated: examples.length,
      classes,
      classSource: input.dataset.classSource,
      metadataColumns: input.dataset.metadataColumns,
      contentHash: contentHash.digest('hex'),
      ...(input.dataset.shard ? { shard: input.dataset.shard } : {}),
    },
    models: {
      candidate: input.models.candidate,
      ...(input.storedBaseline
        ? { baseline: input.storedBaseline.summary }
        : input.models.baseline
          ? { baseline: input.models.baseline }
          : {}),
    },
    comparison: {
      baseline: input.storedBaseline ? 'stored' : input.models.baseline ? 'model' : 'none',
      paired: pairing.baseline.size,
      changed: pairing.changed,
      added: hasBase ? pairing.added : [],
      removed: pairing.removed,
    },
    overall: {
      candidate: overall.candidate,
      ...(overall.baseline ? { baseline: overall.baseline, delta: overall.delta! } : {}),
      ...(overall.stats ? { stats: overall.stats } : {}),
      n: candRecords.length,
      confusion: summary.confusion,
      perClass: classes.map((c, i) => ({
        class: c,
        precision: summary.perClass.precision[i]!,
        recall: summary.perClass.recall[i]!,
        f1: summary.perClass.f1[i]!,
        support: summary.perClass.support[i]!,
      })),
    },
    slices,
    examples: {
      newlyFailing: changes.newlyFailing,
      newlyFixed: changes.newlyFixed,
      counts: {
        newlyFailing: changes.newlyFailing.length,
        newlyFixed: changes.newlyFixed.length,
        bothWrong: changes.bothWrong,
      },
    },
    pinned,
    gates,
    suites,
    unreadable: input.unreadable,
    notices,
    timing: {},
  };
}
