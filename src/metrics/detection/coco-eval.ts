/**
 * Bounding-box evaluation with the semantics of pycocotools' `COCOeval` (cocodataset/cocoapi,
 * PythonAPI/pycocotools/cocoeval.py, iouType 'bbox'), split as it is into a per-image step and
 * an accumulation, with one addition: accumulation takes per-image multiplicities, so a slice's
 * mAP or a bootstrap resample is an {@link accumulate} call on cached per-image results.
 *
 * The points that decide the numbers, each as the reference does them:
 * - Classes are evaluated separately; class index order is the ascending category-id order
 *   COCOeval uses. A class with no counted ground truth in the images accumulated gets −1
 *   ("undefined") and is left out of every mean.
 * - Per image and class, detections are sorted by score, highest first, with a stable sort
 *   (numpy's mergesort: ties keep their input order) and cut to the largest maxDets (100).
 * - IoU is the C `bbIou` of maskApi.c on COCO [x, y, w, h] boxes (the file's own numbers when
 *   the columns keep them, else derived from the corners): corners x + w, areas w·h; for a
 *   crowd region the union is the detection's own area. A ground truth's *annotation* area
 *   (not its box) decides its area range; a detection's area is w·h (`loadRes` sets it). Range ends are
 *   inclusive on both sides, as in `area < lo or area > hi`.
 * - Matching per IoU threshold t (.50:.05:.95 from numpy's linspace): detections in score
 *   order take the unmatched ground truth of highest IoU ≥ min(t, 1 − 1e−10); ground truths are
 *   visited with the ignored ones last, a later one of equal IoU replaces an earlier one, a
 *   match with a counted object stops at the first ignored one, and crowd regions can be
 *   matched again. A detection matched to an ignored object is ignored; an unmatched one
 *   outside the area range is ignored.
 * - Accumulation per (class, area range, maxDets): the first maxDets detections of every image,
 *   stably sorted by score over all images in image order; precision = tp / (tp + fp + ε) with
 *   ε = numpy's spacing(1), made monotone from the right, read at the 101 recall thresholds
 *   0:.01:1 (first position whose recall ≥ r, 0 past the last); recall = final tp / counted
 *   objects.
 * - The 12 statistics are means over the defined (> −1) entries, as `summarize` computes them.
 *
 * Images come in the order of the columns: COCOeval visits them by ascending image id, which
 * only matters for score ties between images. test/unit/detection-coco-eval.test.ts checks
 * every statistic against values the official code produced (scripts/make-coco-goldens.py).
 */
import type { DetectionColumns, GroundTruthColumns } from '../../tables/detections.js';
import { cocoBoxes } from '../../tables/detections.js';
import { cocoIou, greedyMatch, matchProblem, rowsByClass, sortByScore } from './matching.js';

/** numpy.spacing(1): the ε pycocotools adds to tp + fp. */
export const SPACING_1 = 2.220446049250313e-16;

/** Evaluation parameters; {@link cocoParams} gives COCOeval's defaults for bounding boxes. */
export interface CocoEvalParams {
  /** IoU thresholds, ascending. */
  readonly iouThresholds: Float64Array;
  /** Recall thresholds at which precision is read, ascending. */
  readonly recallThresholds: Float64Array;
  /** Detections kept per image and class, ascending; the last also bounds matching. */
  readonly maxDets: readonly number[];
  /** Object-area ranges [lo, hi], both ends inclusive. */
  readonly areaRanges: readonly (readonly [number, number])[];
  /** A name per area range. */
  readonly areaLabels: readonly string[];
}

/** `np.linspace(start, stop, num)` bit for bit (numpy ≥ 1.18: i·step + start, last = stop). */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** COCOeval's `Params.setDetParams()` defaults. */
export function cocoParams(): CocoEvalParams {
  return {
    iouThresholds: linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1),
    recallThresholds: linspace(0, 1, Math.round(1 / 0.01) + 1),
    maxDets: [1, 10, 100],
    areaRanges: [
      [0, 1e5 ** 2],
      [0, 32 ** 2],
      [32 ** 2, 96 ** 2],
      [96 ** 2, 1e5 ** 2],
    ],
    areaLabels: ['all', 'small', 'medium', 'large'],
  };
}

