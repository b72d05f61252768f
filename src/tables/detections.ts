/**
 * Detection records and ground truth stored by column, one set per (model, variant) or per
 * dataset: the objects of image i are rows `offsets[i] .. offsets[i + 1]` of flat typed arrays.
 * Boxes are corner coordinates (x1, y1, x2, y2) in original-image pixels, the convention the
 * decoders in src/model/detection/ produce after mapping back through the letterbox; the COCO
 * evaluation (src/metrics/detection/coco-eval.ts) reads them as they are.
 *
 * Numbers are quantised to 7 significant digits when a record is made (as classification's
 * `quantize` does), so results computed in memory equal those recomputed from a stored
 * records file or a merge of shards.
 */
import { quantize } from './quantize.js';

/** Detections of a list of images. */
export interface DetectionColumns {
  /** Row range of image i is offsets[i] .. offsets[i + 1]; length = images + 1. */
  readonly offsets: Uint32Array;
  /** x1, y1, x2, y2 per detection (4 values a row), original-image pixels. */
  readonly boxes: Float64Array;
  /** Confidence per detection. */
  readonly scores: Float64Array;
  /** Class index per detection, into the dataset's class list. */
  readonly classes: Int32Array;
  /** COCO [x, y, w, h] per detection when they were read from a COCO results file (see {@link GroundTruthColumns.xywh}). */
  readonly xywh?: Float64Array;
}

/** Ground-truth objects of a list of images. */
export interface GroundTruthColumns {
  /** Row range of image i is offsets[i] .. offsets[i + 1]; length = images + 1. */
  readonly offsets: Uint32Array;
  /** x1, y1, x2, y2 per object (4 values a row), original-image pixels. */
  readonly boxes: Float64Array;
  /** Class index per object, into the dataset's class list. */
  readonly classes: Int32Array;
  /**
   * 1 for a COCO crowd region: never counted as an object to find; a detection on it is
   * matched by intersection over the detection's own area and then ignored.
   */
  readonly iscrowd: Uint8Array;
  /**
   * 1 for an object neither counted nor penalised, matched with ordinary IoU (Pascal VOC's
   * `difficult`). COCO data have 0 everywhere: COCOeval ignores crowd regions only.
   */
  readonly ignore: Uint8Array;
  /**
   * Area used for COCO's area ranges: the annotation's `area` field (the segment's area in
   * COCO files, not the box's), or the box area where a format has no such field.
   */
  readonly areas: Float64Array;
  /**
   * COCO [x, y, w, h] per object as the file gave them, when it was a COCO file. COCOeval
   * computes on these numbers (corners as x + w, areas as w·h), which can differ from the
   * corner boxes' x2 − x1 in the last bit; the COCO evaluation uses them so that an IoU exactly
   * on a threshold is decided as pycocotools decides it.
   */
  readonly xywh?: Float64Array;
}

/** One detection, as decoders and readers produce them before they are stored by column. */
export interface Detection {
  box: readonly [number, number, number, number];
  score: number;
  classIndex: number;
  /** The COCO [x, y, w, h] it was read from, if any. */
  cocoBox?: readonly [number, number, number, number];
}

/** Number of images of a column set. */
export function imageCount(c: { readonly offsets: Uint32Array }): number {
  return c.offsets.length - 1;
}

/** Grows {@link DetectionColumns} one image at a time, quantising every number. */
export class DetectionColumnsBuilder {
  private boxes = new Float64Array(1024);
  private scores = new Float64Array(256);
  private classes = new Int32Array(256);
  private readonly offsets: number[] = [0];
  private readonly xywh: number[] = [];
  private hasCoco = false;
  private n = 0;

  /** Append the next image's detections (possibly none). */
  push(detections: readonly Detection[]): void {
    for (const d of detections) {
      this.reserve(this.n + 1);
      const r = this.n++;
      for (let j = 0; j < 4; j++) this.boxes[4 * r + j] = quantize(d.box[j]!);
      this.scores[r] = quantize(d.score);
      this.classes[r] = d.classIndex;
      pushCoco(this.xywh, d.cocoBox?.map(quantize), this.boxes.subarray(4 * r, 4 * r + 4));
      if (d.cocoBox) this.hasCoco = true;
    }
    this.offsets.push(this.n);
  }

  finish(): DetectionColumns {
    return {
      offsets: Uint32Array.from(this.offsets),
      boxes: this.boxes.slice(0, 4 * this.n),
      scores: this.scores.slice(0, this.n),
      classes: this.classes.slice(0, this.n),
      ...(this.hasCoco ? { xywh: Float64Array.from(this.xywh) } : {}),
    };
  }

  private reserve(rows: number): void {
    if (rows <= this.scores.length) return;
    const size = Math.max(rows, this.scores.length * 2);
    this.boxes = grow(this.boxes, 4 * size);
    this.scores = grow(this.scores, size);
    this.classes = grow(this.classes, size);
  }
}

