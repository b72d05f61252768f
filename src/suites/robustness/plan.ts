import { CORRUPTION_NAMES, type CorruptionName, type Severity } from '../../corruptions/types.js';
import { parseTransform, type NamedTransform } from '../../transforms/index.js';
import type { VariantRequest } from '../../analysis/suite.js';
import type { VariantFrame } from '../../tasks/task.js';
import type { ExampleTable } from '../../tables/examples.js';
import { BENCHMARK_CORRUPTIONS, type RobustnessConfig } from '../../config/robustness.js';
import { stratifiedSample } from './sample.js';

/** What the robustness pass evaluates, derived from config and the full example list. */
export interface RobustnessPlan {
  corruptions: CorruptionName[];
  severities: Severity[];
  transforms: NamedTransform[];
  /** Ids of the examples that get every corruption and transform. */
  sample: Set<string>;
}

/** Variant name of a corruption at a severity, as stored in records. */
export const corruptionVariant = (c: string, s: number) => `${c}@${s}`;
/** Variant name of a transform. */
export const transformVariant = (name: string) => `t:${name}`;

/** Resolve the config into concrete corruptions, severities, transforms and the sample. */
export function planRobustness(
  config: RobustnessConfig,
  allExamples: ExampleTable,
  sliceColumns: readonly string[],
): RobustnessPlan {
  const corruptions =
    config.corruptions === 'benchmark'
      ? [...BENCHMARK_CORRUPTIONS]
      : config.corruptions === 'all'
        ? [...CORRUPTION_NAMES]
        : [...new Set(config.corruptions)];
  const severities = [...new Set(config.severities)].sort((a, b) => a - b) as Severity[];
  const transforms = config.transforms.map((t, i) =>
    parseTransform(t, `robustness.transforms[${i}]`),
  );
  return {
    corruptions,
    severities,
    transforms,
    sample: stratifiedSample(allExamples, config.sample, sliceColumns, config.seed),
  };
}

/** The image variants of a plan, for the evaluation pass (clean is always evaluated). */
export function robustnessVariants(
  plan: RobustnessPlan,
  config: RobustnessConfig,
  frame: VariantFrame = 'input',
): VariantRequest[] {
  const out: VariantRequest[] = [];
  const at = frame === 'source' ? { frame } : {};
  for (const name of plan.corruptions) {
    for (const severity of plan.severities) {
      out.push({
        name: corruptionVariant(name, severity),
        ids: plan.sample,
        recipe: {
          kind: 'corruption',
          name,
          severity,
          table: config.table,
          pixelScale: config.pixelScale,
        },
        ...at,
      });
    }
  }
  for (const t of plan.transforms) {
    out.push({
      name: transformVariant(t.name),
      ids: plan.sample,
      recipe: { kind: 'transform', spec: t.spec },
      ...at,
    });
  }
  return out;
}
