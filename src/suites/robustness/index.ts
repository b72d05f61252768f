/**
 * The robustness suite: ImageNet-C corruptions at severities 1-5 and label-preserving transforms
 * on a stratified sample (plan.ts), corruption error and flip rates (metrics.ts), its gates
 * (gates.ts) and its comment section (render.ts). The plan is made once per run.
 */
import type { Suite } from '../../analysis/suite.js';
import { resolveTable } from '../../corruptions/index.js';
import type { RobustnessConfig } from '../../config/robustness.js';
import type { VariantFrame } from '../../tasks/task.js';
import { robustnessGates } from './gates.js';
import { computeRobustness, type RobustnessResult } from './metrics.js';
import { planRobustness, robustnessVariants, type RobustnessPlan } from './plan.js';
import { renderRobustnessSection } from './render.js';
import { robustnessResultSchema } from './schema.js';

/** A robustness plan with the settings it was made from. */
export interface RobustnessSuitePlan {
  config: RobustnessConfig;
  plan: RobustnessPlan;
  /**
   * The corruption parameter table: the one for the candidate's input size, or `auto` when
   * variants are made at each image's own size and `auto` picks one per image.
   */
  table: string;
  sliceColumns: readonly string[];
  /** Where the task's variants are made (detection: on the image at its own size). */
  frame: VariantFrame;
}

export const robustnessSuite: Suite<
  'robustness',
  RobustnessSuitePlan,
  RobustnessResult,
  typeof robustnessResultSchema
> = {
  name: 'robustness',
  resultSchema: robustnessResultSchema,

  plan(ctx) {
    const config = ctx.config.robustness;
    if (!config?.enabled) return undefined;
    const sliceColumns = ctx.config.slices.columns ?? ctx.metadataColumns;
    const frame = ctx.task.robustness?.frame ?? 'input';
    return {
      config,
      plan: planRobustness(config, ctx.allExamples, sliceColumns),
      // At the image's own size, `auto` resolves per image (corruptions/index.ts), not by the
      // model's input: one table named for all would be wrong for some images.
      table:
        frame === 'source' && config.table === 'auto'
          ? 'auto'
          : resolveTable(ctx.inputSize, config.table),
      sliceColumns,
      frame,
    };
  },

  needs: ({ plan, config, frame }) => ({ variants: robustnessVariants(plan, config, frame) }),

  describe: ({ plan }) =>
    `robustness: ${plan.sample.size} sampled examples × ${plan.corruptions.length} corruptions × ${plan.severities.length} severities${plan.transforms.length ? ` + ${plan.transforms.length} transforms` : ''}`,

  analyse(ctx, { config, plan, table, sliceColumns }) {
    // Only the sampled examples get variants: example objects for those alone.
    const sampled = [];
    for (const e of ctx.frame.exRows)
      if (plan.sample.has(ctx.examples.ids[e]!)) sampled.push(ctx.examples.at(e));
    const stats = ctx.config.statistics;
    const result = computeRobustness(ctx, ctx.candidate, ctx.baseline, plan, sampled, {
      table,
      sliceColumns,
      minSupport: ctx.config.slices.minSupport,
      // The mPC interval costs a metric evaluation per variant and resample: only for its gate.
      ...(config.gates.maxMPCDrop !== undefined && stats.resamples > 0
        ? {
            interval: {
              resamples: stats.resamples,
              confidence: stats.confidence,
              seed: stats.seed,
            },
          }
        : {}),
    });
    return { result, gates: robustnessGates(result, config) };
  },

  render: (result, { maxRows }) => renderRobustnessSection(result, { maxRows }),

  trend: {
    names: ['corrupted_accuracy'],
    values: (result): Record<string, number> => {
      const acc = result.candidate.corruptedAccuracy;
      return acc !== null && Number.isFinite(acc) ? { corrupted_accuracy: acc } : {};
    },
  },
};
