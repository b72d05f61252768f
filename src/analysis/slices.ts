/**
 * Slices: named groups of examples, the unit every comparison and gate is made on. A slice is
 * a conjunction of metadata predicates (or the true class), and holds positions in the
 * report's frame (see frame.ts), never a set of ids.
 */
import type { ExampleTable } from '../tables/examples.js';
import { binIndices } from '../metrics/slice-line.js';
import { compareText } from '../text/compare.js';

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

export interface SliceSpec {
  columns: readonly string[];
  crossings: readonly (readonly string[])[];
  classes: boolean;
  /** Columns sliced by value whatever their number of values (listed in `slices.columns`). */
  asked: ReadonlySet<string>;
  /** More distinct values than this: binned (numeric) or skipped (config `slices.maxValues`). */
  maxValues: number;
  /** Quantile bins of a binned column (config `slices.bins`). */
  bins: number;
  /** Numeric columns binned whatever their number of values (config `slices.bin`). */
  bin: readonly string[];
}

/** How a metadata column was sliced, when not by value. */
export interface ColumnNote {
  column: string;
  /** Distinct values among the evaluated examples. */
  values: number;
  /** `binned` into quantile bins, or `skipped` (too many values, not numeric). */
  how: 'binned' | 'skipped';
  /** Bins made (binned only). */
  bins?: number;
}

/** A column as slices see it: a code per example-table row (0 = missing) into `values`. */
export interface SliceColumn {
  name: string;
  codes: ArrayLike<number>;
  values: readonly string[];
  /** Sort rank of each value (numeric order for numbers, text order otherwise). */
  rank: ArrayLike<number>;
  /** Values are quantile intervals: keys read `size∈[16, 32)`. */
  binned: boolean;
}

/** A finite number written as text (the whole text: "16", "-0.5", "1e3"; not "", "0x10", "16px"). */
export const isNumericText = (v: string) =>
  /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim()) && Number.isFinite(Number(v));

/** `column=value`, or `column∈[lo, hi)` for a quantile bin. */
export const predicateText = (column: string, value: string, binned: boolean) =>
  `${column}${binned ? '∈' : '='}${value}`;

/**
 * Decide how each metadata column is sliced over the examples at `exRows`: by value, binned into
 * quantiles (numeric, too many values or listed in `bin`), or skipped (too many values to keep
 * the multiple-testing correction's power: one test per value). Numbers sort numerically.
 */
export function sliceColumns(
  examples: ExampleTable,
  exRows: ArrayLike<number>,
  names: readonly string[],
  spec: Pick<SliceSpec, 'asked' | 'maxValues' | 'bins' | 'bin'>,
): { columns: Map<string, SliceColumn>; notes: ColumnNote[] } {
  const columns = new Map<string, SliceColumn>();
  const notes: ColumnNote[] = [];
  for (const name of new Set(names)) {
    const c = examples.column(name);
    if (c < 0) continue;
    const m = examples.metadata[c]!;
    const present = new Uint8Array(m.values.length + 1);
    for (let p = 0; p < exRows.length; p++) present[m.codes[exRows[p]!]!] = 1;
    const used = m.values.filter((_, v) => present[v + 1] === 1);
    const numeric = used.length > 0 && used.every(isNumericText);
    const wantBin = spec.bin.includes(name);
    if ((used.length > spec.maxValues && !spec.asked.has(name)) || wantBin) {
      if (!numeric) {
        notes.push({ column: name, values: used.length, how: 'skipped' });
        continue;
      }
      const x = Float64Array.from({ length: exRows.length }, (_, p) => {
        const code = m.codes[exRows[p]!]!;
        return code === 0 ? NaN : Number(m.values[code - 1]);
      });
      const { names: labels, index } = binIndices(x, spec.bins);
      const codes = new Uint32Array(examples.length);
      for (let p = 0; p < exRows.length; p++) codes[exRows[p]!] = index[p]! + 1;
      columns.set(name, {
        name,
        codes,
        values: labels,
        rank: labels.map((_, i) => i),
        binned: true,
      });
      notes.push({ column: name, values: used.length, how: 'binned', bins: labels.length });
      continue;
    }
    const order = m.values.map((_, i) => i);
    if (numeric) order.sort((a, b) => Number(m.values[a]) - Number(m.values[b]) || a - b);
    else order.sort((a, b) => compareText(m.values[a]!, m.values[b]!));
    const rank = new Float64Array(m.values.length);
    order.forEach((v, r) => (rank[v] = r));
    columns.set(name, { name, codes: m.codes, values: m.values, rank, binned: false });
  }
  return { columns, notes };
}

