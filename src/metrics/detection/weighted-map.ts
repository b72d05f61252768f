/**
 * mAP and AP50 of weighted images (a slice or a bootstrap resample) without a full
 * `accumulate` (coco-eval.ts): the same numbers, bit for bit, at a fraction of the cost. A paired
 * bootstrap calls this hundreds of times per model and slice; the example run spent 186 s of its
 * 207 s report phase in `accumulate` before this path existed.
 *
 * Why it gives exactly COCOeval's numbers (as `accumulate` + `meanPrecision` do):
 * - The visiting order is the one `accumulate` uses: every class's detections sorted once
 *   by score (ties by image, then rank), and a run of equal scores from one image repeated as a
 *   whole w times for an image of weight w (its copies sit next to each other in COCOeval's
 *   image order, so the stable sort puts them one after another).
 * - Precision only rises at a true positive (tp / (tp + fp + ε) with a larger denominator and the
 *   same numerator is no larger, correctly rounded division being monotone), and the first
 *   position whose recall reaches a threshold r > 0 is a true positive. So the right-to-left
 *   maximum read at each recall threshold equals the maximum over the true positives alone from
 *   that one on (and 0 with none, as COCOeval's 0 past the last detection): only true positives
 *   need a division. False positives are counted, w at a time for a repeated run without one.
 * - Every tp, fp is the same integer as in the reference, so every ratio is the same double,
 *   and the means sum the same values in the same order (threshold, recall, class).
 * test/unit/detection-weighted-map.test.ts compares it with the reference on random resamples
 * with tied scores.
 */
import { IGNORED, SPACING_1, TP, type ImageEvaluation } from './coco-eval.js';

/** A class's detections as runs of equal score from one image, with counts per threshold. */
interface ClassPlan {
  /** Image of each run. */
  readonly images: Uint32Array;
  /** Entries of run b: start[b] .. start[b + 1] − 1 (indices into the class's sorted lists). */
  readonly start: Uint32Array;
  /** True and false positives of run b at threshold t: index b·T + t (ignored ones left out). */
  readonly tp: Uint32Array;
  readonly fp: Uint32Array;
  /**
   * Per run: its false positives when it has no true positive and the same count at every
   * threshold (most low-score detections), else {@link MIXED}. Such a run adds to one shared
   * count instead of one per threshold.
   */
  readonly sameFp: Uint32Array;
}

const MIXED = 0xffffffff;

/** What does not change between resamples, built once per evaluation. */
interface Plan {
  readonly classes: readonly ClassPlan[];
  /** Index of IoU threshold 0.5, or −1 when the params lack it (AP50 then undefined). */
  readonly t50: number;
  /** maxDets used by mAP: the largest (last) entry. */
  readonly maxDet: number;
}

const plans = new WeakMap<ImageEvaluation, Plan>();

function planOf(ev: ImageEvaluation): Plan {
  const cached = plans.get(ev);
  if (cached) return cached;
  const { params } = ev;
  const T = params.iouThresholds.length;
  const A = params.areaRanges.length;
  const maxDet = params.maxDets[params.maxDets.length - 1]!;
  const classes = ev.classes.map((c): ClassPlan => {
    const S = c.scores.length;
    const images: number[] = [];
    const start: number[] = [];
    let s = 0;
    while (s < S) {
      const img = c.images[s]!;
      const score = c.scores[s]!;
      let end = s + 1;
      while (end < S && c.images[end] === img && c.scores[end] === score) end++;
      images.push(img);
      start.push(s);
      s = end;
    }
    start.push(S);
    const B = images.length;
    const tp = new Uint32Array(B * T);
    const fp = new Uint32Array(B * T);
    for (let b = 0; b < B; b++)
      for (let e = start[b]!; e < start[b + 1]!; e++) {
        if (c.ranks[e]! >= maxDet) continue;
        for (let t = 0; t < T; t++) {
          // Area range 0 ("all"), as mAP reads it.
          const o = c.outcomes[e * A * T + t]!;
          if (o === TP) tp[b * T + t]!++;
          else if (o !== IGNORED) fp[b * T + t]!++;
        }
      }
    const sameFp = new Uint32Array(B).fill(MIXED);
    for (let b = 0; b < B; b++) {
      let same = true;
      for (let t = 0; t < T; t++)
        if (tp[b * T + t] !== 0 || fp[b * T + t] !== fp[b * T]) same = false;
      if (same) sameFp[b] = fp[b * T]!;
    }
    return { images: Uint32Array.from(images), start: Uint32Array.from(start), tp, fp, sameFp };
  });
  const plan: Plan = { classes, t50: params.iouThresholds.indexOf(0.5), maxDet };
  plans.set(ev, plan);
  return plan;
}

/** Scratch reused across calls: recall and precision at the true positives, per threshold. */
let scratchRc = new Float64Array(0);
let scratchPr = new Float64Array(0);
let scratchPrecision = new Float64Array(0);

/** Which of the two numbers to compute (default both); the other comes back as NaN. */
export type WeightedMapMetrics = readonly ('map' | 'ap50')[];

