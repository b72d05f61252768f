/** What detection adds to report.json: overall extras, image changes, pinned images. */
import { z } from 'zod';

/** `overall` besides the metric values: per-class AP and working-point scores, confusion. */
export const detectionOverallSchema = z.object({
  workingPoint: z.object({
    scoreThreshold: z.number(),
    iouThreshold: z.number(),
  }),
  perClass: z.array(
    z.object({
      class: z.string(),
      ap: z.number().nullable(),
      ap50: z.number().nullable(),
      precision: z.number(),
      recall: z.number(),
      f1: z.number(),
      tp: z.number().int(),
      fp: z.number().int(),
      fn: z.number().int(),
      /** Counted objects of the class (tp + fn). */
      support: z.number().int(),
    }),
  ),
  /** (K + 1) × (K + 1): rows true class, columns predicted class, last = background. */
  confusion: z.array(z.array(z.number().int())),
});

/** An image with newly missed objects or new false positives (or, newly fixed, the reverse). */
export const imageChangeSchema = z.object({
  id: z.string(),
  path: z.string(),
  /** Objects the baseline found and the candidate misses (newly fixed: the reverse). */
  newlyMissed: z.array(z.object({ class: z.string(), box: z.array(z.number()) })),
  /** Candidate false positives the baseline did not make (newly fixed: empty). */
  newFalsePositives: z.array(
    z.object({ class: z.string(), box: z.array(z.number()), score: z.number() }),
  ),
  metadata: z.record(z.string(), z.string()),
});

/** A pinned image: every counted object detected at the working point (`pass`), or not. */
export const pinnedImageSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'fail', 'missing']),
  objects: z.number().int().optional(),
  missed: z.number().int().optional(),
});

export type DetectionOverall = z.infer<typeof detectionOverallSchema>;
export type ImageChange = z.infer<typeof imageChangeSchema>;
export type PinnedImage = z.infer<typeof pinnedImageSchema>;
