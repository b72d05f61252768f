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

/**
 * Most boxes of one kind listed per image (ground truth, matched detections, missed objects of a
 * pinned image): enough to draw any realistic image (COCO averages 7 objects, its busiest images
 * about 90), while a crowded image cannot bloat report.json.
 */
export const MAX_BOXES_PER_IMAGE = 100;

const objectBox = z.object({ class: z.string(), box: z.array(z.number()) });
const scoredBox = objectBox.extend({ score: z.number() });

/** An image with newly missed objects or new false positives (or, newly fixed, the reverse). */
export const imageChangeSchema = z.object({
  id: z.string(),
  path: z.string(),
  /** Objects the baseline found and the candidate misses (newly fixed: the reverse). */
  newlyMissed: z.array(objectBox),
  /** Candidate false positives the baseline did not make (newly fixed: empty). */
  newFalsePositives: z.array(scoredBox),
  /**
   * Newly failing images: the image's counted ground-truth objects (crowd and ignored ones
   * left out), at most MAX_BOXES_PER_IMAGE, so the page can outline every object.
   */
  truth: z.array(objectBox).optional(),
  /**
   * Newly failing images: the candidate's detections matched to an object at the working point
   * (what it still finds), highest score first, at most MAX_BOXES_PER_IMAGE.
   */
  matched: z.array(scoredBox).optional(),
  metadata: z.record(z.string(), z.string()),
});

/** A pinned image: every counted object detected at the working point (`pass`), or not. */
export const pinnedImageSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'fail', 'missing']),
  objects: z.number().int().optional(),
  missed: z.number().int().optional(),
  /** The counted objects the candidate misses at the working point, at most MAX_BOXES_PER_IMAGE. */
  missedObjects: z.array(objectBox).optional(),
  /** The candidate's detections matched to an object, highest score first, at most MAX_BOXES_PER_IMAGE. */
  matched: z.array(scoredBox).optional(),
});

export type DetectionOverall = z.infer<typeof detectionOverallSchema>;
export type ImageChange = z.infer<typeof imageChangeSchema>;
export type PinnedImage = z.infer<typeof pinnedImageSchema>;