/** Outcome codes of one detection at one (area range, IoU threshold). */
const FP = 0;
export const TP = 1;
export const IGNORED = 2;

/** The detections of one class over all images, sorted as accumulation visits them. */
interface ClassDetections {
  /** Scores, descending; ties in (image, rank) order. */
  readonly scores: Float64Array;
  readonly images: Uint32Array;
  /** 0-based position in its image's score-sorted list for this class (for maxDets). */
  readonly ranks: Uint32Array;
  /** Outcome per (detection, area range, threshold): index (d·A + a)·T + t. */
  readonly outcomes: Uint8Array;
}

/**
 * Per-image results of {@link evaluateImages}: every detection's outcome at every (area range,
 * IoU threshold) and every image's count of counted objects, per class. Accumulating any
 * subset of images with any multiplicities needs nothing else.
 */
export interface ImageEvaluation {
  readonly params: CocoEvalParams;
  readonly numImages: number;
  readonly numClasses: number;
  /** Per class. */
  readonly classes: readonly ClassDetections[];
  /** Counted (not ignored) objects per (class, area range, image): index (k·A + a)·N + i. */
  readonly counted: Uint32Array;
}

/**
 * The per-image step of COCOeval (`evaluate`): match every image's detections to its ground
 * truth per class, area range and IoU threshold. `gt` and `dt` must hold the same images in
 * the same order; class indices must be in [0, numClasses).
 */
export function evaluateImages(
  gt: GroundTruthColumns,
  dt: DetectionColumns,
  numClasses: number,
  params: CocoEvalParams = cocoParams(),
): ImageEvaluation {
  const N = gt.offsets.length - 1;
  if (dt.offsets.length - 1 !== N)
    throw new RangeError(
      `ground truth has ${N} images but detections have ${dt.offsets.length - 1}`,
    );
  const T = params.iouThresholds.length;
  const A = params.areaRanges.length;
  const maxDet = params.maxDets[params.maxDets.length - 1]!;
  const counted = new Uint32Array(numClasses * A * N);

  // Per class, growing lists of detections in (image, rank) order.
  const perClass = Array.from({ length: numClasses }, () => ({
    scores: [] as number[],
    images: [] as number[],
    ranks: [] as number[],
    outcomes: [] as number[],
  }));

  const gtByClass: number[][] = Array.from({ length: numClasses }, () => []);
  const dtByClass: number[][] = Array.from({ length: numClasses }, () => []);
  const match = new Int32Array(maxDet);
  // COCO's own box numbers: IoU and areas with pycocotools' arithmetic (see matching.ts).
  const dtX = cocoBoxes(dt);
  const gtX = cocoBoxes(gt);
  const iouOf = (d: number, g: number, crowd: boolean) => cocoIou(dtX, d, gtX, g, crowd);

  for (let i = 0; i < N; i++) {
    rowsByClass(gt.classes, gt.offsets[i]!, gt.offsets[i + 1]!, gtByClass, 'ground truth', i);
    rowsByClass(dt.classes, dt.offsets[i]!, dt.offsets[i + 1]!, dtByClass, 'detection', i);
    for (let k = 0; k < numClasses; k++) {
      const gts = gtByClass[k]!;
      if (gts.length === 0 && dtByClass[k]!.length === 0) continue;
      const dts = sortByScore(dt.scores, dtByClass[k]!.slice()).slice(0, maxDet);
      const D = dts.length;
      const out = perClass[k]!;
      const base = out.outcomes.length;
      for (let d = 0; d < D; d++) {
        out.scores.push(dt.scores[dts[d]!]!);
        out.images.push(i);
        out.ranks.push(d);
      }
      for (let n = 0; n < D * A * T; n++) out.outcomes.push(FP);
      for (let a = 0; a < A; a++) {
        const [lo, hi] = params.areaRanges[a]!;
        const outside = (area: number) => area < lo || area > hi;
        const p = matchProblem(
          gt,
          dt,
          gts,
          dts,
          (r) => gt.iscrowd[r] === 1 || gt.ignore[r] === 1 || outside(gt.areas[r]!),
          iouOf,
        );
        counted[(k * A + a) * N + i] = p.counted;
        for (let t = 0; t < T; t++) {
          greedyMatch(p, params.iouThresholds[t]!, match);
          for (let d = 0; d < D; d++) {
            const m = match[d]!;
            // Matched to an ignored object: ignored; unmatched outside the range: ignored.
            const outcome =
              m >= 0
                ? m < p.counted
                  ? TP
                  : IGNORED
                : outside(dtX[4 * dts[d]! + 2]! * dtX[4 * dts[d]! + 3]!)
                  ? IGNORED
                  : FP;
            out.outcomes[base + (d * A + a) * T + t] = outcome;
          }
        }
      }
    }
  }

  const classes = perClass.map((c): ClassDetections => {
    const scores = Float64Array.from(c.scores);
    // Entries are in (image, rank) order, so a stable sort by score gives the accumulation
    // order: score descending, ties by image, then by rank.
    const idx = Array.from({ length: scores.length }, (_, j) => j).sort(
      (p, q) => scores[q]! - scores[p]!,
    );
    const S = idx.length;
    const outcomes = new Uint8Array(S * A * T);
    const stride = A * T;
    idx.forEach((j, n) => {
      for (let x = 0; x < stride; x++) outcomes[n * stride + x] = c.outcomes[j * stride + x]!;
    });
    return {
      scores: Float64Array.from(idx, (j) => scores[j]!),
      images: Uint32Array.from(idx, (j) => c.images[j]!),
      ranks: Uint32Array.from(idx, (j) => c.ranks[j]!),
      outcomes,
    };
  });
  return { params, numImages: N, numClasses, classes, counted };
}

