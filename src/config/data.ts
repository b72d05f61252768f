/**
 * Options of the data suite (the `data:` key of visiongate.yml). Every option has a default, so
 * `dataSuiteConfigSchema.parse({})` is a complete, working configuration. Nested objects use
 * zod 4's `prefault` so their own defaults are applied when the key is absent.
 */
import { z } from 'zod';

const nonEmpty = z.string().min(1, 'must not be empty');
const share = z.number().min(0, 'a share must be ≥ 0');
const sharesSchema = z
  .record(nonEmpty, share)
  .describe(
    'Expected share per category: proportions or any non-negative weights (normalised to sum 1).',
  );

/**
 * A gate threshold: a number (fail above it) or `{ warn, fail }`. Omit both to only report.
 * For `min*` gates the comparison is reversed (below the threshold is a violation).
 */
export const dataGateSchema = z.union([
  z.number(),
  z
    .object({
      warn: z.number().optional().describe('Warn beyond this value.'),
      fail: z.number().optional().describe('Fail beyond this value.'),
    })
    .strict(),
]);
export type DataGateSetting = z.infer<typeof dataGateSchema>;

const hashKind = z
  .enum(['phash', 'dhash', 'both'])
  .describe(
    'Perceptual hash deciding "near": pHash (DCT), dHash (gradient), or both (each within the threshold).',
  );
const hammingThreshold = z
  .number()
  .int()
  .min(0)
  .max(32)
  .describe(
    'Largest Hamming distance (of 64 bits) between perceptual hashes that makes a pair a near-duplicate candidate (then checked on pixels, see pixelCheck).',
  );
const pixelCheck = z
  .boolean()
  .describe(
    'Confirm each candidate pair on pixels: aligned 16×16 thumbnails must agree within maxPixelDifference. false: the hashes decide alone.',
  );
const maxPixelDifference = z
  .number()
  .positive()
  .describe(
    'Largest difference between the aligned thumbnails of a near duplicate: the mean difference over the worst 3×3 block, in standard deviations of the image (at least 0.35 for hashes within 2 bits).',
  );

export const labelIssuesConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    method: z
      .enum([
        'prune_by_noise_rate',
        'prune_by_class',
        'both',
        'confident_joint',
        'predicted_neq_given',
      ])
      .default('prune_by_noise_rate')
      .describe('Confident-learning rank-and-prune rule (Northcutt et al. 2021, §3.3).'),
    rankBy: z
      .enum(['normalized_margin', 'self_confidence'])
      .default('normalized_margin')
      .describe('Order of the suspects: lowest normalised margin or lowest self-confidence first.'),
    requireBaselineAgreement: z
      .boolean()
      .default(true)
      .describe('With baseline probabilities, flag an example only when both models flag it.'),
  })
  .strict();

export const duplicatesConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    hash: hashKind.default('phash'),
    hammingThreshold: hammingThreshold.default(8),
    pixelCheck: pixelCheck.default(true),
    maxPixelDifference: maxPixelDifference.default(0.2),
    contentWindow: z
      .boolean()
      .default(true)
      .describe(
        'Also hash the content window (middle 98% of deviation from the border colour), not only the whole frame; also used for leakage.',
      ),
  })
  .strict();

export const leakageConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Runs only when trainManifest is given.'),
    near: z
      .boolean()
      .default(true)
      .describe('Also match near duplicates (else exact sha256 only).'),
    hash: hashKind.default('phash'),
    hammingThreshold: hammingThreshold.default(8),
    pixelCheck: pixelCheck.default(true),
    maxPixelDifference: maxPixelDifference.default(0.2),
  })
  .strict();

export const representativityConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Runs when expected shares or a reference manifest are given.'),
    expected: z
      .object({
        label: z
          .union([z.literal('uniform'), sharesSchema])
          .optional()
          .describe(
            'Expected class shares, or "uniform". Default: from the reference manifest, if any.',
          ),
        metadata: z
          .record(nonEmpty, sharesSchema)
          .default({})
          .describe(
            'Expected shares per metadata column, e.g. { lighting: { day: 0.7, night: 0.3 } }.',
          ),
      })
      .strict()
      .prefault({}),
    columns: z
      .array(nonEmpty)
      .optional()
      .describe(
        'Metadata columns to compare. Default: columns with expected shares plus every reference column.',
      ),
    minSupport: z
      .number()
      .int()
      .min(1)
      .default(30)
      .describe('Categories observed fewer times are named.'),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.01)
      .describe('Significance level of the chi-square tests.'),
  })
  .strict();

