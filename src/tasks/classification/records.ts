/**
 * Prediction records stored by column. Everything after inference reads records, and there is
 * one per (model, variant, example): kept as objects (with a 64-character hex hash each) they
 * were ~300 bytes per record and made peak memory grow with the dataset. A {@link RecordTable}
 * holds the records of one (model, variant) in typed-array columns (~80 bytes per record) and
 * a {@link RecordSet} holds the tables in canonical order. {@link PredictionRecord} objects are
 * made only at the edges (records.jsonl lines, small suites) and never all at once.
 */
import type { RecordColumns } from '../metrics/classification.js';
import { indexOfIds } from './examples.js';
import type { ModelRole, PredictionRecord, VariantName } from '../types.js';

const HEX = /^[0-9a-f]{64}$/;

/**
 * Content hashes by row: a sha256 hex string is kept as its 32 raw bytes (hex only when read);
 * any other string (tests, hand-made records) is kept as it is, so every value round-trips.
 */
export class HashColumn {
  private bytes: Uint8Array;
  private other: Map<number, string> | undefined;
  /** Set for a view: row i is row `rows[i]` of `source`. */
  private rows: Uint32Array | undefined;
  private source: HashColumn | undefined;

  constructor(capacity = 0) {
    this.bytes = new Uint8Array(Math.max(1, capacity) * 32);
  }

  /**
   * Rows `rows` of `source`, without copying: the records of each model share their examples'
   * hashes (4 bytes per record instead of 32). Read-only.
   */
  static view(source: HashColumn, rows: Uint32Array): HashColumn {
    const v = new HashColumn(0);
    v.bytes = new Uint8Array(0);
    v.rows = rows;
    v.source = source;
    return v;
  }

  /** Store `hash` at row `i` (the column grows as needed). */
  set(i: number, hash: string): void {
    this.writable();
    if (HEX.test(hash)) {
      this.reserve(i + 1);
      this.bytes.set(Buffer.from(hash, 'hex'), i * 32);
      this.other?.delete(i);
    } else {
      (this.other ??= new Map()).set(i, hash);
    }
  }

  /** Store raw sha256 bytes at row `i`. */
  setBytes(i: number, digest: Uint8Array): void {
    this.writable();
    this.reserve(i + 1);
    this.bytes.set(digest, i * 32);
    this.other?.delete(i);
  }

  get(i: number): string {
    const [c, r] = this.resolve(i);
    const odd = c.other?.get(r);
    if (odd !== undefined) return odd;
    return Buffer.from(c.bytes.buffer, c.bytes.byteOffset + r * 32, 32).toString('hex');
  }

  /** Same hash at row `i` here and row `j` of `other`, without making strings. */
  equals(i: number, other: HashColumn, j: number): boolean {
    const [x, a] = this.resolve(i);
    const [y, b] = other.resolve(j);
    const oddA = x.other?.get(a);
    const oddB = y.other?.get(b);
    if (oddA !== undefined || oddB !== undefined) return oddA === oddB;
    for (let t = 0; t < 32; t++) if (x.bytes[a * 32 + t] !== y.bytes[b * 32 + t]) return false;
    return true;
  }

  /** Copy row `j` of `from` into row `i`. */
  copyFrom(i: number, from: HashColumn, j: number): void {
    const [c, r] = from.resolve(j);
    const odd = c.other?.get(r);
    if (odd !== undefined) {
      this.writable();
      (this.other ??= new Map()).set(i, odd);
    } else this.setBytes(i, c.bytes.subarray(r * 32, r * 32 + 32));
  }

  /** Keep the first `n` rows only (releases the spare capacity). */
  trim(n: number): void {
    if (!this.rows && this.bytes.length !== n * 32) this.bytes = this.bytes.slice(0, n * 32);
  }

  /** The column and row that hold row `i`. */
  private resolve(i: number): [HashColumn, number] {
    return this.rows ? this.source!.resolve(this.rows[i]!) : [this, i];
  }

