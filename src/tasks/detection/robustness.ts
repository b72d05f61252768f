/**
 * Detection under the robustness suite's transforms. A transform variant's image is the clean
 * one moved (hflip, translate, scale, crop) or recoloured, and its detections are in the moved
 * image's pixels; so its mAP is judged against the ground truth moved the same way, and its
 * consistency compares its detections with the clean image's moved there
 * (metrics/detection/box-transforms.ts). The engine makes detection variants on the image at
 * its own size (docs/corruptions.md), so the move is the one on the image's own pixels.
 */
import {
  detectionConsistency,
  isBoxTransform,
  moveGroundTruth,
  type BoxTransform,
} from '../../metrics/detection/box-transforms.js';
import { selectDetections, selectGroundTruth } from '../../tables/detections.js';
import type { TransformSpec } from '../../transforms/index.js';
import type { Rows, TaskContext, TaskMetric, TaskRobustness } from '../task.js';
import { valuesOf, evaluationOf, weightsOf, workingPoint } from './evaluation.js';
import { DetectionTable } from './records.js';

/** A colour change moves no box: the identity map. */
const IDENTITY: BoxTransform = { type: 'translate', dx: 0, dy: 0 };
const boxMapOf = (spec: TransformSpec): BoxTransform => (isBoxTransform(spec) ? spec : IDENTITY);

/** Rows of a table as a list (all of them when `rows` is absent). */
const rowList = ({ table, rows }: Rows<DetectionTable>): number[] =>
  rows ? Array.from(rows) : Array.from({ length: table.length }, (_, i) => i);

/** The dataset rows and pixel sizes of a table's images. */
function imagesOf(table: DetectionTable, rows: readonly number[], ctx: TaskContext) {
  const g = ctx.groundTruth;
  if (!g?.sizes) throw new Error('detection robustness needs the image sizes in the task context');
  const gtRows = rows.map((i) => {
    const r = g.rowOf.get(table.ids[i]!);
    if (r === undefined) throw new Error(`no ground truth for image ${table.ids[i]}`);
    return r;
  });
  return {
    gtRows,
    sizes: {
      widths: gtRows.map((r) => g.sizes!.widths[r]!),
      heights: gtRows.map((r) => g.sizes!.heights[r]!),
    },
  };
}

/** Per transform variant's table: its stand-in judged against the moved ground truth. */
const movedCache = new WeakMap<
  DetectionTable,
  { judged: DetectionTable; groundTruth: NonNullable<TaskContext['groundTruth']> }
>();

export const detectionRobustness: TaskRobustness<DetectionTable, TaskMetric> = {
  frame: 'source',

  transformedValues(variant, spec, metrics, ctx) {
    const names = metrics.map((m) => m.name);
    if (!isBoxTransform(spec))
      return valuesOf(
        evaluationOf(variant.table, ctx),
        weightsOf(variant.table.length, variant.rows),
        names,
      );
    const t = variant.table;
    let moved = movedCache.get(t);
    if (!moved) {
      // The table's images, each once, against their moved ground truth; a set of rows (a
      // slice, a resample) then only weighs them.
      const all = Array.from({ length: t.length }, (_, i) => i);
      const { gtRows, sizes } = imagesOf(t, all, ctx);
      const gt = moveGroundTruth(selectGroundTruth(ctx.groundTruth!.columns, gtRows), sizes, spec);
      moved = {
        // A table object of its own: evaluations are cached per table, and this one is only
        // ever judged against the moved ground truth.
        judged: new DetectionTable(t.model, t.variant, t.ids, t.hashes, t.detections),
        groundTruth: { rowOf: t.indexById(), columns: gt },
      };
      movedCache.set(t, moved);
    }
    const movedCtx: TaskContext = { ...ctx, groundTruth: moved.groundTruth };
    return valuesOf(evaluationOf(moved.judged, movedCtx), weightsOf(t.length, variant.rows), names);
  },

  consistency(clean, variant, spec, ctx) {
    const cleanRows = rowList(clean);
    const variantRows = rowList(variant);
    const { sizes } = imagesOf(clean.table, cleanRows, ctx);
    const per = detectionConsistency(
      selectDetections(clean.table.detections, cleanRows),
      selectDetections(variant.table.detections, variantRows),
      sizes,
      boxMapOf(spec),
      { scoreThreshold: workingPoint(ctx).scoreThreshold, iou: workingPoint(ctx).iouThreshold },
    );
    let matched = 0;
    let count = 0;
    for (const p of per) {
      matched += p.matched;
      count += p.original + p.transformed;
    }
    return count > 0 ? matched / (count / 2) : null;
  },
};
