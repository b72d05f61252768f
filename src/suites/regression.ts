import {
  computeMetrics,
  requiredTopK,
  resolveMetric,
  type MetricDefinition,
  type MetricInput,
  type MetricSummary,
} from '../metrics/classification.js';
import type { ExampleChange, MetricValues } from '../report/schema.js';
import type { ExampleTable } from '../tables/examples.js';
import type { RecordTable } from '../tables/records.js';

/** A slice definition: a conjunction of metadata predicates (or the true class). */
export interface SliceDef {
  key: string;
  kind: 'column' | 'crossing' | 'class' | 'discovered';
  predicates: { column: string; value: string }[];
  /** The slice's examples: positions in the report's {@link Frame}, ascending. */
  rows: Uint32Array;
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

/**
 * The examples a report is about: those with a clean candidate record, in example order. Slices
 * hold positions in the frame; the metrics read the candidate rows at those positions.
 */
export interface Frame {
  examples: ExampleTable;
  /** Example-table row per position. */
  exRows: Uint32Array;
  /** Candidate-record row per position. */
  candRows: Uint32Array;
  /** Example-table row of each candidate record (−1 for an id that is not an example). */
  exRowOfCand: Int32Array;
}

/** Line up the examples with the candidate's records (by id; no Map when they are in order). */
export function frameOf(examples: ExampleTable, candidate: RecordTable): Frame {
  const exRowOfCand = new Int32Array(candidate.length).fill(-1);
  // Records of a run follow example order: walk both lists once.
  let j = 0;
  let inOrder = true;
  for (let i = 0; i < candidate.length && inOrder; i++) {
    const id = candidate.ids[i];
    while (j < examples.length && examples.ids[j] !== id) j++;
    if (j === examples.length) inOrder = false;
    else exRowOfCand[i] = j++;
  }
  if (!inOrder) {
    const byId = examples.indexById();
    candidate.ids.forEach((id, i) => (exRowOfCand[i] = byId.get(id) ?? -1));
  }
  const candOfEx = new Int32Array(examples.length).fill(-1);
  exRowOfCand.forEach((e, i) => {
    if (e >= 0) candOfEx[e] = i;
  });
  let m = 0;
  for (const c of candOfEx) if (c >= 0) m++;
  const exRows = new Uint32Array(m);
  const candRows = new Uint32Array(m);
  for (let e = 0, p = 0; e < examples.length; e++) {
    if (candOfEx[e]! < 0) continue;
    exRows[p] = e;
    candRows[p++] = candOfEx[e]!;
  }
  return { examples, exRows, candRows, exRowOfCand };
}

/**
 * Every value of each column, every combination present for each crossing, and each class, over
 * the examples at `exRows` (slice rows are positions in `exRows`).
 */
export function buildSlices(
  examples: ExampleTable,
  exRows: ArrayLike<number>,
  spec: SliceSpec,
): SliceDef[] {
  const slices: SliceDef[] = [];
  const classColumn = { codes: examples.labelCodes, values: examples.labels, offset: 0 };
  const group = (kind: SliceDef['kind'], columns: readonly string[]) => {
    // A column no example has makes no slices.
    if (kind !== 'class' && columns.some((c) => examples.column(c) < 0)) return;
    const cols = columns.map((c) => {
      if (kind === 'class') return classColumn;
      const m = examples.metadata[examples.column(c)]!;
      // Metadata code 0 is "missing"; value c is values[c − 1].
      return { codes: m.codes, values: m.values, offset: 1 };
    });
    // Group by the tuple of value codes (as one number, else a string for huge cardinalities):
    // one pass to count each group, one to fill its typed array, no list per group.
    const radix = cols.map((c) => c.values.length + 1);
    const numeric = radix.reduce((a, b) => a * b, 1) < Number.MAX_SAFE_INTEGER;
    const keyOf = (e: number): number | string | undefined => {
      let key: number | string = numeric ? 0 : '';
      for (let k = 0; k < cols.length; k++) {
        const code = cols[k]!.codes[e]! + 1 - cols[k]!.offset;
        if (code === 0) return undefined;
        key = numeric ? (key as number) * radix[k]! + code : `${key as string}${code},`;
      }
      return key;
    };
    const counts = new Map<number | string, { rows: Uint32Array; filled: number }>();
    const sizes = new Map<number | string, number>();
    for (let p = 0; p < exRows.length; p++) {
      const key = keyOf(exRows[p]!);
      if (key !== undefined) sizes.set(key, (sizes.get(key) ?? 0) + 1);
    }
    for (const [key, size] of sizes) counts.set(key, { rows: new Uint32Array(size), filled: 0 });
    for (let p = 0; p < exRows.length; p++) {
      const key = keyOf(exRows[p]!);
      if (key === undefined) continue;
      const g = counts.get(key)!;
      g.rows[g.filled++] = p;
    }
    const groups = new Map([...counts].map(([key, g]) => [key, g.rows]));
    const made: SliceDef[] = [];
    for (const list of groups.values()) {
      const e = exRows[list[0]!]!;
      const predicates = columns.map((c, k) => ({
        column: c,
        value: cols[k]!.values[cols[k]!.codes[e]! - cols[k]!.offset]!,
      }));
      const key = predicates.map((p) => `${p.column}=${p.value}`).join(' & ');
      made.push({ key, kind, predicates, rows: list });
    }
    slices.push(...made.sort((a, b) => compareText(a.key, b.key)));
  };
  for (const c of spec.columns) group('column', [c]);
  for (const cross of spec.crossings) group('crossing', cross);
  if (spec.classes) group('class', [CLASS_COLUMN]);
  return slices;
}

/** Baseline/candidate records matched by example id and image hash. */
export interface Pairing {
  /** The clean candidate records. */
  candidate: RecordTable;
  /** The clean baseline records, when there is a baseline. */
  baseline: RecordTable | undefined;
  /** Baseline row paired with each candidate row; −1 when absent or the image changed. */
  baseRow: Int32Array;
  /** Number of paired candidate rows. */
  paired: number;
  changed: string[];
  added: string[];
  removed: string[];
}

/** Match records by id + content hash; a changed image is never compared to an old prediction. */
export function pairRecords(candidate: RecordTable, baseline: RecordTable | undefined): Pairing {
  const baseRow = new Int32Array(candidate.length).fill(-1);
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  let paired = 0;
  if (baseline) {
    // Same run: both models' records follow example order, so rows match without a Map.
    const aligned =
      baseline.length === candidate.length &&
      candidate.ids.every((id, i) => baseline.ids[i] === id);
    const baseById = aligned ? undefined : baseline.indexById();
    for (let i = 0; i < candidate.length; i++) {
      const id = candidate.ids[i]!;
      const b = aligned ? i : baseById!.get(id);
      if (b === undefined) added.push(id);
      else if (!candidate.hashes.equals(i, baseline.hashes, b)) changed.push(id);
      else {
        baseRow[i] = b;
        paired++;
      }
    }
    if (!aligned) {
      const candIds = new Set(candidate.ids);
      for (const id of baseById!.keys()) if (!candIds.has(id)) removed.push(id);
    }
  }
  return {
    candidate,
    baseline,
    baseRow,
    paired,
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

/**
 * Evaluate named metrics on a set of records. `topK` (metrics.topK) plus every k a definition
 * needs: a gate on top3_accuracy is computed even when metrics.topK does not list 3.
 */
export function metricValues(
  records: MetricInput,
  defs: readonly MetricDefinition[],
  numClasses: number,
  topK: readonly number[],
): { values: MetricValues; summary: MetricSummary } {
  const ks = [...new Set([...topK, ...requiredTopK(defs)])];
  const summary = computeMetrics(records, numClasses, { topK: ks.length > 0 ? ks : [1] });
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
export interface ExampleChanges {
  /** The first `limit` newly failing examples, most confident mistakes first. */
  newlyFailing: ExampleChange[];
  /** The first `limit` newly fixed examples, by id. */
  newlyFixed: ExampleChange[];
  counts: { newlyFailing: number; newlyFixed: number; bothWrong: number };
}

/**
 * Per-example changes between baseline and candidate on paired examples. Both lists are sorted
 * and cut to `limit` entries before any entry is made, so a large regression costs one index
 * per changed example, not an object; the counts are complete.
 */
export function exampleChanges(
  pairing: Pairing,
  frame: Pick<Frame, 'examples' | 'exRowOfCand'>,
  classes: readonly string[],
  limit = Infinity,
): ExampleChanges {
  const c = pairing.candidate;
  const b = pairing.baseline;
  const failing: number[] = [];
  const fixed: number[] = [];
  let bothWrong = 0;
  for (let i = 0; i < c.length; i++) {
    const j = pairing.baseRow[i]!;
    if (j < 0 || !b) continue;
    const bOk = b.pred[j] === b.label[j];
    const cOk = c.pred[i] === c.label[i];
    if (!bOk && !cOk) bothWrong++;
    if (bOk === cOk) continue;
    (bOk ? failing : fixed).push(i);
  }
  // Most confident mistakes first: those are the most surprising regressions.
  failing.sort((x, y) => c.conf[y]! - c.conf[x]! || compareText(c.ids[x]!, c.ids[y]!));
  fixed.sort((x, y) => compareText(c.ids[x]!, c.ids[y]!));
  const change = (i: number): ExampleChange => {
    const j = pairing.baseRow[i]!;
    const e = frame.exRowOfCand[i]!;
    return {
      id: c.ids[i]!,
      path: frame.examples.paths[e]!,
      label: classes[c.label[i]!] ?? String(c.label[i]),
      baselinePred: classes[b!.pred[j]!] ?? String(b!.pred[j]),
      candidatePred: classes[c.pred[i]!] ?? String(c.pred[i]),
      candidateConf: c.conf[i]!,
      metadata: frame.examples.metadataOf(e),
    };
  };
  return {
    newlyFailing: failing.slice(0, limit).map(change),
    newlyFixed: fixed.slice(0, limit).map(change),
    counts: { newlyFailing: failing.length, newlyFixed: fixed.length, bothWrong },
  };
}

/** Pinned cases: each id must be present and classified correctly by the candidate. */
export function checkPinned(
  ids: readonly string[],
  candidate: RecordTable,
  classes: readonly string[],
): { id: string; status: 'pass' | 'fail' | 'missing'; label?: string; pred?: string }[] {
  const wanted = new Set(ids);
  const rowOf = new Map<string, number>();
  candidate.ids.forEach((id, i) => {
    if (wanted.has(id)) rowOf.set(id, i);
  });
  return ids.map((id) => {
    const i = rowOf.get(id);
    if (i === undefined) return { id, status: 'missing' as const };
    const label = candidate.label[i]!;
    const pred = candidate.pred[i]!;
    return {
      id,
      status: pred === label ? ('pass' as const) : ('fail' as const),
      label: classes[label] ?? String(label),
      pred: classes[pred] ?? String(pred),
    };
  });
}
