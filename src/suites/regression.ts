import {
  computeMetrics,
  resolveMetric,
  type MetricDefinition,
  type MetricSummary,
} from '../metrics/classification.js';
import type { ExampleChange, MetricValues } from '../report/schema.js';
import type { Example, PredictionRecord } from '../types.js';

/** A slice definition: a conjunction of metadata predicates (or the true class). */
export interface SliceDef {
  key: string;
  kind: 'column' | 'crossing' | 'class' | 'discovered';
  predicates: { column: string; value: string }[];
  /** Ids of the examples in the slice. */
  ids: Set<string>;
}

/** Pseudo-column used for class slices. */
export const CLASS_COLUMN = 'class';

/**
 * One text order on every machine. `String#localeCompare` follows the host's locale (under
 * sv-SE "ä" sorts after "z"), which made slice and example order, and so which rows the
 * comment shows, depend on where VisionGate ran. English collation, then code units as a
 * tie-break so distinct strings never compare equal.
 */
const collator = new Intl.Collator('en');
export const compareText = (a: string, b: string): number =>
  collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

export interface SliceSpec {
  columns: readonly string[];
  crossings: readonly (readonly string[])[];
  classes: boolean;
}

/** Every value of each column, every combination present for each crossing, and each class. */
export function buildSlices(examples: readonly Example[], spec: SliceSpec): SliceDef[] {
  const slices: SliceDef[] = [];
  const group = (
    kind: SliceDef['kind'],
    columns: readonly string[],
    valueOf: (e: Example, c: string) => string | undefined,
  ) => {
    const map = new Map<string, SliceDef>();
    for (const e of examples) {
      const values = columns.map((c) => valueOf(e, c));
      if (values.some((v) => v === undefined)) continue;
      const predicates = columns.map((c, i) => ({ column: c, value: values[i]! }));
      const key = predicates.map((p) => `${p.column}=${p.value}`).join(' & ');
      let s = map.get(key);
      if (!s) {
        s = { key, kind, predicates, ids: new Set() };
        map.set(key, s);
      }
      s.ids.add(e.id);
    }
    slices.push(...[...map.values()].sort((a, b) => compareText(a.key, b.key)));
  };
  for (const c of spec.columns) group('column', [c], (e, col) => e.metadata[col]);
  for (const cross of spec.crossings) group('crossing', cross, (e, col) => e.metadata[col]);
  if (spec.classes) group('class', [CLASS_COLUMN], (e) => e.label);
  return slices;
}

/** Baseline/candidate records matched by example id and image hash. */
export interface Pairing {
  /** Candidate record by id (clean variant). */
  candidate: Map<string, PredictionRecord>;
  /** Baseline record by id, only for ids whose hash matches the candidate's. */
  baseline: Map<string, PredictionRecord>;
  changed: string[];
  added: string[];
  removed: string[];
}

/** Match records by id + content hash; a changed image is never compared to an old prediction. */
export function pairRecords(
  candidate: readonly PredictionRecord[],
  baseline: readonly PredictionRecord[] | undefined,
): Pairing {
  const cand = new Map(candidate.map((r) => [r.id, r]));
  const base = new Map<string, PredictionRecord>();
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  if (baseline) {
    const baseById = new Map(baseline.map((r) => [r.id, r]));
    for (const [id, c] of cand) {
      const b = baseById.get(id);
      if (!b) added.push(id);
      else if (b.hash !== c.hash) changed.push(id);
      else base.set(id, b);
    }
    for (const id of baseById.keys()) if (!cand.has(id)) removed.push(id);
  }
  return {
    candidate: cand,
    baseline: base,
    changed: changed.sort(),
    added: added.sort(),
    removed: removed.sort(),
  };
}

/** The default scalar metrics every report carries, plus any named by gates. */
export function metricNamesFor(topK: readonly number[], extra: readonly string[]): string[] {
  const names = [
    'accuracy',
    ...topK.filter((k) => k > 1).map((k) => `top${k}_accuracy`),
    'macro_precision',
    'macro_recall',
    'macro_f1',
    'weighted_f1',
    'ece',
    'brier',
  ];
  for (const e of extra) if (!names.includes(e)) names.push(e);
  return names;
}

/** Evaluate named metrics on a set of records. */
export function metricValues(
  records: readonly PredictionRecord[],
  defs: readonly MetricDefinition[],
  numClasses: number,
  topK: readonly number[],
): { values: MetricValues; summary: MetricSummary } {
  const summary = computeMetrics(records, numClasses, { topK: topK.length > 0 ? topK : [1] });
  const values: MetricValues = {};
  for (const d of defs) {
    const v = d.get(summary);
    values[d.name] = Number.isFinite(v) ? v : null;
  }
  return { values, summary };
}

/** Resolve metric names once (throws UnknownMetricError for a bad name). */
export function resolveMetrics(
  names: readonly string[],
  classNames: readonly string[],
): MetricDefinition[] {
  return names.map((n) => resolveMetric(n, { classNames, numClasses: classNames.length }));
}

/** candidate − baseline for every metric both have. */
export function subtract(candidate: MetricValues, baseline: MetricValues): MetricValues {
  const out: MetricValues = {};
  for (const [k, v] of Object.entries(candidate)) {
    const b = baseline[k];
    out[k] = v === null || b === null || b === undefined ? null : v - b;
  }
  return out;
}

/** Per-example changes between baseline and candidate on paired examples. */
export function exampleChanges(
  pairing: Pairing,
  examplesById: ReadonlyMap<string, Example>,
  classes: readonly string[],
): { newlyFailing: ExampleChange[]; newlyFixed: ExampleChange[]; bothWrong: number } {
  const newlyFailing: ExampleChange[] = [];
  const newlyFixed: ExampleChange[] = [];
  let bothWrong = 0;
  for (const [id, b] of pairing.baseline) {
    const c = pairing.candidate.get(id)!;
    const bOk = b.pred === b.label;
    const cOk = c.pred === c.label;
    if (!bOk && !cOk) bothWrong++;
    if (bOk === cOk) continue;
    const e = examplesById.get(id)!;
    const change: ExampleChange = {
      id,
      path: e.path,
      label: classes[c.label] ?? String(c.label),
      baselinePred: classes[b.pred] ?? String(b.pred),
      candidatePred: classes[c.pred] ?? String(c.pred),
      candidateConf: c.conf,
      metadata: e.metadata,
    };
    (bOk ? newlyFailing : newlyFixed).push(change);
  }
  // Most confident mistakes first: those are the most surprising regressions.
  newlyFailing.sort((a, b) => b.candidateConf - a.candidateConf || compareText(a.id, b.id));
  newlyFixed.sort((a, b) => compareText(a.id, b.id));
  return { newlyFailing, newlyFixed, bothWrong };
}

/** Pinned cases: each id must be present and classified correctly by the candidate. */
export function checkPinned(
  ids: readonly string[],
  candidate: ReadonlyMap<string, PredictionRecord>,
  classes: readonly string[],
): { id: string; status: 'pass' | 'fail' | 'missing'; label?: string; pred?: string }[] {
  return ids.map((id) => {
    const r = candidate.get(id);
    if (!r) return { id, status: 'missing' as const };
    return {
      id,
      status: r.pred === r.label ? ('pass' as const) : ('fail' as const),
      label: classes[r.label] ?? String(r.label),
      pred: classes[r.pred] ?? String(r.pred),
    };
  });
}
