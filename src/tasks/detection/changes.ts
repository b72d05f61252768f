/**
 * Images that newly fail or are newly fixed between baseline and candidate at the working
 * point: an image newly fails when the candidate newly misses an object the baseline found or
 * makes a false positive the baseline did not (metrics/detection/changes.ts); newly fixed is
 * the same rule with the models swapped.
 */
import { changesOfMatches, type ImageChanges } from '../../metrics/detection/changes.js';
import { compareText } from '../../text/compare.js';
import type { ExampleChanges, ExampleLookup, PairedTables, TaskContext } from '../task.js';
import { evaluationOf, workingPoint } from './evaluation.js';
import { boxesOfImage } from './image-boxes.js';
import type { DetectionTable } from './records.js';
import type { ImageChange } from './schema.js';

export function imageChanges(
  pairing: PairedTables<DetectionTable>,
  lookup: ExampleLookup,
  ctx: TaskContext,
  limit = Infinity,
): ExampleChanges<ImageChange> {
  const c = pairing.candidate;
  const b = pairing.baseline;
  const none = {
    newlyFailing: [],
    newlyFixed: [],
    counts: { newlyFailing: 0, newlyFixed: 0, bothWrong: 0 },
  };
  if (!b) return none;
  const ce = evaluationOf(c, ctx);
  const be = evaluationOf(b, ctx);
  const iou = workingPoint(ctx).iouThreshold;
  const failing: { i: number; ch: ImageChanges }[] = [];
  const fixed: { i: number; ch: ImageChanges }[] = [];
  let bothWrong = 0;
  // One image at a time: its ground truth and both models' detections as one-image columns.
  for (let i = 0; i < c.length; i++) {
    const j = pairing.baseRow[i]!;
    if (j < 0) continue;
    if (ce.wrong[i] && be.wrong[j]) bothWrong++;
    const one = oneImage(ce, be, c, b, i, j);
    const [worse] = changesOfMatches(one.gt, one.base, one.cand, one.bm, one.cm, iou);
    const [better] = changesOfMatches(one.gt, one.cand, one.base, one.cm, one.bm, iou);
    if (worse && (worse.newlyMissed.length > 0 || worse.newFalsePositives.length > 0))
      failing.push({ i, ch: worse });
    if (better && (better.newlyMissed.length > 0 || better.newFalsePositives.length > 0))
      fixed.push({ i, ch: better });
  }
  const size = (x: { ch: ImageChanges }) => x.ch.newlyMissed.length + x.ch.newFalsePositives.length;
  failing.sort((x, y) => size(y) - size(x) || compareText(c.ids[x.i]!, c.ids[y.i]!));
  fixed.sort((x, y) => compareText(c.ids[x.i]!, c.ids[y.i]!));
  const entry = (x: { i: number; ch: ImageChanges }, swapped: boolean): ImageChange => {
    const e = lookup.exRowOfCand[x.i]!;
    const gt = ce.gt;
    const g0 = gt.offsets[x.i]!;
    const dets = swapped ? b.detections : c.detections;
    const row = swapped ? pairing.baseRow[x.i]! : x.i;
    const d0 = dets.offsets[row]!;
    const box = (a: Float64Array, r: number) => Array.from(a.subarray(4 * r, 4 * r + 4));
    const drawn = swapped ? undefined : boxesOfImage(c, ce, x.i, ctx.classes);
    return {
      id: c.ids[x.i]!,
      path: lookup.examples.paths[e]!,
      newlyMissed: x.ch.newlyMissed.map((r) => ({
        class: ctx.classes[gt.classes[g0 + r]!] ?? String(gt.classes[g0 + r]),
        box: box(gt.boxes, g0 + r),
      })),
      newFalsePositives: swapped
        ? []
        : x.ch.newFalsePositives.map((r) => ({
            class: ctx.classes[dets.classes[d0 + r]!] ?? String(dets.classes[d0 + r]),
            box: box(dets.boxes, d0 + r),
            score: dets.scores[d0 + r]!,
          })),
      // What the candidate still finds next to what it lost (newly fixed entries list changes only).
      ...(drawn ? { truth: drawn.truth, matched: drawn.matched } : {}),
      metadata: lookup.examples.metadataOf(e),
    };
  };
  return {
    newlyFailing: failing.slice(0, limit).map((x) => entry(x, false)),
    newlyFixed: fixed.slice(0, limit).map((x) => entry(x, true)),
    counts: { newlyFailing: failing.length, newlyFixed: fixed.length, bothWrong },
  };
}

/** Image i of the candidate and j of the baseline as one-image columns and matchings. */
function oneImage(
  ce: ReturnType<typeof evaluationOf>,
  be: ReturnType<typeof evaluationOf>,
  c: DetectionTable,
  b: DetectionTable,
  i: number,
  j: number,
) {
  const g = ce.gt;
  const ga = g.offsets[i]!;
  const gb = g.offsets[i + 1]!;
  const gt = {
    offsets: Uint32Array.of(0, gb - ga),
    boxes: g.boxes.subarray(4 * ga, 4 * gb),
    classes: g.classes.subarray(ga, gb),
    iscrowd: g.iscrowd.subarray(ga, gb),
    ignore: g.ignore.subarray(ga, gb),
    areas: g.areas.subarray(ga, gb),
  };
  const cut = (t: DetectionTable, r: number) => {
    const d = t.detections;
    const a = d.offsets[r]!;
    const z = d.offsets[r + 1]!;
    return {
      cols: {
        offsets: Uint32Array.of(0, z - a),
        boxes: d.boxes.subarray(4 * a, 4 * z),
        scores: d.scores.subarray(a, z),
        classes: d.classes.subarray(a, z),
      },
      a,
      z,
    };
  };
  const cc = cut(c, i);
  const bc = cut(b, j);
  return {
    gt,
    cand: cc.cols,
    base: bc.cols,
    cm: {
      detections: ce.match.detections.subarray(cc.a, cc.z),
      objects: ce.match.objects.subarray(ga, gb),
    },
    bm: {
      detections: be.match.detections.subarray(bc.a, bc.z),
      objects: be.match.objects.subarray(be.gt.offsets[j], be.gt.offsets[j + 1]),
    },
  };
}