/** One ground-truth object as dataset readers produce it. */
export interface GroundTruthObject {
  box: readonly [number, number, number, number];
  classIndex: number;
  iscrowd?: boolean;
  ignore?: boolean;
  /** Defaults to the box area. */
  area?: number;
  /** The COCO [x, y, w, h] it was read from, if any. */
  cocoBox?: readonly [number, number, number, number];
}

/** Grows {@link GroundTruthColumns} one image at a time. */
export class GroundTruthColumnsBuilder {
  private readonly boxes: number[] = [];
  private readonly classes: number[] = [];
  private readonly iscrowd: number[] = [];
  private readonly ignore: number[] = [];
  private readonly areas: number[] = [];
  private readonly offsets: number[] = [0];
  private readonly xywh: number[] = [];
  private hasCoco = false;

  /** Append the next image's objects (possibly none). */
  push(objects: readonly GroundTruthObject[]): void {
    for (const o of objects) {
      const [x1, y1, x2, y2] = o.box;
      this.boxes.push(x1, y1, x2, y2);
      pushCoco(this.xywh, o.cocoBox, o.box);
      if (o.cocoBox) this.hasCoco = true;
      this.classes.push(o.classIndex);
      this.iscrowd.push(o.iscrowd ? 1 : 0);
      this.ignore.push(o.ignore ? 1 : 0);
      this.areas.push(o.area ?? (x2 - x1) * (y2 - y1));
    }
    this.offsets.push(this.classes.length);
  }

  finish(): GroundTruthColumns {
    return {
      offsets: Uint32Array.from(this.offsets),
      boxes: Float64Array.from(this.boxes),
      classes: Int32Array.from(this.classes),
      iscrowd: Uint8Array.from(this.iscrowd),
      ignore: Uint8Array.from(this.ignore),
      areas: Float64Array.from(this.areas),
      ...(this.hasCoco ? { xywh: Float64Array.from(this.xywh) } : {}),
    };
  }
}

/** Append a COCO box: the given one, else the corners' (x1, y1, x2 − x1, y2 − y1). */
function pushCoco(
  out: number[],
  given: readonly number[] | undefined,
  corners: ArrayLike<number>,
): void {
  if (given) out.push(given[0]!, given[1]!, given[2]!, given[3]!);
  else out.push(corners[0]!, corners[1]!, corners[2]! - corners[0]!, corners[3]! - corners[1]!);
}

/**
 * Boxes as COCO [x, y, w, h], 4 values a row: the file's own numbers where the columns keep
 * them, else derived from the corners as a COCO results file written from them would hold.
 */
export function cocoBoxes(c: {
  readonly boxes: Float64Array;
  readonly xywh?: Float64Array;
}): Float64Array {
  if (c.xywh) return c.xywh;
  const out = new Float64Array(c.boxes.length);
  for (let o = 0; o + 3 < c.boxes.length; o += 4) {
    out[o] = c.boxes[o]!;
    out[o + 1] = c.boxes[o + 1]!;
    out[o + 2] = c.boxes[o + 2]! - c.boxes[o]!;
    out[o + 3] = c.boxes[o + 3]! - c.boxes[o + 1]!;
  }
  return out;
}

/** Row offsets of the images `rows` (in that order) taken out of a set with `offsets`. */
function selectedOffsets(offsets: Uint32Array, rows: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(rows.length + 1);
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t]!;
    out[t + 1] = out[t]! + offsets[i + 1]! - offsets[i]!;
  }
  return out;
}

/** The images `rows` (in that order) of a ground-truth set, e.g. a slice's or a resample's. */
export function selectGroundTruth(
  c: GroundTruthColumns,
  rows: ArrayLike<number>,
): GroundTruthColumns {
  const offsets = selectedOffsets(c.offsets, rows);
  const n = offsets[rows.length]!;
  const out = {
    offsets,
    boxes: new Float64Array(4 * n),
    classes: new Int32Array(n),
    iscrowd: new Uint8Array(n),
    ignore: new Uint8Array(n),
    areas: new Float64Array(n),
    ...(c.xywh ? { xywh: new Float64Array(4 * n) } : {}),
  };
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t]!;
    const a = c.offsets[i]!;
    const b = c.offsets[i + 1]!;
    const o = offsets[t]!;
    out.boxes.set(c.boxes.subarray(4 * a, 4 * b), 4 * o);
    out.classes.set(c.classes.subarray(a, b), o);
    out.iscrowd.set(c.iscrowd.subarray(a, b), o);
    out.ignore.set(c.ignore.subarray(a, b), o);
    out.areas.set(c.areas.subarray(a, b), o);
    if (c.xywh) out.xywh!.set(c.xywh.subarray(4 * a, 4 * b), 4 * o);
  }
  return out;
}

