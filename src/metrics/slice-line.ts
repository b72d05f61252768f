/**
 * SliceLine: find the top-k data slices (conjunctions of feature = value predicates) where a
 * model's error is much higher than average.
 *
 * Source: S. Sagadeeva and M. Boehm, "SliceLine: Fast, Linear-Algebra-based Slice Finding for ML
 * Model Debugging", SIGMOD 2021. We keep the paper's problem, scoring function, lattice
 * enumeration and pruning rules, but evaluate slices with row lists and group-by passes instead
 * of the paper's sparse-matrix formulation (same results, simpler in TypeScript).
 *
 * Score of a slice S of size |S| with mean error ē_S, on n rows of mean error ē:
 *   sc(S) = α·(ē_S/ē − 1) − (1 − α)·(n/|S| − 1)
 * (α = 1 ranks by error alone, smaller α favours larger slices). Positive means "worse than
 * average by more than its size penalty"; only slices with sc > 0 and |S| ≥ minSupport are
 * returned.
 *
 * Enumeration is level-wise (level L = conjunctions of L predicates on L distinct features),
 * like Apriori: a level-(L+1) candidate is generated only if all of its L+1 parents (drop one
 * predicate) survived level L. Pruning (paper §3.2):
 *  - size: a slice with |S| < minSupport cannot have descendants with enough support;
 *  - error: a slice with zero error sum has only zero-error descendants (score < 0);
 *  - score: with ss, se, sm = min over the parents of size, error sum and max row error, every
 *    descendant has size ≤ ss, error sum ≤ se, max error ≤ sm, so its score is at most
 *      ub = max over s ∈ [minSupport, ss] of α·(min(se, s·sm)/(s·ē) − 1) − (1 − α)·(n/s − 1),
 *    and since the function of s is monotone between its breakpoints the maximum is at one of
 *    s = minSupport, s = clamp(se/sm) or s = ss. A candidate whose ub cannot beat the current
 *    k-th best score (or 0) is not evaluated. The same bound applied to an evaluated slice's own
 *    statistics decides whether it is kept as a parent for the next level.
 * Pruning never changes the result (the unit tests compare with brute force).
 *
 * Deterministic order: score descending, then size descending, then fewer predicates, then the
 * predicates compared feature by feature (feature order of `options.features`, else sorted
 * names; values by code unit order).
 */

/** Options of {@link sliceLine}. */
export interface SliceLineOptions {
  /** Number of slices to return. Default 5. */
  k?: number;
  /** Maximum number of predicates per slice (lattice level). Default 3. */
  maxLevel?: number;
  /** Minimum number of rows of a returned slice (σ in the paper). Default 32. */
  minSupport?: number;
  /**
   * Weight of the error term in the score, in (0, 1]. Default 0.95: the paper's experiments use
   * high values so that small slices with much higher error can score above 0 (with α = 0.5 a
   * slice of 1/16 of the rows needs ē_S > 16·ē).
   */
  alpha?: number;
  /** Features (columns) to slice on, in this order. Default: all keys of the rows, sorted. */
  features?: readonly string[];
}

/** One predicate `feature = value`. */
export interface SlicePredicate {
  feature: string;
  value: string;
}

/** A slice and its statistics. */
export interface Slice {
  /** Conjunction of predicates, in feature order. */
  predicates: SlicePredicate[];
  /** Number of rows in the slice. */
  size: number;
  /** Σ of row errors in the slice. */
  errorSum: number;
  /** errorSum / size. */
  meanError: number;
  /** Largest row error in the slice. */
  maxError: number;
  /** sc(S), see the module comment. */
  score: number;
}

/** Work done at one lattice level. */
export interface SliceLineLevelStats {
  level: number;
  /** Candidates generated from surviving parents (for level 1: all feature values). */
  candidates: number;
  /** Candidates whose rows were scanned (not pruned by the score bound). */
  evaluated: number;
  /** Evaluated slices kept as parents for the next level. */
  kept: number;
}

