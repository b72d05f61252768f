/**
 * The data suite's result in report.json (`suites.data`): every check's findings, fully typed.
 * Each schema is checked against the check's own result type at compile time (SameShape), so a
 * field added to a finding must be added here too.
 */
import { z } from 'zod';
import { count, measure, type SameShape } from '../../analysis/json.js';
import { dataGatesConfigSchema } from '../../config/data.js';
import type { BiasFinding } from './bias.js';
import type { BoxesFinding } from './boxes.js';
import type { ImagePropertiesFinding } from './image-properties.js';
import type { LabelIssuesFinding } from './label-issues.js';
import type { DuplicatesFinding, LeakageFinding } from './near-duplicates.js';
import type { RepresentativityFinding } from './representativity.js';

const skippedSchema = z.object({ status: z.literal('skipped'), reason: z.string() });
const level = z.enum(['pass', 'warn', 'fail']);
const hashMode = z.enum(['phash', 'dhash', 'both']);

export const labelIssuesFindingSchema = z.object({
  status: z.literal('ran'),
  method: z.enum([
    'prune_by_noise_rate',
    'prune_by_class',
    'both',
    'confident_joint',
    'predicted_neq_given',
  ]),
  rankBy: z.enum(['self_confidence', 'normalized_margin']),
  models: z.enum(['candidate', 'candidate+baseline']),
  evaluatedCount: count,
  skippedCount: count,
  issueCount: count,
  issueRate: measure,
  candidateIssueCount: count,
  baselineIssueCount: count.optional(),
  estimatedNoiseRate: measure,
  thresholds: z.array(z.object({ label: z.string(), threshold: measure })),
  topConfusions: z.array(z.object({ given: z.string(), suggested: z.string(), count })),
  issues: z.array(
    z.object({
      id: z.string(),
      givenLabel: z.string(),
      suggestedLabel: z.string(),
      selfConfidence: measure,
      normalizedMargin: measure,
      baselineSuggestedLabel: z.string().optional(),
    }),
  ),
  truncated: z.boolean(),
});

const boxRef = {
  id: z.string(),
  path: z.string(),
  class: z.string(),
  imageWidth: measure,
  imageHeight: measure,
};

export const boxesFindingSchema = z.object({
  status: z.literal('ran'),
  imageCount: count,
  objectCount: count,
  emptyImageCount: count,
  degenerateCount: count,
  outOfBoundsCount: count,
  duplicateCount: count,
  duplicateIou: measure,
  tinyCount: count,
  tinyShare: measure,
  tinyArea: measure,
  areaBuckets: z.object({ small: count, medium: count, large: count }),
  classes: z.array(z.object({ class: z.string(), objects: count, images: count, share: measure })),
  rarestClass: z.object({ class: z.string(), objects: count }).nullable(),
  degenerate: z.array(
    z.object({ ...boxRef, object: count, box: z.array(measure).describe('x1, y1, x2, y2') }),
  ),
  outOfBounds: z.array(
    z.object({ ...boxRef, object: count, box: z.array(measure).describe('x1, y1, x2, y2') }),
  ),
  duplicates: z.array(
    z.object({
      ...boxRef,
      objects: z.array(count),
      iou: measure,
      boxes: z.array(z.array(measure)),
    }),
  ),
  truncated: z.boolean(),
});

export const duplicatesFindingSchema = z.object({
  status: z.literal('ran'),
  hash: hashMode,
  threshold: count,
  hashedCount: count,
  exactGroupCount: count,
  groupCount: count,
  imagesInGroups: count,
  redundantImages: count,
  conflictingGroupCount: count,
  groups: z.array(
    z.object({
      ids: z.array(z.string()),
      labels: z.array(z.string()),
      conflictingLabels: z.boolean(),
      exact: z.boolean(),
      maxLinkDistance: count,
    }),
  ),
  truncated: z.boolean(),
});

export const leakageFindingSchema = z.object({
  status: z.literal('ran'),
  hash: hashMode,
  threshold: count,
  trainCount: count,
  evalCount: count,
  leakedCount: count,
  leakedRate: measure,
  exactCount: count,
  nearCount: count,
  examples: z.array(
    z.object({
      id: z.string(),
      label: z.string().optional(),
      exact: z.boolean(),
      distance: count,
      trainIds: z.array(z.string()),
      trainMatchCount: count,
      labelMismatch: z.boolean(),
    }),
  ),
  truncated: z.boolean(),
});

