/**
 * Slices: named groups of examples, the unit every comparison and gate is made on. A slice is
 * a conjunction of metadata predicates (or the true class), and holds positions in the
 * report's frame (see frame.ts), never a set of ids.
 */
import type { ExampleTable } from '../tables/examples.js';
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