/** The images `rows` (in that order) of a detection set, e.g. a shard's or a slice's. */
export function selectDetections(c: DetectionColumns, rows: ArrayLike<number>): DetectionColumns {
  const offsets = selectedOffsets(c.offsets, rows);
  const n = offsets[rows.length]!;
  const out = {
    offsets,
    boxes: new Float64Array(4 * n),
    scores: new Float64Array(n),
    classes: new Int32Array(n),
    ...(c.xywh ? { xywh: new Float64Array(4 * n) } : {}),
  };
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t]!;
    const a = c.offsets[i]!;
    const b = c.offsets[i + 1]!;
    out.boxes.set(c.boxes.subarray(4 * a, 4 * b), 4 * offsets[t]!);
    out.scores.set(c.scores.subarray(a, b), offsets[t]);
    out.classes.set(c.classes.subarray(a, b), offsets[t]);
  }
  return out;
}

/** Concatenate detection sets in order (shards of one run). */
export function concatDetections(parts: readonly DetectionColumns[]): DetectionColumns {
  const b = new DetectionColumnsBuilder();
  for (const p of parts) {
    for (let i = 0; i < imageCount(p); i++) b.push(detectionsOf(p, i));
  }
  return b.finish();
}

/** The detections of image i as objects (for code working on one image at a time). */
export function detectionsOf(c: DetectionColumns, i: number): Detection[] {
  const out: Detection[] = [];
  for (let r = c.offsets[i]!; r < c.offsets[i + 1]!; r++) {
    out.push({
      box: [c.boxes[4 * r]!, c.boxes[4 * r + 1]!, c.boxes[4 * r + 2]!, c.boxes[4 * r + 3]!],
      score: c.scores[r]!,
      classIndex: c.classes[r]!,
      ...(c.xywh
        ? {
            cocoBox: [
              c.xywh[4 * r]!,
              c.xywh[4 * r + 1]!,
              c.xywh[4 * r + 2]!,
              c.xywh[4 * r + 3]!,
            ] as const,
          }
        : {}),
    });
  }
  return out;
}

/**
 * One line of a detection records file: an image's id and its detections, boxes flattened
 * (x1, y1, x2, y2, x1, …). Stored numbers are the quantised ones, so reading gives back
 * exactly the columns that were written.
 */
export interface DetectionLine {
  id: string;
  boxes: number[];
  scores: number[];
  classes: number[];
}

/** Serialise to JSON Lines, one line per image (ids[i] names image i). */
export function detectionsToJsonLines(ids: readonly string[], c: DetectionColumns): string {
  if (ids.length !== imageCount(c))
    throw new RangeError(`${ids.length} ids for ${imageCount(c)} images of detections`);
  const lines: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const a = c.offsets[i]!;
    const b = c.offsets[i + 1]!;
    const line: DetectionLine = {
      id: ids[i]!,
      boxes: Array.from(c.boxes.subarray(4 * a, 4 * b)),
      scores: Array.from(c.scores.subarray(a, b)),
      classes: Array.from(c.classes.subarray(a, b)),
    };
    lines.push(JSON.stringify(line));
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/**
 * Parse {@link detectionsToJsonLines} output. `display` names the file in errors; a malformed
 * line is reported by its 1-based number.
 */
export function detectionsFromJsonLines(
  text: string,
  display: string,
): { ids: string[]; detections: DetectionColumns } {
  const ids: string[] = [];
  const b = new DetectionColumnsBuilder();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.trim();
    if (raw === '') continue;
    const where = `${display}:${n + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (error) {
      throw new RangeError(`${where}: invalid JSON: ${(error as Error).message}`);
    }
    const line = v as Partial<DetectionLine>;
    if (
      typeof line.id !== 'string' ||
      !isNumbers(line.boxes) ||
      !isNumbers(line.scores) ||
      !isNumbers(line.classes) ||
      line.boxes.length !== 4 * line.scores.length ||
      line.classes.length !== line.scores.length
    ) {
      throw new RangeError(
        `${where}: not a detection record (id, boxes of 4 numbers per detection, scores, classes)`,
      );
    }
    ids.push(line.id);
    const boxes = line.boxes;
    const classes = line.classes;
    b.push(
      line.scores.map((score, r) => ({
        box: [boxes[4 * r]!, boxes[4 * r + 1]!, boxes[4 * r + 2]!, boxes[4 * r + 3]!] as const,
        score,
        classIndex: classes[r]!,
      })),
    );
  }
  return { ids, detections: b.finish() };
}

function isNumbers(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

function grow<T extends Float64Array | Int32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** COCO's object-size buckets (COCOeval's area ranges, both ends inclusive). */
export const AREA_BUCKETS = ['small', 'medium', 'large'] as const;
export type AreaBucket = (typeof AREA_BUCKETS)[number];

/**
 * The COCO area bucket of an object area: small < 32², medium < 96², large otherwise, as the
 * COCO detection challenge defines them. (COCOeval's ranges are closed on both ends, so an area
 * of exactly 32² or 96² counts in both neighbours there; a bucket label needs one answer.)
 */
export function areaBucket(area: number): AreaBucket {
  return area < 32 * 32 ? 'small' : area < 96 * 96 ? 'medium' : 'large';
}
