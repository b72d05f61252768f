import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { evaluateGates, worst, type GateTarget } from '../gates/evaluate.js';
import { computeMetrics, type MetricDefinition } from '../metrics/classification.js';
import {
  discoverSlices,
  discoveryFeatures,
  selectFeatures,
  type DiscoveredSlice,
} from '../suites/discovery.js';
import {
  buildSlices,
  checkPinned,
  exampleChanges,
  frameOf,
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
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import { RecordTableBuilder, type RecordSet, type RecordTable } from '../tables/records.js';
import { VERSION } from '../version.js';
import { REPORT_SCHEMA_VERSION, type GateResult, type Report, type SliceReport } from './schema.js';

type ModelSummary = Report['models']['candidate'];

/** report.json lists at most this many unused files (the count is complete). */
const MAX_UNUSED_LISTED = 1000;

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
    /** imagefolder: what is under the root but not used, and why. */
    unused?: readonly { path: string; reason: string }[];
  };
  classes: string[];
  /** Every example of the dataset (before sharding): samples are drawn from these. */
  allExamples: ExampleTable;
  /** Examples of this run (after sharding); those without records are left out. */
  examples: ExampleTable;
  /** This run's records: candidate, and baseline when a baseline model ran. */
  records: RecordSet;
  /** Baseline records from a stored result (the candidate records of that run). */
  storedBaseline?: { records: RecordSet; summary: ModelSummary };
  /** Hashes and image properties by row of `examples`. */
  images: ImageFacts;
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

/**
 * Compute one target's values, baseline, delta and paired statistics: `rows` are candidate rows
 * (all when undefined); the baseline rows are their pairs.
 */
function measureTarget(
  rows: ArrayLike<number> | undefined,
  pairing: Pairing,
  defs: readonly MetricDefinition[],
  statDefs: readonly MetricDefinition[],
  config: Config,
  k: number,
): Pick<GateTarget, 'candidate' | 'baseline' | 'delta'> & { paired: number; stats?: PairedStats } {
  const topK = config.metrics.topK;
  const cand = pairing.candidate;
  const candidate = metricValues(
    { columns: cand, ...(rows ? { rows } : {}) },
    defs,
    k,
    topK,
  ).values;
  const n = rows ? rows.length : cand.length;
  let paired = 0;
  let identity = true;
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    const j = pairing.baseRow[i]!;
    if (j >= 0) paired++;
    if (j !== i) identity = false;
  }
  if (!pairing.baseline || paired === 0) return { candidate, paired };
  // All rows of both tables only when the baseline has no rows beyond the candidate's.
  if (!rows && pairing.baseline.length !== n) identity = false;
  // A baseline run alongside pairs every row with the same row: no row arrays needed.
  let cRows = rows;
  let bRows = rows;
  if (!identity) {
    const c = new Uint32Array(paired);
    const b = new Uint32Array(paired);
    for (let t = 0, p = 0; t < n; t++) {
      const i = rows ? rows[t]! : t;
      const j = pairing.baseRow[i]!;
      if (j < 0) continue;
      c[p] = i;
      b[p++] = j;
    }
    cRows = c;
    bRows = b;
  }
  const candP = { columns: cand, ...(cRows ? { rows: cRows } : {}) };
  const baseP = { columns: pairing.baseline, ...(bRows ? { rows: bRows } : {}) };
  const baseline = metricValues(baseP, defs, k, topK).values;
  const delta = subtract(metricValues(candP, defs, k, topK).values, baseline);
  const s = config.statistics;
  const stats = pairedStats(candP, baseP, s.resamples > 0 ? statDefs : [], k, s);
  return { candidate, baseline, delta, paired, stats };
}

