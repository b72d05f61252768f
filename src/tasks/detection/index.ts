/**
 * Object detection: one record per (model, variant, image) holding its detections
 * (records.ts); metrics equal to pycocotools' COCOeval (the 12 statistics, per-class AP) and
 * working-point precision, recall and F1 (evaluation.ts); an image "newly fails" when the
 * candidate newly misses an object or makes a new false positive (changes.ts). See
 * docs/detection.md.
 */
import { UserError } from '../../errors.js';
import { summarize, accumulate } from '../../metrics/detection/coco-eval.js';
import { mapExcessTest, mapSwapTest } from '../../metrics/detection/paired.js';
import { workingPointMetrics } from '../../metrics/detection/threshold.js';
import { pairedBootstrap } from '../../metrics/stats.js';
import { UnknownMetricError } from '../../metrics/values.js';
import { decodeBatch } from '../../model/detection/batch.js';
import { placementOf } from '../../model/detection/geometry.js';
import { quantize } from '../../tables/quantize.js';
import type { Task, TaskMetric } from '../task.js';
import { imageChanges } from './changes.js';
import { boxesOfImage } from './image-boxes.js';
import {
  DETECTION_METRICS,
  evaluationOf,
  hasInterval,
  sideBySideOf,
  valuesOf,
  weightsOf,
  workingPoint,
} from './evaluation.js';
import {
  DetectionTableBuilder,
  parseDetectionRecord,
  type DetectionRecord,
  type DetectionTable,
} from './records.js';
import { render } from './render.js';
import { detectionRobustness } from './robustness.js';
import {
  detectionOverallSchema,
  imageChangeSchema,
  pinnedImageSchema,
  type ImageChange,
  type PinnedImage,
} from './schema.js';

/** Rows of a table as an array (all of them, in order, when absent). */
const rowsOf = (r: { table: { length: number }; rows?: ArrayLike<number> }) =>
  r.rows ?? Uint32Array.from({ length: r.table.length }, (_, i) => i);

const RATES = new Set(['precision', 'recall', 'f1', 'image_accuracy']);

/** Detections ≥ the working threshold of one image, as a sorted class list. */
function classesAbove(table: DetectionTable, i: number, threshold: number): string {
  const d = table.detections;
  const out: number[] = [];
  for (let r = d.offsets[i]!; r < d.offsets[i + 1]!; r++)
    if (d.scores[r]! >= threshold) out.push(d.classes[r]!);
  return out.sort((a, b) => a - b).join(',');
}

export const detectionTask: Task<
  DetectionTable,
  TaskMetric,
  DetectionRecord,
  ImageChange,
  PinnedImage,
  typeof detectionOverallSchema