/** What {@link accumulate} computes, laid out as COCOeval's `eval` arrays (C order). */
export interface Accumulated {
  readonly params: CocoEvalParams;
  readonly numClasses: number;
  /** Precision [T, R, K, A, M]; −1 where the class has no counted object. */
  readonly precision: Float64Array;
  /** Recall [T, K, A, M]; −1 likewise. */
  readonly recall: Float64Array;
  /** Area-range and maxDets indices that were accumulated (the others are all −1). */
  readonly areas: readonly number[];
  readonly maxDets: readonly number[];
}

/** Options of {@link accumulate}. */
export interface AccumulateOptions {
  /**
   * Multiplicity of each image (length = images): 0 leaves it out, w counts it w times (as
   * COCOeval would on a dataset where it appears w times in a row). Default: every image once.
   */
  weights?: ArrayLike<number>;
  /** Area-range indices to accumulate (default all): mAP alone needs only 0 ("all"). */
  areas?: readonly number[];
  /** maxDets indices to accumulate (default all). */
  maxDets?: readonly number[];
}

/** Scratch arrays reused across calls (accumulate runs once per bootstrap resample). */
let scratchRc = new Float64Array(0);
let scratchPr = new Float64Array(0);
let scratchBlocks = new Uint32Array(0);

/**
 * COCOeval's `accumulate` over the images with nonzero weight, each counted as often as its
 * weight says; no matching is redone.
 */