/**
 * Every value of each column, every combination present for each crossing, and each class, over
 * the examples at `exRows` (slice rows are positions in `exRows`). Columns come from
 * {@link sliceColumns}: a skipped column makes no slices, nor any crossing with it.
 */
export function buildSlices(
  examples: ExampleTable,
  exRows: ArrayLike<number>,
  spec: SliceSpec,
): { slices: SliceDef[]; notes: ColumnNote[] } {
  const { columns: prepared, notes } = sliceColumns(
    examples,
    exRows,
    [...spec.columns, ...spec.crossings.flat()],
    spec,
  );
  const slices: SliceDef[] = [];
  const labelOrder = examples.labels.map((_, i) => i);
  labelOrder.sort((a, b) => compareText(examples.labels[a]!, examples.labels[b]!));
  const labelRank = new Float64Array(examples.labels.length);
  labelOrder.forEach((v, r) => (labelRank[v] = r));
  const group = (kind: SliceDef['kind'], columns: readonly string[]) => {
    // A column no example has (or one skipped) makes no slices.
    if (kind !== 'class' && columns.some((c) => !prepared.has(c))) return;
    const cols = columns.map((c) => {
      // Label code c is labels[c]; metadata code 0 is "missing" and c is values[c − 1].
      if (kind === 'class')
        return {
          codes: examples.labelCodes,
          values: examples.labels,
          offset: 0,
          rank: labelRank,
          binned: false,
        };
      const m = prepared.get(c)!;
      return { codes: m.codes, values: m.values, offset: 1, rank: m.rank, binned: m.binned };
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
    const made: { def: SliceDef; ranks: number[] }[] = [];
    for (const { rows: list } of counts.values()) {
      const e = exRows[list[0]!]!;
      const codes = cols.map((col) => col.codes[e]! - col.offset);
      const predicates = columns.map((c, k) => ({ column: c, value: cols[k]!.values[codes[k]!]! }));
      const key = predicates
        .map((p, k) => predicateText(p.column, p.value, cols[k]!.binned))
        .join(' & ');
      made.push({
        def: { key, kind, predicates, rows: list },
        ranks: codes.map((v, k) => cols[k]!.rank[v]!),
      });
    }
    // Numbers in numeric order (16, 22, 128), text in text order.
    made.sort((a, b) => {
      for (let k = 0; k < a.ranks.length; k++) {
        const d = a.ranks[k]! - b.ranks[k]!;
        if (d !== 0) return d;
      }
      return 0;
    });
    slices.push(...made.map((m) => m.def));
  };
  for (const c of spec.columns) group('column', [c]);
  for (const cross of spec.crossings) group('crossing', cross);
  if (spec.classes) group('class', [CLASS_COLUMN]);
  return { slices, notes };
}

/**
 * Slices with exactly the same examples are one test: each slice after the first of its kind is
 * mapped to the key it repeats, and one equal to the whole frame to `overall` (a column with one
 * value on every example, such as `has_alpha=true`, is the overall comparison again).
 */
export function sameExamples(
  slices: readonly Pick<SliceDef, 'key' | 'rows'>[],
  total: number,
): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Map<string, Pick<SliceDef, 'key' | 'rows'>[]>();
  for (const s of slices) {
    if (s.rows.length === total) {
      out.set(s.key, 'overall');
      continue;
    }
    // FNV-1a over the rows: a cheap bucket, then an exact comparison within it.
    let h = 0x811c9dc5;
    for (const r of s.rows) h = Math.imul(h ^ r, 0x01000193) >>> 0;
    const bucketKey = `${s.rows.length}:${h}`;
    const bucket = seen.get(bucketKey) ?? [];
    const twin = bucket.find(
      (o) => o.rows.length === s.rows.length && o.rows.every((r, i) => r === s.rows[i]),
    );
    if (twin) out.set(s.key, twin.key);
    else {
      bucket.push(s);
      seen.set(bucketKey, bucket);
    }
  }
  return out;
}