export const imagePropertiesConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    failOn: z
      .enum(['none', 'truncated', 'error', 'warning'])
      .default('error')
      .describe(
        "sharp's decoder strictness: an image failing at this level is reported unreadable.",
      ),
    maxSide: z
      .number()
      .int()
      .min(32)
      .max(4096)
      .default(512)
      .describe('Images are analysed (and hashed) after downscaling to this longest side.'),
    outlierZ: z
      .number()
      .positive()
      .default(3.5)
      .describe('|modified z-score| above this is an outlier.'),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.01)
      .describe('Significance level of the drift tests (BH-adjusted).'),
  })
  .strict();

export const biasConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Runs when attributes are given.'),
    attributes: z
      .array(nonEmpty)
      .default([])
      .describe('Sensitive metadata columns, e.g. [skin_tone, site].'),
    minGroupSize: z
      .number()
      .int()
      .min(1)
      .default(30)
      .describe('Smaller groups are reported but excluded from the gaps.'),
    minClassSupport: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe(
        'A group needs this many positives (negatives) of a class for its TPR (FPR) of that class.',
      ),
  })
  .strict();

export const boxesConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Check detection ground truth: degenerate, out-of-bounds and duplicate boxes, class balance, tiny objects. Detection only.',
      ),
  })
  .strict();

export const dataGatesConfigSchema = z
  .object({
    maxLabelIssueRate: dataGateSchema
      .default({ warn: 0.02 })
      .describe('Fraction of examples flagged as label issues.'),
    maxDegenerateBoxes: dataGateSchema
      .default({ warn: 0 })
      .describe('Detection: ground-truth boxes with zero width or height.'),
    maxOutOfBoundsBoxes: dataGateSchema
      .default({ warn: 0 })
      .describe('Detection: ground-truth boxes past the image border.'),
    maxDuplicateBoxes: dataGateSchema
      .default({ warn: 0 })
      .describe('Detection: pairs of same-class boxes in one image with IoU ≥ 0.95.'),
    maxTinyObjectShare: dataGateSchema
      .default({})
      .describe(
        'Detection: share of counted objects with area < 16² pixels (report only by default).',
      ),
    minClassObjects: dataGateSchema
      .default({})
      .describe('Detection: objects of the rarest class (report only by default).'),
    maxDuplicateGroups: dataGateSchema
      .default({ warn: 0 })
      .describe('Groups of exact or near duplicates.'),
    maxConflictingDuplicateGroups: dataGateSchema
      .default({ warn: 0 })
      .describe('Duplicate groups whose members carry different labels.'),
    maxLeakageRate: dataGateSchema
      .default({ warn: 0, fail: 0.01 })
      .describe('Fraction of evaluation examples found in the training set.'),
    maxUnreadableImages: dataGateSchema
      .default({ fail: 0 })
      .describe('Images that cannot be decoded.'),
    maxOutlierRate: dataGateSchema
      .default({ warn: 0.05 })
      .describe('Fraction of images outlying on some property.'),
    maxPropertyDrift: dataGateSchema
      .default({ warn: 0.1 })
      .describe('Largest KS statistic of an image property, evaluation vs reference.'),
    maxRepresentativityTvd: dataGateSchema
      .default({ warn: 0.1 })
      .describe(
        'Largest total variation distance of a label/metadata distribution from the expected one.',
      ),
    maxBiasGap: dataGateSchema
      .default({ warn: 0.05 })
      .describe('Largest accuracy gap between eligible groups.'),
    maxEqualizedOddsDifference: dataGateSchema
      .default({ warn: 0.1 })
      .describe('Largest equalised-odds difference over sensitive attributes.'),
  })
  .strict();

export const dataSuiteConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Run the data suite at all.'),
    trainManifest: nonEmpty
      .optional()
      .describe(
        'Training-set manifest (same formats as the dataset), for leakage. Relative to the config file.',
      ),
    referenceManifest: nonEmpty
      .optional()
      .describe(
        'Reference manifest (e.g. a production sample) for representativity and image-property drift.',
      ),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(4)
      .describe(
        'Images read in parallel by the data scans outside the evaluation pass (training and reference manifests, merge).',
      ),
    maxListed: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(50)
      .describe('Worst offenders kept per finding.'),
    labelIssues: labelIssuesConfigSchema.prefault({}),
    boxes: boxesConfigSchema.prefault({}),
    duplicates: duplicatesConfigSchema.prefault({}),
    leakage: leakageConfigSchema.prefault({}),
    representativity: representativityConfigSchema.prefault({}),
    imageProperties: imagePropertiesConfigSchema.prefault({}),
    bias: biasConfigSchema.prefault({}),
    gates: dataGatesConfigSchema.prefault({}),
  })
  .strict();

/** Parsed data-suite options (all defaults applied). */
export type DataSuiteConfig = z.infer<typeof dataSuiteConfigSchema>;
/** What a user may write (everything optional). */
export type DataSuiteConfigInput = z.input<typeof dataSuiteConfigSchema>;
export type DataGateName = keyof DataSuiteConfig['gates'];