> = {
  name: 'detection',
  classSlices: false,

  builder: (model, variant, _capacity, hashSource) =>
    new DetectionTableBuilder(model, variant, hashSource),
  parseRecord(value) {
    const record = parseDetectionRecord(value);
    return record && { model: record.model, variant: record.variant, record };
  },

  checkContract(role, contract) {
    if (!contract.detection)
      throw new UserError(
        'model',
        `${role} model: its outputs were resolved as class scores, not detections (task: detection)`,
      );
  },

  decode(output, items, model) {
    const det = model.contract.detection;
    if (!det || !output.outputs) throw new Error('detection decode needs the named outputs');
    const g = model.contract.geometry;
    const placements = items.map((it) => {
      if (!it.source) throw new Error('detection decode needs each image’s source size');
      return placementOf(it.source.width, it.source.height, g);
    });
    const found = decodeBatch(
      det,
      output.outputs,
      placements,
      det.numClasses,
      { width: g.width, height: g.height },
      det.options,
    );
    return items.map((it, j) => ({
      id: it.example.id,
      hash: it.hash,
      model: model.role,
      variant: it.variant,
      boxes: found[j]!.flatMap((d) => d.box.map(quantize)),
      scores: found[j]!.map((d) => quantize(d.score)),
      classes: found[j]!.map((d) => d.classIndex),
    }));
  },

  metrics(ctx) {
    const known = new Set<string>(DETECTION_METRICS);
    for (const g of ctx.config.gates)
      if (!known.has(g.metric))
        throw new UnknownMetricError(
          `unknown detection metric "${g.metric}"; detection metrics are ${DETECTION_METRICS.join(', ')}`,
        );
    return DETECTION_METRICS.map((name) => ({ name, direction: 'higher-is-better' as const }));
  },
  metricValues: ({ table, rows }, metrics, ctx) =>
    valuesOf(
      evaluationOf(table, ctx),
      weightsOf(table.length, rows),
      metrics.map((m) => m.name),
    ),
  deltaInterval(candidate, baseline, metric, options, ctx) {
    if (!hasInterval(metric)) return undefined;
    const ce = evaluationOf(candidate.table, ctx);
    const be = evaluationOf(baseline.table, ctx);
    const n = candidate.rows?.length ?? candidate.table.length;
    if (n === 0) return undefined;
    const cw = new Uint32Array(candidate.table.length);
    const bw = new Uint32Array(baseline.table.length);
    const iv = pairedBootstrap(
      n,
      (w) => {
        cw.fill(0);
        bw.fill(0);
        for (let t = 0; t < n; t++) {
          cw[candidate.rows ? candidate.rows[t]! : t]! += w[t]!;
          bw[baseline.rows ? baseline.rows[t]! : t]! += w[t]!;
        }
        const c = valuesOf(ce, cw, [metric.name])[metric.name];
        const b = valuesOf(be, bw, [metric.name])[metric.name];
        return c === null || b === null || c === undefined || b === undefined ? NaN : c - b;
      },
      options,
    );
    return Number.isFinite(iv.lower) && Number.isFinite(iv.upper)
      ? { lower: iv.lower, upper: iv.upper }
      : undefined;
  },
  correct: (table, i, ctx) => evaluationOf(table, ctx).wrong[i] === 0,
  outcomeMetric: 'image_accuracy',
  // mAP is what a detector is judged by, and image_accuracy (no miss and no false positive at
  // the working point) is near 0 for most detectors: McNemar on it cannot see a regression.
  metricTests: {
    metric: 'map',
    description:
      "paired permutation test on map, each image's detections swapped between the models",
    paired: (candidate, baseline, options, ctx) =>
      mapSwapTest(
        sideBySideOf(candidate.table, baseline.table, ctx),
        rowsOf(candidate),
        rowsOf(baseline),
        options,
      ),
    worseThanRest: (candidate, baseline, inSlice, options, ctx) =>
      mapExcessTest(
        evaluationOf(candidate.table, ctx).ev,
        evaluationOf(baseline.table, ctx).ev,
        rowsOf(candidate),
        rowsOf(baseline),
        inSlice,
        options,
      ),
  },
  // Discovery: the share of an image's objects the candidate misses, and images where it misses
  // an object the baseline found (new false positives are too common at a low working threshold
  // to point at a slice: 247 of the example's 320 images have one).
  errorOf: (table, i, ctx) => {
    const te = evaluationOf(table, ctx);
    const objects = te.tp[i]! + te.fn[i]!;
    return objects === 0 ? 0 : te.fn[i]! / objects;
  },
  regressed: (candidate, i, baseline, j, ctx) => {
    const c = evaluationOf(candidate, ctx);
    const b = evaluationOf(baseline, ctx);
    const ci = c.gt.offsets[i]!;
    const bj = b.gt.offsets[j]!;
    for (let r = 0; r < c.gt.offsets[i + 1]! - ci; r++)
      if (b.match.objects[bj + r] === 1 && c.match.objects[ci + r] === 0) return true;
    return false;
  },
  samePrediction: (a, i, b, j, ctx) => {
    const t = workingPoint(ctx).scoreThreshold;
    return classesAbove(a, i, t) === classesAbove(b, j, t);
  },
  robustness: detectionRobustness,

  schemas: {
    overall: detectionOverallSchema,
    exampleChange: imageChangeSchema,
    pinnedCase: pinnedImageSchema,
  },
  summarise(table, ctx) {
    const te = evaluationOf(table, ctx);
    const wp = workingPoint(ctx);
    const stats = summarize(accumulate(te.ev));
    const at = workingPointMetrics(te.gt, table.detections, ctx.classes.length, wp);
    const undef = (v: number) => (v > -1 ? v : null);
    return {
      workingPoint: wp,
      perClass: ctx.classes.map((c, k) => ({
        class: c,
        ap: undef(stats.perClass[k]!.ap),
        ap50: undef(stats.perClass[k]!.ap50),
        ...at.perClass[k]!,
        support: at.perClass[k]!.tp + at.perClass[k]!.fn,
      })),
      confusion: at.confusion,
    };
  },
  exampleChanges: (pairing, lookup, ctx, limit) => imageChanges(pairing, lookup, ctx, limit),
  checkPinned(ids, candidate, ctx) {
    const te = evaluationOf(candidate, ctx);
    const rowOf = candidate.indexById();
    return ids.map((id) => {
      const i = rowOf.get(id);
      if (i === undefined) return { id, status: 'missing' as const };
      let objects = 0;
      for (let r = te.gt.offsets[i]!; r < te.gt.offsets[i + 1]!; r++)
        if (te.match.objects[r] !== 2) objects++;
      const missed = te.fn[i]!;
      if (missed === 0) return { id, status: 'pass' as const, objects, missed };
      // A failing pinned image carries its boxes, for report.html to draw.
      const boxes = boxesOfImage(candidate, te, i, ctx.classes);
      return {
        id,
        status: 'fail' as const,
        objects,
        missed,
        missedObjects: boxes.missed,
        matched: boxes.matched,
      };
    });
  },
  pinnedRule: 'every object of a pinned image detected at the working point',
  pinnedReason: (p) =>
    p.status === 'missing'
      ? `pinned image ${p.id} is not in the evaluated dataset`
      : `pinned image ${p.id}: ${p.missed} of ${p.objects} objects missed`,

  render,

  presentation: {
    headline: 'map',
    summary: ['map', 'ap50', 'ap75', 'ar100', 'precision', 'recall', 'image_accuracy'],
    trend: ['map', 'ap50', 'recall'],
    isRate: (metric) => RATES.has(metric),
    lowerIsBetter: () => false,
  },
};
