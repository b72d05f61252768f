/**
 * Classification records by column: one row per (model, variant, example) with the sufficient
 * statistics of one class prediction (see {@link PredictionRecord}), and their records.jsonl
 * lines. ~48 bytes per record plus the id reference; {@link PredictionRecord} objects are made
 * one at a time at the edges.
 */
import type { ClassificationRecord, RecordColumns } from '../../metrics/classification.js';
import { indexOfIds } from '../../tables/examples.js';
import { HashColumn, type RecordTableCore } from '../../tables/records.js';
import type { ModelRole, VariantName } from '../../types.js';

/**
 * One prediction of one model on one variant of one example. Compact sufficient statistics:
 * accuracy, top-k, confusion, ECE and Brier are all computable from these fields alone.
 */
export interface PredictionRecord extends ClassificationRecord {
  id: string;
  /** sha256 (hex) of the image file bytes: a changed image is never compared to an old record. */
  hash: string;
  model: ModelRole;
  variant: VariantName;
  /** Full probability vector: clean variant only, and only when a suite asks for scores. */
  probs?: number[];
}

function grow<T extends Int32Array | Float64Array>(a: T, n: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2, 16));
  b.set(a);
  return b;
}

/** The records of one model on one variant, by column. Build with {@link ClassificationTableBuilder}. */
export class ClassificationTable implements RecordColumns, RecordTableCore {
  constructor(
    readonly model: ModelRole,
    readonly variant: VariantName,
    readonly ids: readonly string[],
    readonly hashes: HashColumn,
    readonly label: Int32Array,
    readonly pred: Int32Array,
    readonly rank: Int32Array,
    readonly conf: Float64Array,
    readonly pTrue: Float64Array,
    readonly sumSq: Float64Array,
    /** Full probability vectors where kept (label-issue check); undefined elsewhere. */
    readonly probs: readonly (Float64Array | undefined)[] | undefined,
  ) {}

  get length(): number {
    return this.ids.length;
  }

  /** Row `i` as a record object (for a records.jsonl line or a small suite). */
  at(i: number): PredictionRecord {
    const r: PredictionRecord = {
      id: this.ids[i]!,
      hash: this.hashes.get(i),
      model: this.model,
      variant: this.variant,
      label: this.label[i]!,
      pred: this.pred[i]!,
      conf: this.conf[i]!,
      pTrue: this.pTrue[i]!,
      rank: this.rank[i]!,
      sumSq: this.sumSq[i]!,
    };
    const p = this.probs?.[i];
    if (p) r.probs = Array.from(p);
    return r;
  }

  /** Row index of each id (a Map of this table's size: use where lookups by id are needed). */
  indexById(): Map<string, number> {
    return indexOfIds(this.ids);
  }

  /** records.jsonl lines: each row as a {@link PredictionRecord} object, one at a time. */
  *lines(): Generator<string> {
    for (let i = 0; i < this.length; i++) yield `${JSON.stringify(this.at(i))}\n`;
  }
}

/** Appends records to the columns of one (model, variant); `finish` trims the spare capacity. */
export class ClassificationTableBuilder {
  private n = 0;
  private ids: string[] = [];
  private hashes: HashColumn;
  private label: Int32Array;
  private pred: Int32Array;
  private rank: Int32Array;
  private conf: Float64Array;
  private pTrue: Float64Array;
  private sumSq: Float64Array;
  private probs: (Float64Array | undefined)[] | undefined;
  /** With a hash source: the source row of each record's hash. */
  private hashRows: Uint32Array | undefined;

  /**
   * `hashSource`: records take their hash from this column (give the row to {@link push})
   * instead of holding a copy, as the evaluation pass does with its per-example hashes.
   */
  constructor(
    readonly model: ModelRole,
    readonly variant: VariantName,
    capacity = 16,
    private readonly hashSource?: HashColumn,
  ) {
    const c = Math.max(1, capacity);
    this.hashes = new HashColumn(hashSource ? 0 : c);
    if (hashSource) this.hashRows = new Uint32Array(c);
    this.label = new Int32Array(c);
    this.pred = new Int32Array(c);
    this.rank = new Int32Array(c);
    this.conf = new Float64Array(c);
    this.pTrue = new Float64Array(c);
    this.sumSq = new Float64Array(c);
  }

