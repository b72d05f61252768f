/**
 * Detection records by column: one row per (model, variant, image) holding the image's
 * detections (boxes in original-image pixels, scores, class indices; quantised when the record
 * is made, tables/detections.ts) and its records.jsonl lines. The ground truth is the dataset's
 * (the task context's `groundTruth`), joined by example id: records hold predictions only, as a
 * stored baseline's records are judged against the current annotations.
 */
import { indexOfIds } from '../../tables/examples.js';
import {
  DetectionColumnsBuilder,
  detectionsOf,
  type Detection,
  type DetectionColumns,
} from '../../tables/detections.js';
import { HashColumn, type RecordTableCore } from '../../tables/records.js';
import type { ModelRole, VariantName } from '../../types.js';

/** One image's detections by one model on one variant: a records.jsonl line. */
export interface DetectionRecord {
  id: string;
  /** sha256 (hex) of the image file bytes. */
  hash: string;
  model: ModelRole;
  variant: VariantName;
  /** x1, y1, x2, y2 per detection, flattened; original-image pixels. */
  boxes: number[];
  scores: number[];
  classes: number[];
}

/** The records of one model on one variant, by column. Build with {@link DetectionTableBuilder}. */
export class DetectionTable implements RecordTableCore {
  constructor(
    readonly model: ModelRole,
    readonly variant: VariantName,
    readonly ids: readonly string[],
    readonly hashes: HashColumn,
    /** Image i of the table is row i of the columns. */
    readonly detections: DetectionColumns,
  ) {}

  get length(): number {
    return this.ids.length;
  }

  indexById(): Map<string, number> {
    return indexOfIds(this.ids);
  }

  /** Row i as a record object. */
  at(i: number): DetectionRecord {
    const c = this.detections;
    const a = c.offsets[i]!;
    const b = c.offsets[i + 1]!;
    return {
      id: this.ids[i]!,
      hash: this.hashes.get(i),
      model: this.model,
      variant: this.variant,
      boxes: Array.from(c.boxes.subarray(4 * a, 4 * b)),
      scores: Array.from(c.scores.subarray(a, b)),
      classes: Array.from(c.classes.subarray(a, b)),
    };
  }

  *lines(): Generator<string> {
    for (let i = 0; i < this.length; i++) yield `${JSON.stringify(this.at(i))}\n`;
  }
}

/** Appends records to one (model, variant). */
export class DetectionTableBuilder {
  private readonly ids: string[] = [];
  private readonly hashes = new HashColumn();
  private readonly hashRows: number[] = [];
  private readonly columns = new DetectionColumnsBuilder();

  /** `hashSource`: records take their hash from this column (give the row to {@link push}). */
  constructor(
    readonly model: ModelRole,
    readonly variant: VariantName,
    private readonly hashSource?: HashColumn,
  ) {}

  get length(): number {
    return this.ids.length;
  }

  push(record: DetectionRecord, hashRow?: number): void {
    const i = this.ids.length;
    this.ids.push(record.id);
    if (this.hashSource) {
      if (hashRow === undefined) throw new Error('push needs the hash row with a hash source');
      this.hashRows.push(hashRow);
    } else this.hashes.set(i, record.hash);
    const dets: Detection[] = record.scores.map((score, r) => ({
      box: [
        record.boxes[4 * r]!,
        record.boxes[4 * r + 1]!,
        record.boxes[4 * r + 2]!,
        record.boxes[4 * r + 3]!,
      ],
      score,
      classIndex: record.classes[r]!,
    }));
    this.columns.push(dets);
  }

  copyRow(from: DetectionTable, j: number): void {
    if (this.hashSource) throw new Error('copyRow needs a builder without a hash source');
    const i = this.ids.length;
    this.ids.push(from.ids[j]!);
    this.hashes.copyFrom(i, from.hashes, j);
    this.columns.push(detectionsOf(from.detections, j));
  }

  finish(): DetectionTable {
    const hashes = this.hashSource
      ? HashColumn.view(this.hashSource, Uint32Array.from(this.hashRows))
      : this.hashes;
    if (!this.hashSource) hashes.trim(this.ids.length);
    return new DetectionTable(this.model, this.variant, this.ids, hashes, this.columns.finish());
  }
}

/** A parsed records.jsonl line as a detection record, or undefined when it is not one. */
export function parseDetectionRecord(value: unknown): DetectionRecord | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as Record<string, unknown>;
  const numbers = (a: unknown): a is number[] =>
    Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  const ok =
    typeof r.id === 'string' &&
    typeof r.hash === 'string' &&
    (r.model === 'candidate' || r.model === 'baseline') &&
    typeof r.variant === 'string' &&
    numbers(r.boxes) &&
    numbers(r.scores) &&
    numbers(r.classes) &&
    r.boxes.length === 4 * r.scores.length &&
    r.classes.length === r.scores.length &&
    r.classes.every((k) => Number.isInteger(k) && k >= 0);
  return ok ? (value as unknown as DetectionRecord) : undefined;
}