/** Result of {@link sliceLine}. */
export interface SliceLineResult {
  /** Up to k slices with score > 0, best first. */
  slices: Slice[];
  /** Number of rows. */
  n: number;
  /** Mean error ē over all rows. */
  averageError: number;
  levels: SliceLineLevelStats[];
}

/** Rows of categorical values; a missing or undefined value never matches a predicate. */
export type SliceRow = Readonly<Record<string, string | undefined>>;

interface Node {
  /** Pairs (feature index, value code), sorted by feature index. */
  preds: Int32Array;
  size: number;
  errorSum: number;
  maxError: number;
  /** Row indices, ascending; only kept when the node may be a parent. */
  rows: Int32Array | undefined;
}

/**
 * Rows already encoded by feature: for feature f, `values[f]` in code unit order and
 * `codes[f][row]` the index of the row's value in it, or −1 for missing. What
 * {@link sliceLine} makes of row objects; callers with columnar data pass it to
 * {@link sliceLineEncoded} directly.
 */
export interface EncodedRows {
  features: readonly string[];
  values: readonly (readonly string[])[];
  codes: readonly Int32Array[];
}

type Encoded = EncodedRows;

function encode(rows: readonly SliceRow[], features: readonly string[] | undefined): Encoded {
  let names: string[];
  if (features !== undefined) {
    names = [...features];
  } else {
    const seen = new Set<string>();
    for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
    names = [...seen].sort(compareStrings);
  }
  const values: string[][] = [];
  const codes: Int32Array[] = [];
  for (const name of names) {
    const distinct = new Set<string>();
    for (const row of rows) {
      const v = row[name];
      if (v !== undefined) distinct.add(v);
    }
    const sorted = [...distinct].sort(compareStrings);
    const index = new Map(sorted.map((v, i) => [v, i]));
    const col = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const v = (rows[i] as SliceRow)[name];
      col[i] = v === undefined ? -1 : (index.get(v) as number);
    }
    values.push(sorted);
    codes.push(col);
  }
  return { features: names, values, codes };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Key of a predicate set, for parent look-ups. */
function keyOf(preds: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < preds.length; i += 2) s += `${preds[i]}:${preds[i + 1]},`;
  return s;
}

/**
 * Deterministic slice order: score desc, size desc, fewer predicates, then predicates by
 * (feature index, value code) ascending. Value codes follow sorted value strings, so this is
 * the documented order.
 */