  private writable(): void {
    if (this.rows) throw new Error('a hash column view is read-only');
  }

  private reserve(n: number): void {
    if (this.bytes.length >= n * 32) return;
    const grown = new Uint8Array(Math.max(n * 32, this.bytes.length * 2));
    grown.set(this.bytes);
    this.bytes = grown;
  }
}

function grow<T extends Int32Array | Float64Array>(a: T, n: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2, 16));
  b.set(a);
  return b;
}

/**
 * What every record table offers code that does not read predictions: which model and variant
 * its records belong to, the example id and image hash of each row, and row selection. Pairing,
 * merging, reuse and records I/O work on this; the columns that hold predictions are the task's.
 */
export interface RecordTableCore {
  readonly model: ModelRole;
  readonly variant: VariantName;
  readonly ids: readonly string[];
  readonly hashes: HashColumn;
  readonly length: number;
  /** Row index of each id. */
  indexById(): Map<string, number>;
}

/** The records of one model on one variant, by column. Build with {@link RecordTableBuilder}. */
export class RecordTable implements RecordColumns, RecordTableCore {
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

  /** A table of the rows `rows` (in that order), for another role when given. */
  select(rows: ArrayLike<number>, model: ModelRole = this.model): RecordTable {
    const b = new RecordTableBuilder(model, this.variant, rows.length);
    for (let t = 0; t < rows.length; t++) b.copyRow(this, rows[t]!);
    return b.finish();
  }

  /** Row index of each id (a Map of this table's size: use where lookups by id are needed). */
  indexById(): Map<string, number> {
    return indexOfIds(this.ids);
  }
}

/** Appends records to the columns of one (model, variant); `finish` trims the spare capacity. */
export class RecordTableBuilder {
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
  copyRow(from: RecordTable, j: number): void {
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

  finish(): RecordTable {
    const n = this.n;
    this.hashes.trim(n);
    const cut = <T extends Int32Array | Float64Array | Uint32Array>(a: T): T =>
      a.length === n ? a : (a.slice(0, n) as T);
    return new RecordTable(
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

/**
 * All records of a run or a result folder: one table per (model, variant), in the order the
 * tables were added (a run adds them in canonical order: candidate first, then variant order).
 */
export class RecordSet {
  readonly tables: readonly RecordTable[];

  constructor(tables: readonly RecordTable[] = []) {
    this.tables = tables.filter((t) => t.length > 0);
  }

  /** Group record objects by (model, variant), keeping their order within each group. */
  static from(records: Iterable<PredictionRecord>): RecordSet {
    const builders = new Map<string, RecordTableBuilder>();
    for (const r of records) {
      const key = `${r.model}\u0000${r.variant}`;
      let b = builders.get(key);
      if (!b) builders.set(key, (b = new RecordTableBuilder(r.model, r.variant)));
      b.push(r);
    }
    return new RecordSet([...builders.values()].map((b) => b.finish()));
  }

  /** Number of records. */
  get size(): number {
    return this.tables.reduce((n, t) => n + t.length, 0);
  }

  /** The table of one model and variant, if any record has them. */
  table(model: ModelRole, variant: VariantName): RecordTable | undefined {
    return this.tables.find((t) => t.model === model && t.variant === variant);
  }

  /** Only the tables of one model. */
  ofModel(model: ModelRole): RecordSet {
    return new RecordSet(this.tables.filter((t) => t.model === model));
  }

  /** Record objects, one at a time, table by table. */
  *records(): Generator<PredictionRecord> {
    for (const t of this.tables) for (let i = 0; i < t.length; i++) yield t.at(i);
  }

  /** Record objects of the examples in `ids` only (a robustness sample, a few pinned cases). */
  recordsOf(ids: ReadonlySet<string>): PredictionRecord[] {
    const out: PredictionRecord[] = [];
    for (const t of this.tables)
      for (let i = 0; i < t.length; i++) if (ids.has(t.ids[i]!)) out.push(t.at(i));
    return out;
  }
}