export const representativityFindingSchema = z.object({
  status: z.literal('ran'),
  comparisons: z.array(
    z.object({
      dimension: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('label') }),
        z.object({ kind: z.literal('metadata'), column: z.string() }),
      ]),
      source: z.enum(['config', 'reference']),
      test: z.enum(['goodness-of-fit', 'homogeneity']),
      observedTotal: count,
      missingValueCount: count,
      referenceTotal: count.optional(),
      chiSquare: z.object({ statistic: measure, df: count, pValue: measure }).nullable(),
      significant: z.boolean(),
      tvd: measure,
      categories: z.array(
        z.object({
          value: z.string(),
          observed: count,
          observedShare: measure,
          expectedShare: measure,
          referenceCount: count.optional(),
        }),
      ),
      unexpected: z.array(z.string()),
      missing: z.array(z.string()),
      belowMinSupport: z.array(z.string()),
      lowExpectedCounts: z.boolean(),
    }),
  ),
  maxTvd: measure,
  minPValue: measure,
  significantCount: count,
});

const numericProperty = z.enum([
  'width',
  'height',
  'aspectRatio',
  'brightness',
  'contrast',
  'sharpness',
]);

export const imagePropertiesFindingSchema = z.object({
  status: z.literal('ran'),
  scannedCount: count,
  readableCount: count,
  unreadableCount: count,
  unreadable: z.array(z.object({ id: z.string(), error: z.string() })),
  formats: z.array(z.object({ format: z.string(), count })),
  channels: z.array(z.object({ channels: count, count })),
  properties: z.array(
    z.object({
      property: numericProperty,
      median: measure,
      p05: measure,
      p95: measure,
      min: measure,
      max: measure,
      outlierCount: count,
      outliers: z.array(z.object({ id: z.string(), value: measure, z: measure })),
    }),
  ),
  outlierImageCount: count,
  outlierRate: measure,
  drift: z
    .object({
      referenceCount: count,
      referenceUnreadableCount: count,
      properties: z.array(
        z.object({
          property: numericProperty,
          statistic: measure,
          pValue: measure,
          adjustedPValue: measure,
          method: z.enum(['exact', 'asymptotic']),
          evalMedian: measure,
          referenceMedian: measure,
          significant: z.boolean(),
        }),
      ),
      maxStatistic: measure,
    })
    .optional(),
  truncated: z.boolean(),
});

const gap = z.object({ value: measure, highest: z.string(), lowest: z.string() });

export const biasFindingSchema = z.object({
  status: z.literal('ran'),
  evaluatedCount: count,
  attributes: z.array(
    z.object({
      attribute: z.string(),
      missingCount: count,
      groups: z.array(
        z.object({
          value: z.string(),
          size: count,
          correct: count,
          accuracy: measure,
          accuracyLower: measure,
          accuracyUpper: measure,
          macroRecall: measure,
          macroFpr: measure,
          eligible: z.boolean(),
        }),
      ),
      eligibleGroupCount: count,
      accuracyGap: gap.nullable(),
      macroRecallGap: gap.nullable(),
      macroFprGap: gap.nullable(),
      classGaps: z.array(
        z.object({ label: z.string(), tprGap: gap.nullable(), fprGap: gap.nullable() }),
      ),
      equalizedOddsDifference: z
        .object({ value: measure, label: z.string(), component: z.enum(['tpr', 'fpr']) })
        .nullable(),
    }),
  ),
  maxAccuracyGap: measure,
  maxEqualizedOddsDifference: measure,
});

const orSkipped = <T extends z.ZodObject<{ status: z.ZodLiteral<'ran'> }>>(finding: T) =>
  z.discriminatedUnion('status', [finding, skippedSchema]);

export const dataResultSchema = z.object({
  level: level.describe('The worst gate status of the suite.'),
  exampleCount: count,
  checks: z.object({
    labelIssues: orSkipped(labelIssuesFindingSchema),
    boxes: orSkipped(boxesFindingSchema)
      .optional()
      .describe('Detection only: checks of the ground-truth boxes.'),
    duplicates: orSkipped(duplicatesFindingSchema),
    leakage: orSkipped(leakageFindingSchema),
    representativity: orSkipped(representativityFindingSchema),
    imageProperties: orSkipped(imagePropertiesFindingSchema),
    bias: orSkipped(biasFindingSchema),
  }),
  gateResults: z.array(
    z.object({
      check: z.enum([
        'labelIssues',
        'boxes',
        'duplicates',
        'leakage',
        'representativity',
        'imageProperties',
        'bias',
      ]),
      gate: dataGatesConfigSchema.keyof(),
      metric: z.string(),
      value: measure,
      threshold: measure,
      level,
      reason: z.string(),
    }),
  ),
});

true satisfies SameShape<LabelIssuesFinding, typeof labelIssuesFindingSchema>;
true satisfies SameShape<BoxesFinding, typeof boxesFindingSchema>;
true satisfies SameShape<DuplicatesFinding, typeof duplicatesFindingSchema>;
true satisfies SameShape<LeakageFinding, typeof leakageFindingSchema>;
true satisfies SameShape<RepresentativityFinding, typeof representativityFindingSchema>;
true satisfies SameShape<ImagePropertiesFinding, typeof imagePropertiesFindingSchema>;
true satisfies SameShape<BiasFinding, typeof biasFindingSchema>;
