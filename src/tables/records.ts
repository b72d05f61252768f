/**
 * Prediction records stored by column: what every task's records have in common. Everything
 * after inference reads records, and there is one per (model, variant, example): kept as objects
 * they were ~300 bytes per record and made peak memory grow with the dataset. A task's record
 * table (tasks/<task>/records.ts) holds the records of one (model, variant) in typed-array
 * columns; a {@link RecordSet} holds the tables of a run in canonical order. Record objects are
 * made only at the edges (records.jsonl lines, small suites) and never all at once.
 */
import type { ModelRole, VariantName } from '../types.js';

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
  /** The records as records.jsonl lines, one record object at a time (the task's format). */
  lines(): Iterable<string>;
}

/**
 * All records of a run or a result folder: one table per (model, variant), in the order the
 * tables were added (a run adds them in canonical order: candidate first, then variant order).
 */
export class RecordSet<T extends RecordTableCore = RecordTableCore> {
  readonly tables: readonly T[];

  constructor(tables: readonly T[] = []) {
    this.tables = tables.filter((t) => t.length > 0);
  }

  /** Number of records. */
  get size(): number {
    return this.tables.reduce((n, t) => n + t.length, 0);
  }

  /** The table of one model and variant, if any record has them. */
  table(model: ModelRole, variant: VariantName): T | undefined {
    return this.tables.find((t) => t.model === model && t.variant === variant);
  }

  /** Only the tables of one model. */
  ofModel(model: ModelRole): RecordSet<T> {
    return new RecordSet(this.tables.filter((t) => t.model === model));
  }
}