/** Assemble report.json from records: every number in the report comes from here. */
export function buildReport(input: BuildInput): Report {
  const { config, classes } = input;
  const k = classes.length;
  const defs = configMetrics(config, classes);
  const directions = new Map(defs.map((d) => [d.name, d.direction]));
  const candTable = input.records.table('candidate', 'clean') ?? emptyTable('candidate');
  const baseTable: RecordTable | undefined = input.storedBaseline
    ? (input.storedBaseline.records.table('candidate', 'clean') ?? emptyTable('baseline'))
    : input.models.baseline
      ? (input.records.table('baseline', 'clean') ?? emptyTable('baseline'))
      : undefined;
  const hasBase = baseTable !== undefined;
  const pairing = pairRecords(candTable, baseTable);
  const frame = frameOf(input.examples, candTable);
  const evaluatedCount = frame.exRows.length;
  /** Candidate rows of frame positions (the positions themselves when records follow the examples). */
  const inOrder = frame.candRows.every((r, p) => r === p);
  const candRowsOf = (positions: Uint32Array) =>
    inOrder ? positions : positions.map((p) => frame.candRows[p]!);

  // Which metrics get bootstrap intervals: all overall; on slices, accuracy and slice-gated ones.
  const sliceGateMetrics = new Set(
    config.gates.filter((g) => g.scope !== 'overall').map((g) => g.metric),
  );
  const sliceStatDefs = defs.filter((d) => d.name === 'accuracy' || sliceGateMetrics.has(d.name));

  // Declared slices, then discovered ones that are not already declared.
  const declared = buildSlices(input.examples, frame.exRows, {
    columns: config.slices.columns ?? input.dataset.metadataColumns,
    crossings: config.slices.crossings,
    classes: config.slices.classes,
  });
  const discovered: DiscoveredSlice[] = [];
  const discovery = config.discovery;
  if (discovery.enabled && evaluatedCount > 0) {
    const columns = discovery.columns ?? input.dataset.metadataColumns;
    const features = discoveryFeatures(
      input.examples,
      frame.exRows,
      input.images,
      columns,
      discovery.properties,
      discovery.bins,
    );
    const options = { ...discovery, minSupport: discovery.minSupport ?? config.slices.minSupport };
    const errors = Uint8Array.from({ length: evaluatedCount }, (_, p) => {
      const i = frame.candRows[p]!;
      return candTable.pred[i] === candTable.label[i] ? 0 : 1;
    });
    const found = discoverSlices(features, errors, 'errors', options);
    if (hasBase) {
      // Newly wrong: the baseline was right and the candidate is wrong (paired examples only).
      const isPaired = (p: number) => pairing.baseRow[frame.candRows[p]!]! >= 0;
      let count = 0;
      for (let p = 0; p < evaluatedCount; p++) if (isPaired(p)) count++;
      const paired = new Uint32Array(count);
      for (let p = 0, t = 0; p < evaluatedCount; p++) if (isPaired(p)) paired[t++] = p;
      const newlyWrong = Uint8Array.from(paired, (p) => {
        const i = frame.candRows[p]!;
        const j = pairing.baseRow[i]!;
        return baseTable.pred[j] === baseTable.label[j] && candTable.pred[i] !== candTable.label[i]
          ? 1
          : 0;
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
    const seen = new Set(declared.map((d) => normaliseKey(d.key)));
    for (const d of found) {
      const key = normaliseKey(d.key);
      if (seen.has(key)) continue;
      seen.add(key);
      discovered.push(d);
    }
  }

  const minSupport = config.slices.minSupport;
  const overall = measureTarget(undefined, pairing, defs, defs, config, k);
  const overallTarget: GateTarget = {
    key: 'overall',
    kind: 'overall',
    columns: [],
    gated: true,
    candidate: overall.candidate,
    ...(overall.baseline ? { baseline: overall.baseline, delta: overall.delta! } : {}),
  };
  const bodies: TargetBody[] = [...declared, ...discovered].map((def) => {
    const m = measureTarget(candRowsOf(def.rows), pairing, defs, sliceStatDefs, config, k);
    const target: GateTarget = {
      key: def.key,
      kind: def.kind,
      columns: def.predicates.map((p) => p.column),
      gated: def.rows.length >= minSupport,
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
    // Only the sampled examples get variants: record and example objects for those alone.
    const sampled: number[] = [];
    for (const e of frame.exRows) if (plan.sample.has(input.examples.ids[e]!)) sampled.push(e);
    const robustness = computeRobustness(
      input.records.recordsOf(plan.sample),
      plan,
      sampled.map((e) => input.examples.at(e)),
      {
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
        ...(input.storedBaseline
          ? { baselineRecords: input.storedBaseline.records.recordsOf(plan.sample) }
          : {}),
      },
    );
    suites.robustness = robustness;
    gates.push(...robustnessGates(robustness, config.robustness));
  }
  const pinned = checkPinned(input.pinnedIds, candTable, classes);
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
    ? exampleChanges(pairing, frame, classes, config.report.maxListedExamples)
    : {
        newlyFailing: [],
        newlyFixed: [],
        counts: { newlyFailing: 0, newlyFixed: 0, bothWrong: 0 },
      };
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
  const unused = input.dataset.unused ?? [];
  if (unused.length > 0) {
    const some = unused.slice(0, 5).map((u) => `${u.path} (${u.reason})`);
    notices.push(
      `${unused.length} file(s) or folder(s) under the dataset root are not part of the dataset: ${some.join(', ')}${unused.length > 5 ? ', …' : ''} (dataset.unused in report.json lists them).`,
    );
  }
  const small = slices.filter((s) => !s.gated).length;
  if (small > 0)
    notices.push(
      `${small} slice(s) have fewer than ${minSupport} examples (slices.minSupport): reported, not gated.`,
    );

  const contentHash = createHash('sha256');
  const ids = candTable.ids;
  const byId = Uint32Array.from({ length: candTable.length }, (_, i) => i).sort((a, b) =>
    ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0,
  );
  for (const i of byId) contentHash.update(`${ids[i]}\u0000${candTable.hashes.get(i)}\n`);
  const summary = computeMetrics({ columns: candTable }, k, { topK: [1] });

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
      evaluated: evaluatedCount,
      classes,
      classSource: input.dataset.classSource,
      metadataColumns: input.dataset.metadataColumns,
      contentHash: contentHash.digest('hex'),
      ...(input.dataset.shard ? { shard: input.dataset.shard } : {}),
      ...(unused.length > 0
        ? { unused: { count: unused.length, files: unused.slice(0, MAX_UNUSED_LISTED) } }
        : {}),
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
      paired: pairing.paired,
      changed: pairing.changed,
      added: hasBase ? pairing.added : [],
      removed: pairing.removed,
    },
    overall: {
      candidate: overall.candidate,
      ...(overall.baseline ? { baseline: overall.baseline, delta: overall.delta! } : {}),
      ...(overall.stats ? { stats: overall.stats } : {}),
      n: candTable.length,
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
      counts: changes.counts,
    },
    pinned,
    gates,
    suites,
    unreadable: input.unreadable,
    notices,
    timing: {},
  };
}

function emptyTable(model: 'candidate' | 'baseline'): RecordTable {
  return new RecordTableBuilder(model, 'clean', 0).finish();
}