export function accumulate(ev: ImageEvaluation, options: AccumulateOptions = {}): Accumulated {
  const { params, numImages: N, numClasses: K } = ev;
  const T = params.iouThresholds.length;
  const R = params.recallThresholds.length;
  const A = params.areaRanges.length;
  const M = params.maxDets.length;
  const weights = options.weights ?? new Uint32Array(N).fill(1);
  if (weights.length !== N) throw new RangeError(`${weights.length} weights for ${N} images`);
  const areas = options.areas ?? Array.from({ length: A }, (_, a) => a);
  const maxDetsIdx = options.maxDets ?? Array.from({ length: M }, (_, m) => m);
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const recThr = params.recallThresholds;

  let expanded = 0;
  for (const c of ev.classes) {
    let n = 0;
    for (let e = 0; e < c.images.length; e++) n += weights[c.images[e]!]!;
    expanded = Math.max(expanded, n);
  }
  if (scratchRc.length < expanded) {
    scratchRc = new Float64Array(expanded);
    scratchPr = new Float64Array(expanded);
  }
  const rc = scratchRc;
  const pr = scratchPr;

  for (let k = 0; k < K; k++) {
    const c = ev.classes[k]!;
    const blocks = weightedBlocks(c, weights);
    const B = blocks.length / 3;
    for (const a of areas) {
      let npig = 0;
      const cnt = (k * A + a) * N;
      for (let i = 0; i < N; i++) npig += ev.counted[cnt + i]! * weights[i]!;
      if (npig === 0) continue;
      for (const m of maxDetsIdx) {
        const maxDet = params.maxDets[m]!;
        for (let t = 0; t < T; t++) {
          let tp = 0;
          let fp = 0;
          let n = 0;
          for (let b = 0; b < B; b++) {
            const s = blocks[3 * b]!;
            const end = blocks[3 * b + 1]!;
            const w = blocks[3 * b + 2]!;
            for (let rep = 0; rep < w; rep++) {
              for (let e = s; e < end; e++) {
                if (c.ranks[e]! >= maxDet) continue;
                const o = c.outcomes[(e * A + a) * T + t]!;
                if (o === IGNORED) continue;
                if (o === TP) tp++;
                else fp++;
                rc[n] = tp / npig;
                pr[n] = tp / (fp + tp + SPACING_1);
                n++;
              }
            }
          }
          recall[((t * K + k) * A + a) * M + m] = n > 0 ? rc[n - 1]! : 0;
          for (let j = n - 1; j > 0; j--) if (pr[j]! > pr[j - 1]!) pr[j - 1] = pr[j]!;
          // np.searchsorted(rc, recThrs, side='left'); precision 0 past the last detection.
          let j = 0;
          for (let r = 0; r < R; r++) {
            const thr = recThr[r]!;
            while (j < n && rc[j]! < thr) j++;
            precision[(((t * R + r) * K + k) * A + a) * M + m] = j < n ? pr[j]! : 0;
          }
        }
      }
    }
  }
  return { params, numClasses: K, precision, recall, areas, maxDets: maxDetsIdx };
}

/**
 * A class's detections (in accumulation order) as blocks of (start, end, weight), images of
 * weight 0 left out: built once per call, so the T × areas × maxDets passes of
 * {@link accumulate} walk only the images a resample or a slice holds. A block is a run of equal
 * scores from one image, which repeats as a whole: a copied image's detections come after the
 * original's in COCOeval's stable sort.
 */
function weightedBlocks(c: ClassDetections, weights: ArrayLike<number>): Uint32Array {
  const S = c.scores.length;
  if (scratchBlocks.length < 3 * S) scratchBlocks = new Uint32Array(3 * S);
  const out = scratchBlocks;
  let n = 0;
  let s = 0;
  while (s < S) {
    const img = c.images[s]!;
    const score = c.scores[s]!;
    let end = s + 1;
    while (end < S && c.images[end] === img && c.scores[end] === score) end++;
    const w = weights[img]!;
    if (w > 0) {
      out[n++] = s;
      out[n++] = end;
      out[n++] = w;
    }
    s = end;
  }
  return out.subarray(0, n);
}

/** The 12 statistics of `COCOeval.summarize()` for boxes, and per-class AP. */
export interface CocoStats {
  /** AP @ IoU .50:.95, all areas, 100 detections. −1 when undefined, as COCOeval prints. */
  ap: number;
  ap50: number;
  ap75: number;
  apSmall: number;
  apMedium: number;
  apLarge: number;
  ar1: number;
  ar10: number;
  ar100: number;
  arSmall: number;
  arMedium: number;
  arLarge: number;
  /** Per class (index order): AP and AP50 at all areas, 100 detections; −1 when undefined. */
  perClass: { ap: number; ap50: number }[];
}