/**
 * mAP (AP @ .50:.95) and AP50 at all areas and the largest maxDets over weighted images
 * (default: every image once), as COCOeval computes them on a dataset where image i appears
 * weights[i] times in a row; −1 when no counted object is drawn. Equal to `meanPrecision` of
 * an `accumulate` at area 0 and the last maxDets (coco-eval.ts), which stays the reference.
 */
export function mapOfImages(
  ev: ImageEvaluation,
  weights?: ArrayLike<number>,
  metrics: WeightedMapMetrics = ['map', 'ap50'],
): { map: number; ap50: number } {
  const { params, numImages: N, numClasses: K } = ev;
  const w = weights ?? new Uint32Array(N).fill(1);
  if (w.length !== N) throw new RangeError(`${w.length} weights for ${N} images`);
  const plan = planOf(ev);
  const T = params.iouThresholds.length;
  const A = params.areaRanges.length;
  const R = params.recallThresholds.length;
  const recThr = params.recallThresholds;
  const wantMap = metrics.includes('map');
  const wantAp50 = metrics.includes('ap50') && plan.t50 >= 0;
  // Thresholds to walk: all for mAP, else only 0.5.
  const ts = wantMap ? Array.from({ length: T }, (_, t) => t) : wantAp50 ? [plan.t50] : [];
  const nt = ts.length;
  if (scratchPrecision.length < nt * R * K) scratchPrecision = new Float64Array(nt * R * K);
  const P = scratchPrecision;
  const defined = new Uint8Array(K);
  const tp = new Float64Array(nt);
  const fp = new Float64Array(nt);
  const nEv = new Uint32Array(nt);

  for (let k = 0; k < K && nt > 0; k++) {
    let npig = 0;
    const cnt = k * A * N; // area range 0
    for (let i = 0; i < N; i++) npig += ev.counted[cnt + i]! * w[i]!;
    if (npig === 0) continue;
    defined[k] = 1;
    // True positives are at most the counted objects drawn: one event slot each per threshold.
    if (scratchRc.length < nt * npig) {
      scratchRc = new Float64Array(nt * npig);
      scratchPr = new Float64Array(nt * npig);
    }
    const rcE = scratchRc;
    const prE = scratchPr;
    const c = ev.classes[k]!;
    const cp = plan.classes[k]!;
    tp.fill(0);
    fp.fill(0);
    nEv.fill(0);
    const B = cp.images.length;
    // False positives counted once for all thresholds; a threshold's count is fp[x] + shared.
    let shared = 0;
    for (let b = 0; b < B; b++) {
      const wb = w[cp.images[b]!]!;
      if (wb === 0) continue;
      const same = cp.sameFp[b]!;
      if (same !== MIXED) {
        shared += wb * same;
        continue;
      }
      for (let x = 0; x < nt; x++) {
        const t = ts[x]!;
        const btp = cp.tp[b * T + t]!;
        if (btp === 0) {
          fp[x] = fp[x]! + wb * cp.fp[b * T + t]!;
          continue;
        }
        // A run with a true positive: visit its entries in order, w times.
        let ctp = tp[x]!;
        let cfp = fp[x]! + shared;
        let ne = nEv[x]!;
        const base = x * npig;
        for (let rep = 0; rep < wb; rep++)
          for (let e = cp.start[b]!; e < cp.start[b + 1]!; e++) {
            if (c.ranks[e]! >= plan.maxDet) continue;
            const o = c.outcomes[e * A * T + t]!;
            if (o === IGNORED) continue;
            if (o === TP) {
              ctp++;
              rcE[base + ne] = ctp / npig;
              prE[base + ne] = ctp / (cfp + ctp + SPACING_1);
              ne++;
            } else cfp++;
          }
        tp[x] = ctp;
        fp[x] = cfp - shared;
        nEv[x] = ne;
      }
    }
    for (let x = 0; x < nt; x++) {
      const base = x * npig;
      const n = nEv[x]!;
      for (let j = n - 1; j > 0; j--)
        if (prE[base + j]! > prE[base + j - 1]!) prE[base + j - 1] = prE[base + j]!;
      let j = 0;
      for (let r = 0; r < R; r++) {
        const thr = recThr[r]!;
        while (j < n && rcE[base + j]! < thr) j++;
        P[(x * R + r) * K + k] = j < n ? prE[base + j]! : 0;
      }
    }
  }

  // Means of the defined entries in meanPrecision's order: threshold, recall, class.
  const mean = (xs: readonly number[]) => {
    let sum = 0;
    let n = 0;
    for (const x of xs)
      for (let r = 0; r < R; r++)
        for (let k = 0; k < K; k++)
          if (defined[k]) {
            sum += P[(x * R + r) * K + k]!;
            n++;
          }
    return n === 0 ? -1 : sum / n;
  };
  const map = wantMap ? mean(ts.map((_, x) => x)) : NaN;
  const ap50 = !wantAp50 ? (metrics.includes('ap50') ? -1 : NaN) : mean([ts.indexOf(plan.t50)]);
  return { map, ap50 };
}