  get length(): number {
    return this.n;
  }

  /**
   * Append one record (its model and variant are this builder's). With a hash source, `hashRow`
   * is the row of its hash there (and `r.hash` is not stored).
   */
  push(
    r: Omit<PredictionRecord, 'model' | 'variant' | 'probs'> & { probs?: ArrayLike<number> },
    hashRow?: number,
  ): void {
    const i = this.reserve();
    this.ids.push(r.id);
    if (this.hashRows) {
      if (hashRow === undefined) throw new Error('push needs the hash row with a hash source');
      this.hashRows[i] = hashRow;
    } else this.hashes.set(i, r.hash);
    this.label[i] = r.label;
    this.pred[i] = r.pred;
    this.rank[i] = r.rank;
    this.conf[i] = r.conf;
    this.pTrue[i] = r.pTrue;
    this.sumSq[i] = r.sumSq;
    if (r.probs !== undefined) {
      this.probs ??= new Array<Float64Array | undefined>(i).fill(undefined);
      this.probs[i] = Float64Array.from(r.probs);
    } else this.probs?.push(undefined);
  }

  /** Append row `j` of `from`. */
  copyRow(from: ClassificationTable, j: number): void {
    if (this.hashRows) throw new Error('copyRow needs a builder without a hash source');
    const i = this.reserve();
    this.ids.push(from.ids[j]!);
    this.hashes.copyFrom(i, from.hashes, j);
    this.label[i] = from.label[j]!;
    this.pred[i] = from.pred[j]!;
    this.rank[i] = from.rank[j]!;
    this.conf[i] = from.conf[j]!;
    this.pTrue[i] = from.pTrue[j]!;
    this.sumSq[i] = from.sumSq[j]!;
    const p = from.probs?.[j];
    if (p !== undefined) {
      this.probs ??= new Array<Float64Array | undefined>(i).fill(undefined);
      this.probs[i] = p;
    } else this.probs?.push(undefined);
  }

  finish(): ClassificationTable {
    const n = this.n;
    this.hashes.trim(n);
    const cut = <T extends Int32Array | Float64Array | Uint32Array>(a: T): T =>
      a.length === n ? a : (a.slice(0, n) as T);
    return new ClassificationTable(
      this.model,
      this.variant,
      this.ids,
      this.hashRows ? HashColumn.view(this.hashSource!, cut(this.hashRows)) : this.hashes,
      cut(this.label),
      cut(this.pred),
      cut(this.rank),
      cut(this.conf),
      cut(this.pTrue),
      cut(this.sumSq),
      this.probs,
    );
  }

  private reserve(): number {
    const i = this.n++;
    if (i >= this.label.length) {
      this.label = grow(this.label, i + 1);
      this.pred = grow(this.pred, i + 1);
      this.rank = grow(this.rank, i + 1);
      this.conf = grow(this.conf, i + 1);
      this.pTrue = grow(this.pTrue, i + 1);
      this.sumSq = grow(this.sumSq, i + 1);
      if (this.hashRows) {
        const rows = new Uint32Array(this.label.length);
        rows.set(this.hashRows);
        this.hashRows = rows;
      }
    }
    return i;
  }
}

/** A parsed records.jsonl line as a classification record, or undefined when it is not one. */
export function parseRecord(value: unknown): PredictionRecord | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as Record<string, unknown>;
  const ok =
    typeof r.id === 'string' &&
    typeof r.hash === 'string' &&
    (r.model === 'candidate' || r.model === 'baseline') &&
    typeof r.variant === 'string' &&
    Number.isInteger(r.label) &&
    Number.isInteger(r.pred) &&
    typeof r.conf === 'number' &&
    typeof r.pTrue === 'number' &&
    Number.isInteger(r.rank) &&
    typeof r.sumSq === 'number' &&
    (r.probs === undefined || Array.isArray(r.probs));
  return ok ? (value as PredictionRecord) : undefined;
}