function compareNodes(a: Node & { score: number }, b: Node & { score: number }): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.size !== b.size) return b.size - a.size;
  if (a.preds.length !== b.preds.length) return a.preds.length - b.preds.length;
  for (let i = 0; i < a.preds.length; i++) {
    const d = (a.preds[i] as number) - (b.preds[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Find the top-k slices of rows where errors are high, with SliceLine's scoring and pruning.
 *
 * @param rows categorical feature values per row (bin numeric features first, see {@link binNumeric})
 * @param errors per-row error, finite and ≥ 0 (typically 0/1 misclassification, or 1 − pTrue)
 */
export function sliceLine(
  rows: readonly SliceRow[],
  errors: ArrayLike<number>,
  options: SliceLineOptions = {},
): SliceLineResult {
  return sliceLineEncoded(() => encode(rows, options.features), rows.length, errors, options);
}

/**
 * {@link sliceLine} on encoded rows (`encoded` is called only when there is something to
 * search). Value codes must follow code unit order of the values, as {@link sliceLine}'s own
 * encoding does, so both give the same slices in the same order; `options.features` is ignored.
 */
export function sliceLineEncoded(
  encoded: EncodedRows | (() => EncodedRows),
  n: number,
  errors: ArrayLike<number>,
  options: SliceLineOptions = {},
): SliceLineResult {
  const { k = 5, maxLevel = 3, minSupport = 32, alpha = 0.95 } = options;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!Number.isInteger(maxLevel) || maxLevel < 1) {
    throw new RangeError(`maxLevel must be a positive integer, got ${maxLevel}`);
  }
  if (!(minSupport >= 1)) throw new RangeError(`minSupport must be ≥ 1, got ${minSupport}`);
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  if (errors.length !== n)
    throw new RangeError(`errors has length ${errors.length}, rows has ${n}`);
  const e = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = errors[i] as number;
    if (!(v >= 0) || !Number.isFinite(v))
      throw new RangeError(`error of row ${i} must be finite and ≥ 0, got ${v}`);
    e[i] = v;
    total += v;
  }
  const averageError = n === 0 ? NaN : total / n;
  const levels: SliceLineLevelStats[] = [];
  if (n === 0 || total === 0) return { slices: [], n, averageError, levels };

  const { features, values, codes } = typeof encoded === 'function' ? encoded() : encoded;
  const m = features.length;

  const score = (size: number, errorSum: number): number =>
    alpha * (errorSum / size / averageError - 1) - (1 - alpha) * (n / size - 1);
  // Upper bound of the score of any slice with size ≤ ss, error sum ≤ se, max row error ≤ sm.
  const upperBound = (ss: number, se: number, sm: number): number => {
    if (ss < minSupport || se <= 0) return -Infinity;
    const f = (s: number): number =>
      alpha * (Math.min(se, s * sm) / (s * averageError) - 1) - (1 - alpha) * (n / s - 1);
    const knee = Math.min(ss, Math.max(minSupport, se / sm));
    return Math.max(f(minSupport), f(knee), f(ss));
  };

  type Scored = Node & { score: number };
  const top: Scored[] = [];
  // Scores are compared with a little slack so float rounding between a bound and the exact
  // score never prunes a slice that ties the k-th (the tie-break could rank it higher).
  const slack = 1e-9;
  const threshold = (): number => {
    const floor = top.length < k ? 0 : Math.max(0, (top[k - 1] as Scored).score);
    return floor - slack * Math.max(1, Math.abs(floor));
  };
  const offer = (node: Node): number => {
    const s = score(node.size, node.errorSum);
    if (node.size >= minSupport && s > 0) {
      const scored: Scored = { ...node, rows: undefined, score: s };
      if (top.length < k || compareNodes(scored, top[k - 1] as Scored) < 0) {
        let at = top.length;
        while (at > 0 && compareNodes(scored, top[at - 1] as Scored) < 0) at--;
        top.splice(at, 0, scored);
        if (top.length > k) top.pop();
      }
    }
    return s;
  };
  const keepAsParent = (node: Node): boolean =>
    node.size >= minSupport &&
    node.errorSum > 0 &&
    upperBound(node.size, node.errorSum, node.maxError) >= threshold();

  // Level 1: one group-by pass per feature.
  let current: Node[] = [];
  {
    let candidates = 0;
    let kept = 0;
    for (let f = 0; f < m; f++) {
      const card = (values[f] as readonly string[]).length;
      const col = codes[f] as Int32Array;
      const { size, sum, max } = groupBy(col, card, e, undefined);
      candidates += card;
      const keepRows: boolean[] = [];
      const nodes: Node[] = [];
      for (let v = 0; v < card; v++) {
        const node: Node = {
          preds: Int32Array.of(f, v),
          size: size[v] as number,
          errorSum: sum[v] as number,
          maxError: max[v] as number,
          rows: undefined,
        };
        if (node.size > 0) offer(node);
        nodes.push(node);
        keepRows.push(maxLevel > 1 && keepAsParent(node));
      }
      if (keepRows.some(Boolean)) {
        const lists = scatter(col, undefined, size, keepRows);
        for (let v = 0; v < card; v++) {
          if (keepRows[v]) {
            const node = nodes[v] as Node;
            node.rows = lists[v];
            current.push(node);
            kept++;
          }
        }
      }
    }
    levels.push({ level: 1, candidates, evaluated: candidates, kept });
  }

  for (let level = 2; level <= maxLevel && current.length > 0; level++) {
    const index = new Map<string, Node>();
    for (const node of current) index.set(keyOf(node.preds), node);
    const next: Node[] = [];
    let candidates = 0;
    let evaluated = 0;
    const parentKey = new Int32Array(2 * (level - 1));
    for (const parent of current) {
      const lastFeature = parent.preds[parent.preds.length - 2] as number;
      for (let f = lastFeature + 1; f < m; f++) {
        const card = (values[f] as readonly string[]).length;
        // Candidate parent ∧ (f = v) for each v: all other parents must have survived.
        const bounds = new Float64Array(card).fill(-Infinity);
        let any = false;
        for (let v = 0; v < card; v++) {
          let ss = parent.size;
          let se = parent.errorSum;
          let sm = parent.maxError;
          let complete = true;
          // The other parents drop one of parent's predicates and add (f, v) at the end.
          for (let drop = 0; drop < level - 1 && complete; drop++) {
            let w = 0;
            for (let p = 0; p < level - 1; p++) {
              if (p === drop) continue;
              parentKey[w++] = parent.preds[2 * p] as number;
              parentKey[w++] = parent.preds[2 * p + 1] as number;
            }
            parentKey[w++] = f;
            parentKey[w++] = v;
            const other = index.get(keyOf(parentKey));
            if (other === undefined) complete = false;
            else {
              ss = Math.min(ss, other.size);
              se = Math.min(se, other.errorSum);
              sm = Math.min(sm, other.maxError);
            }
          }
          if (!complete) continue;
          candidates++;
          const ub = upperBound(ss, se, sm);
          if (ub >= threshold()) {
            bounds[v] = ub;
            any = true;
          }
        }
        if (!any) continue;
        const rows = parent.rows as Int32Array;
        const col = codes[f] as Int32Array;
        const { size, sum, max } = groupBy(col, card, e, rows);
        const keepRows: boolean[] = [];
        const nodes: (Node | undefined)[] = [];
        for (let v = 0; v < card; v++) {
          if ((bounds[v] as number) === -Infinity) {
            keepRows.push(false);
            nodes.push(undefined);
            continue;
          }
          evaluated++;
          const preds = new Int32Array(parent.preds.length + 2);
          preds.set(parent.preds);
          preds[parent.preds.length] = f;
          preds[parent.preds.length + 1] = v;
          const node: Node = {
            preds,
            size: size[v] as number,
            errorSum: sum[v] as number,
            maxError: max[v] as number,
            rows: undefined,
          };
          if (node.size > 0) offer(node);
          nodes.push(node);
          keepRows.push(level < maxLevel && keepAsParent(node));
        }
        if (keepRows.some(Boolean)) {
          const lists = scatter(col, rows, size, keepRows);
          for (let v = 0; v < card; v++) {
            if (keepRows[v]) {
              const node = nodes[v] as Node;
              node.rows = lists[v];
              next.push(node);
            }
          }
        }
      }
    }
    levels.push({ level, candidates, evaluated, kept: next.length });
    current = next;
  }

  const slices: Slice[] = top.map((node) => {
    const predicates: SlicePredicate[] = [];
    for (let i = 0; i < node.preds.length; i += 2) {
      const f = node.preds[i] as number;
      predicates.push({
        feature: features[f] as string,
        value: (values[f] as readonly string[])[node.preds[i + 1] as number] as string,
      });
    }
    return {
      predicates,
      size: node.size,
      errorSum: node.errorSum,
      meanError: node.errorSum / node.size,
      maxError: node.maxError,
      score: node.score,
    };
  });
  return { slices, n, averageError, levels };
}

/** Per-value size, error sum and max error of the rows `rows` (all rows when undefined). */
function groupBy(
  col: Int32Array,
  card: number,
  e: Float64Array,
  rows: Int32Array | undefined,
): { size: Float64Array; sum: Float64Array; max: Float64Array } {
  const size = new Float64Array(card);
  const sum = new Float64Array(card);
  const max = new Float64Array(card);
  const count = rows === undefined ? col.length : rows.length;
  for (let t = 0; t < count; t++) {
    const i = rows === undefined ? t : (rows[t] as number);
    const v = col[i] as number;
    if (v < 0) continue;
    const err = e[i] as number;
    size[v] = (size[v] as number) + 1;
    sum[v] = (sum[v] as number) + err;
    if (err > (max[v] as number)) max[v] = err;
  }
  return { size, sum, max };
}

/** Row lists per value (ascending), for the values flagged in `want`. */
function scatter(
  col: Int32Array,
  rows: Int32Array | undefined,
  size: Float64Array,
  want: readonly boolean[],
): (Int32Array | undefined)[] {
  const lists = want.map((w, v) => (w ? new Int32Array(size[v] as number) : undefined));
  const fill = new Int32Array(want.length);
  const count = rows === undefined ? col.length : rows.length;
  for (let t = 0; t < count; t++) {
    const i = rows === undefined ? t : (rows[t] as number);
    const v = col[i] as number;
    if (v < 0) continue;
    const list = lists[v];
    if (list !== undefined) {
      const at = fill[v] as number;
      list[at] = i;
      fill[v] = at + 1;
    }
  }
  return lists;
}

/** Result of {@link binNumeric}. */
export interface NumericBins {
  /** Bin label per input value (`[lo, hi)`, the last bin `[lo, hi]`); undefined for NaN/missing. */
  labels: (string | undefined)[];
  /** Increasing bin edges; bin i is [edges[i], edges[i+1]) (the last one closed). */
  edges: number[];
}

/**
 * Quantile bins for a numeric feature, so SliceLine can slice on it: edges at the j/bins
 * quantiles (linear interpolation, Hyndman & Fan type 7) of the finite values, duplicates merged
 * (so heavy ties give fewer bins). Non-finite or missing values get no label.
 */
export function binNumeric(
  values: readonly (number | null | undefined)[],
  bins: number,
): NumericBins {
  const { names, index, edges } = binIndices(values, bins);
  return { labels: values.map((_, i) => names[index[i]!]), edges };
}

/**
 * {@link binNumeric} without a label per value: the bin names, and each value's bin as an index
 * into them (−1 for NaN or missing), for callers that keep columns of many values.
 */
export function binIndices(
  values: ArrayLike<number | null | undefined>,
  bins: number,
): { names: string[]; index: Int32Array; edges: number[] } {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const isFinite = (v: number | null | undefined): v is number =>
    typeof v === 'number' && Number.isFinite(v);
  let count = 0;
  for (let i = 0; i < values.length; i++) if (isFinite(values[i])) count++;
  const finite = new Float64Array(count);
  for (let i = 0, j = 0; i < values.length; i++) {
    const v = values[i];
    if (isFinite(v)) finite[j++] = v;
  }
  finite.sort();
  const index = new Int32Array(values.length).fill(-1);
  if (finite.length === 0) return { names: [], index, edges: [] };
  const edges: number[] = [];
  for (let j = 0; j <= bins; j++) {
    const h = ((finite.length - 1) * j) / bins;
    const lo = Math.floor(h);
    const a = finite[lo] as number;
    const b = finite[Math.min(finite.length - 1, lo + 1)] as number;
    const q = j === bins ? (finite[finite.length - 1] as number) : a + (h - lo) * (b - a);
    if (edges.length === 0 || q > (edges[edges.length - 1] as number)) edges.push(q);
  }
  if (edges.length === 1) {
    const [text] = formatEdges(edges);
    for (let i = 0; i < values.length; i++) if (isFinite(values[i])) index[i] = 0;
    return { names: [`[${text}, ${text}]`], index, edges };
  }
  const last = edges.length - 2;
  const text = formatEdges(edges);
  const names = edges
    .slice(0, -1)
    .map((_, i) => `[${text[i]}, ${text[i + 1]}${i === last ? ']' : ')'}`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isFinite(v)) continue;
    // Largest i with edges[i] ≤ v, capped at the last bin.
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((edges[mid] as number) <= v) lo = mid;
      else hi = mid - 1;
    }
    index[i] = lo;
  }
  return { names, index, edges };
}

/**
 * Edge labels with 4 significant digits, or more where needed to keep distinct edges distinct
 * (two bins must never share a label, or SliceLine would merge them).
 */
function formatEdges(edges: readonly number[]): string[] {
  for (let digits = 4; digits < 17; digits++) {
    const text = edges.map((x) => String(Number(x.toPrecision(digits))));
    if (new Set(text).size === text.length) return text;
  }
  return edges.map(String);
}
