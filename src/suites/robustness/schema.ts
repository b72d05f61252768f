/** The robustness suite's result in report.json (`suites.robustness`). */
import { z } from 'zod';
import { count, measure, type SameShape } from '../../analysis/json.js';
import type { RobustnessResult } from './metrics.js';

const modelRobustnessSchema = z.object({
  cleanAccuracy: measure,
  accuracy: z
    .record(z.string(), z.array(measure))
    .describe(
      'Accuracy (detection: mAP, see `metric`) per corruption, one value per severity (in `severities` order).',
    ),
  meanAccuracy: z.record(z.string(), measure).describe('Mean over severities, per corruption.'),
  meanError: measure.describe('Mean top-1 error over all corruptions and severities.'),
  corruptedAccuracy: measure.describe('Mean accuracy over all corrupted images.'),
  flipRate: z
    .record(z.string(), measure)
    .describe('Fraction of the sample whose prediction differs from the clean one, per variant.'),
  transformAccuracy: z.record(z.string(), measure),
  mPC: measure
    .optional()
    .describe(
      'Detection: mean over corruptions of the mean mAP over severities (Michaelis et al. 2019).',
    ),
  rPC: measure.optional().describe('Detection: mPC / clean mAP.'),
  consistency: z
    .record(z.string(), measure)
    .optional()
    .describe(
      'Detection, per transform: detections of the transformed image matching the clean ones moved (same class, IoU ≥ the working IoU) over the mean count of both.',
    ),
});

const deltaSchema = z.object({
  candidate: measure,
  baseline: measure,
  delta: measure,
  interval: z
    .object({ lower: z.number(), upper: z.number(), confidence: z.number() })
    .optional()
    .describe(
      'Paired image-bootstrap interval of the delta (mPC, when robustness.gates.maxMPCDrop is set).',
    ),
});

const sliceAccuracy = z.object({ corruptedAccuracy: measure, cleanAccuracy: measure });

export const robustnessResultSchema = z.object({
  corruptions: z.array(z.string()),
  severities: z.array(count),
  transforms: z.array(z.string()),
  sampleSize: count,
  table: z
    .string()
    .describe(
      'Corruption parameter table: imagenet or cifar; auto when variants are made at each image’s own size (detection) and each image picked its own.',
    ),
  candidate: modelRobustnessSchema,
  baseline: modelRobustnessSchema.optional(),
  normalized: z
    .object({
      ce: z.record(z.string(), measure),
      relativeCe: z.record(z.string(), measure),
      mCE: measure,
      relativeMCE: measure,
    })
    .optional()
    .describe('Corruption error normalised by the baseline (Hendrycks & Dietterich 2019).'),
  metric: z
    .string()
    .optional()
    .describe(
      'The metric the `accuracy` fields hold when it is not accuracy: map for detection (the task’s headline metric).',
    ),
  comparison: z
    .object({ mPC: deltaSchema, rPC: deltaSchema })
    .optional()
    .describe('Detection with a baseline: mPC and rPC of both models and candidate − baseline.'),
  slices: z.array(
    z.object({
      key: z.string(),
      n: count,
      candidate: sliceAccuracy,
      baseline: sliceAccuracy.optional(),
    }),
  ),
  notes: z.array(z.string()),
});

true satisfies SameShape<RobustnessResult, typeof robustnessResultSchema>;
