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
      /** `gray` for a model that sees one luma channel (corrupted as one channel). */
      channels?: 'rgb' | 'gray';
    }
  | { kind: 'transform'; spec: TransformSpec };

/** Compute a variant image. */
export async function runVariantTask(img: RgbImage, task: VariantTask): Promise<RgbImage> {
  if (task.kind === 'corruption') {
    return applyCorruption(img, task.name, task.severity, {
      seedKey: task.seedKey,
      table: task.table,
      pixelScale: task.pixelScale,
      channels: task.channels ?? 'rgb',
    });
  }
  return applyTransform(img, task.spec);
}

/**
 * The task as a model with these input channels needs it: a gray model's corruption is made on
 * the gray image, one channel, so that noise keeps its nominal σ (docs/corruptions.md, "Gray
 * models"). Transforms draw nothing per channel; their RGB images serve gray models as before.
 */
export function taskForChannels(task: VariantTask, channels: 'rgb' | 'bgr' | 'gray'): VariantTask {
  return task.kind === 'corruption' && channels === 'gray' ? { ...task, channels: 'gray' } : task;
}

/**
 * The channel mode a variant's images are made in for a model with these input channels:
 * models with the same mode (and decoded geometry) share the images.
 */
export function variantChannels(
  task: VariantTask | undefined,
  channels: 'rgb' | 'bgr' | 'gray',
): 'rgb' | 'gray' {
  return task?.kind === 'corruption' && channels === 'gray' ? 'gray' : 'rgb';
}
