/**
 * How a suite describes an image variant to the evaluation pass: plain data, without the
 * per-example seed (the pass seeds each corruption by example id, so both models, shards and
 * reruns see the same pixels; see engine/run.ts).
 */
import type { TableChoice } from '../corruptions/index.js';
import type { CorruptionName, Severity } from '../corruptions/types.js';
import type { TransformSpec } from '../transforms/index.js';

/** A corruption at a severity, or a label-preserving transform. */
export type VariantRecipe =
  | {
      kind: 'corruption';
      name: CorruptionName;
      severity: Severity;
      table: TableChoice;
      pixelScale: 'reference' | 'image';
    }
  | { kind: 'transform'; spec: TransformSpec };