/** Names of the 12 statistics in `COCOeval.stats` order. */
export const COCO_STAT_NAMES = [
  'ap',
  'ap50',
  'ap75',
  'apSmall',
  'apMedium',
  'apLarge',
  'ar1',
  'ar10',
  'ar100',
  'arSmall',
  'arMedium',
  'arLarge',
] as const;

/**
 * Mean of the defined (> −1) precision entries at area `a`, maxDets index `m`, over IoU
 * thresholds `ts` (all when undefined) and classes `ks` (all when undefined); −1 if none.
 */
export function meanPrecision(
  acc: Accumulated,
  a: number,
  m: number,
  ts?: readonly number[],
  ks?: readonly number[],
): number {
  const { params, numClasses: K } = acc;
  const T = params.iouThresholds.length;
  const R = params.recallThresholds.length;
  const A = params.areaRanges.length;
  const M = params.maxDets.length;
  let sum = 0;
  let n = 0;
  for (const t of ts ?? range(T))
    for (let r = 0; r < R; r++)
      for (const k of ks ?? range(K)) {
        const v = acc.precision[(((t * R + r) * K + k) * A + a) * M + m]!;
        if (v > -1) {
          sum += v;
          n++;
        }
      }
  return n === 0 ? -1 : sum / n;
}

function meanRecall(acc: Accumulated, a: number, m: number): number {
  const { params, numClasses: K } = acc;
  const T = params.iouThresholds.length;
  const A = params.areaRanges.length;
  const M = params.maxDets.length;
  let sum = 0;
  let n = 0;
  for (let t = 0; t < T; t++)
    for (let k = 0; k < K; k++) {
      const v = acc.recall[((t * K + k) * A + a) * M + m]!;
      if (v > -1) {
        sum += v;
        n++;
      }
    }
  return n === 0 ? -1 : sum / n;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Index of IoU threshold `iou` (by equality, as `np.where(iouThr == p.iouThrs)`). */
function thresholdIndex(params: CocoEvalParams, iou: number): number[] {
  const t = params.iouThresholds.indexOf(iou);
  return t < 0 ? [] : [t];
}

/**
 * COCOeval's `summarize()` for boxes (the 12 `stats`) plus per-class AP and AP50 as detectron2
 * reads them (precision[:, :, k, all, last maxDets], mean of the defined entries). Needs an
 * {@link accumulate} over all area ranges and maxDets; params must have COCO's four area ranges
 * and three maxDets.
 */
export function summarize(acc: Accumulated): CocoStats {
  const M = acc.params.maxDets.length;
  if (acc.params.areaRanges.length !== 4 || M !== 3)
    throw new RangeError('summarize needs COCO area ranges (4) and maxDets (3)');
  const last = M - 1;
  const t50 = thresholdIndex(acc.params, 0.5);
  const t75 = thresholdIndex(acc.params, 0.75);
  return {
    ap: meanPrecision(acc, 0, last),
    ap50: meanPrecision(acc, 0, last, t50),
    ap75: meanPrecision(acc, 0, last, t75),
    apSmall: meanPrecision(acc, 1, last),
    apMedium: meanPrecision(acc, 2, last),
    apLarge: meanPrecision(acc, 3, last),
    ar1: meanRecall(acc, 0, 0),
    ar10: meanRecall(acc, 0, 1),
    ar100: meanRecall(acc, 0, last),
    arSmall: meanRecall(acc, 1, last),
    arMedium: meanRecall(acc, 2, last),
    arLarge: meanRecall(acc, 3, last),
    perClass: range(acc.numClasses).map((k) => ({
      ap: meanPrecision(acc, 0, last, undefined, [k]),
      ap50: meanPrecision(acc, 0, last, t50, [k]),
    })),
  };
}
