/** Options of the robustness suite (the `robustness:` key of visiongate.yml). */
import { z } from 'zod';
import { CORRUPTION_NAMES } from '../corruptions/types.js';
import { parseTransform } from '../transforms/index.js';

/** The 15 corruptions of the ImageNet-C benchmark (the 4 extra ones are held out in the paper). */
export const BENCHMARK_CORRUPTIONS = CORRUPTION_NAMES.slice(0, 15);

const transformSchema = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    try {
      parseTransform(value, 'transform');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: (error as Error).message.replace(/^transform: /, ''),
      });
    }
  })
  .describe('A label-preserving transform, e.g. { type: rotate, degrees: 10 } or { type: hflip }.');

/** `robustness:` in visiongate.yml. */
export const robustnessConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    corruptions: z
      .union([z.enum(['benchmark', 'all']), z.array(z.enum(CORRUPTION_NAMES)).min(1)])
      .default('benchmark')
      .describe(
        'benchmark: the 15 ImageNet-C corruptions; all: plus speckle_noise, gaussian_blur, spatter, saturate; or a list.',
      ),
    severities: z.array(z.number().int().min(1).max(5)).min(1).default([1, 2, 3, 4, 5]),
    table: z
      .enum(['auto', 'imagenet', 'cifar'])
      .default('auto')
      .describe(
        'Parameter table: auto picks CIFAR-10-C for inputs of at most 64 px, else ImageNet-C.',
      ),
    pixelScale: z
      .enum(['reference', 'image'])
      .default('reference')
      .describe(
        'reference: pixel-valued parameters as published; image: scaled to the input size.',
      ),
    sample: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe(
        'At most this many examples get the corruptions, stratified by class and metadata.',
      ),
    seed: z.number().int().min(0).default(0).describe('Seed of the stratified sample.'),
    transforms: z
      .array(transformSchema)
      .default([])
      .describe('Invariance tests: prediction flip rate vs the clean image.'),
    gates: z
      .object({
        maxRelativeMCE: z
          .number()
          .positive()
          .optional()
          .describe(
            'Largest allowed relative mCE of the candidate, normalised by the baseline (1 = as robust; classification).',
          ),
        maxMCE: z
          .number()
          .positive()
          .optional()
          .describe(
            'Largest allowed mCE normalised by the baseline (1 = as robust; classification).',
          ),
        maxCorruptionDrop: z
          .number()
          .min(0)
          .optional()
          .describe(
            'Largest allowed drop of the headline metric (accuracy; detection: mAP) vs the baseline at any corruption and severity.',
          ),
        minCorruptionAccuracy: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe('Floor on mean accuracy over all corrupted images (classification).'),
        maxFlipRate: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe('Largest allowed flip rate of any transform (classification).'),
        maxMPCDrop: z
          .number()
          .min(0)
          .optional()
          .describe(
            'Largest allowed drop of mPC (mean mAP under corruption) vs the baseline (detection).',
          ),
        minRPC: z
          .number()
          .min(0)
          .optional()
          .describe('Floor on the candidate rPC, mPC / clean mAP (detection).'),
        maxRPCDrop: z
          .number()
          .min(0)
          .optional()
          .describe('Largest allowed drop of rPC vs the baseline (detection).'),
        minConsistency: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe(
            'Floor on detection consistency under every transform: detections of the transformed image that match the clean ones moved (detection).',
          ),
        level: z.enum(['fail', 'warn']).default('fail'),
      })
      .strict()
      .default({ level: 'fail' }),
  })
  .strict();

export type RobustnessConfig = z.infer<typeof robustnessConfigSchema>;
