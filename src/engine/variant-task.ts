import {
  applyCorruption,
  type CorruptionName,
  type Severity,
  type TableChoice,
} from '../corruptions/index.js';
import { applyTransform, type TransformSpec } from '../transforms/index.js';
import type { RgbImage } from '../types.js';

/**
 * A serialisable description of how to derive a variant image: what a worker thread receives.
 * Plain data so it can cross the thread boundary; the same function computes it inline or in a
 * worker, so the bytes never depend on where it ran.
 */
export type VariantTask =
  | {
      kind: 'corruption';
      name: CorruptionName;
      severity: Severity;
      seedKey: string;
      table: TableChoice;
      pixelScale: 'reference' | 'image';
    }
  | { kind: 'transform'; spec: TransformSpec };

/** Compute a variant image. */
export async function runVariantTask(img: RgbImage, task: VariantTask): Promise<RgbImage> {
  if (task.kind === 'corruption') {
    return applyCorruption(img, task.name, task.severity, {
      seedKey: task.seedKey,
      table: task.table,
      pixelScale: task.pixelScale,
    });
  }
  return applyTransform(img, task.spec);
}
