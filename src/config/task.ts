/**
 * The config's `task` and the keys that belong to one task only. A detection dataset format
 * (coco, yolo, voc) can only mean detection, so `task` defaults to it there and to
 * classification otherwise ({@link withInferredTask}); a key of the other task is an error
 * naming the key and the task, never ignored ({@link checkTaskKeys}).
 */
import type { z } from 'zod';

/** The tasks a config can name. */
export const TASK_NAMES = ['classification', 'detection'] as const;
export type ConfigTaskName = (typeof TASK_NAMES)[number];

/** Dataset formats with boxes: each implies `task: detection`. */
export const DETECTION_FORMATS = ['coco', 'yolo', 'voc'] as const;
export type DetectionFormat = (typeof DETECTION_FORMATS)[number];

/** The output conventions VisionGate decodes (`model.output.convention`; docs/detection.md). */
export const DETECTION_CONVENTIONS = [
  'yolo-v8',
  'yolo-v5',
  'end-to-end',
  'boxes-scores-labels',
  'detr',
  'rt-detr',
] as const;
export type DetectionConvention = (typeof DETECTION_CONVENTIONS)[number];

/** Whether a `dataset.format` value is a detection format. */
export function isDetectionFormat(format: unknown): format is DetectionFormat {
  return (DETECTION_FORMATS as readonly unknown[]).includes(format);
}

/**
 * The raw (parsed YAML) config with `task: detection` filled in when it gives none and its
 * dataset format is a detection format; anything else is returned as it is, for the schema to
 * judge.
 */
export function withInferredTask(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const r = raw as Record<string, unknown>;
  if (r.task !== undefined) return raw;
  const dataset = r.dataset as Record<string, unknown> | undefined;
  return isDetectionFormat(dataset?.format) ? { ...r, task: 'detection' } : raw;
}

/** What {@link checkTaskKeys} reads of a parsed config. */
interface TaskKeys {
  task: ConfigTaskName;
  dataset: { format: string; annotations?: string; split?: string; classes?: unknown };
  model: { output: OutputKeys };
  baseline: { output?: OutputKeys };
  metrics: { topK: number[]; detection?: unknown };
  robustness?: { transforms?: unknown[]; gates?: Record<string, unknown> };
}
interface OutputKeys {
  type: string;
  convention?: string;
  confidence?: number;
  iou?: number;
  maxDetections?: number;
}

const DETECTION_OUTPUT_KEYS = ['convention', 'confidence', 'iou', 'maxDetections'] as const;

/** Robustness gates made of detection's numbers (mPC, rPC, transform consistency). */
const DETECTION_ROBUSTNESS_GATES = ['maxMPCDrop', 'minRPC', 'maxRPCDrop', 'minConsistency'];

/**
 * Robustness gates of classification's numbers, with the detection gate that replaces each: the
 * corruption error is a top-1 error and the flip rate compares one class per image.
 */
const CLASSIFICATION_ROBUSTNESS_GATES: Record<string, string> = {
  maxMCE: 'maxMPCDrop',
  maxRelativeMCE: 'maxRPCDrop',
  minCorruptionAccuracy: 'minRPC',
  maxFlipRate: 'minConsistency',
};

/** Transforms that move boxes to boxes, or change colours only: detection can judge them. */
const DETECTION_TRANSFORMS = ['hflip', 'vflip', 'translate', 'scale', 'crop', 'color_jitter'];

/**
 * The robustness keys of a detection config: a transform must map boxes to boxes (a rotated box
 * is no box: its ground truth cannot be moved) or leave them where they are, and the gates are
 * detection's.
 */
function checkRobustnessKeys(
  c: TaskKeys,
  issue: (path: (string | number)[], message: string) => void,
): void {
  (c.robustness?.transforms ?? []).forEach((t, i) => {
    const type = (t as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !DETECTION_TRANSFORMS.includes(type))
      issue(
        ['robustness', 'transforms', i, 'type'],
        `transform ${type} does not move boxes to boxes, so its ground truth cannot follow: for task: detection use ${DETECTION_TRANSFORMS.join(', ')}`,
      );
  });
  for (const [key, instead] of Object.entries(CLASSIFICATION_ROBUSTNESS_GATES))
    if (c.robustness?.gates?.[key] !== undefined)
      issue(
        ['robustness', 'gates', key],
        `robustness.gates.${key} applies to task: classification only: for task: detection use ${instead}`,
      );
}

/** Report every key that does not belong to the config's task (zod superRefine of the config). */
export function checkTaskKeys(c: TaskKeys, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const detectionFormat = isDetectionFormat(c.dataset.format);
  if (c.task === 'classification') {
    // The one contradiction that matters; the detection keys that go with it are not noise.
    if (detectionFormat)
      return issue(
        ['task'],
        `dataset.format ${c.dataset.format} is a detection format: remove task: classification (or write task: detection)`,
      );
    for (const key of ['annotations', 'split'] as const)
      if (c.dataset[key] !== undefined)
        issue(['dataset', key], `dataset.${key} applies to task: detection only: remove it`);
    for (const [where, output] of [
      ['model', c.model.output],
      ['baseline', c.baseline.output],
    ] as const)
      for (const key of DETECTION_OUTPUT_KEYS)
        if (output?.[key] !== undefined)
          issue(
            [where, 'output', key],
            `${where}.output.${key} applies to task: detection only: remove it`,
          );
    if (c.metrics.detection !== undefined)
      issue(
        ['metrics', 'detection'],
        'metrics.detection applies to task: detection only: remove it',
      );
    for (const key of DETECTION_ROBUSTNESS_GATES)
      if (c.robustness?.gates?.[key] !== undefined)
        issue(
          ['robustness', 'gates', key],
          `robustness.gates.${key} applies to task: detection only: remove it`,
        );
    return;
  }
  checkRobustnessKeys(c, issue);
  if (!detectionFormat)
    issue(
      ['dataset', 'format'],
      `task: detection needs boxes: set dataset.format to coco, yolo or voc (${c.dataset.format} has class labels only)`,
    );
  if (c.dataset.format === 'coco' && c.dataset.annotations === undefined)
    issue(
      ['dataset', 'annotations'],
      'dataset.format coco needs dataset.annotations: the COCO instances JSON, relative to the config file',
    );
  if (c.dataset.format === 'voc' && c.dataset.annotations !== undefined)
    issue(
      ['dataset', 'annotations'],
      'dataset.format voc reads root/Annotations/*.xml: remove dataset.annotations',
    );
  if (c.dataset.format === 'coco' && c.dataset.split !== undefined)
    issue(
      ['dataset', 'split'],
      'dataset.format coco has no splits (one annotation file is one split): remove dataset.split',
    );
  if (c.dataset.classes !== undefined && c.dataset.format !== 'voc')
    issue(
      ['dataset', 'classes'],
      `dataset.format ${c.dataset.format} names its classes (${c.dataset.format === 'coco' ? 'categories' : 'data.yaml names'}): remove dataset.classes`,
    );
  for (const [where, output] of [
    ['model', c.model.output],
    ['baseline', c.baseline.output],
  ] as const)
    if (output && output.type !== 'auto')
      issue(
        [where, 'output', 'type'],
        `${where}.output.type (logits or probabilities) applies to classification: a detector's outputs are read by model.output.convention`,
      );
}
