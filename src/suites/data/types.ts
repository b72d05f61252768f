/**
 * Shapes shared by the data-suite checks: the suite's input, the per-check findings, the check
 * interface the registry in index.ts runs, and gate results.
 */
import type { ManifestItem } from '../../analysis/suite.js';
import type { ClassPrediction } from '../../tasks/task.js';
import type { Example, Level } from '../../types.js';
import type { BiasFinding } from './bias.js';
import type { DataGateName, DataSuiteConfig } from '../../config/data.js';
import type { ImagePropertiesFinding } from './image-properties.js';
import type { LabelIssuesFinding } from './label-issues.js';
import type { DuplicatesFinding, LeakageFinding } from './near-duplicates.js';
import type { RepresentativityFinding } from './representativity.js';
import type { ImageScan } from '../../image/scan.js';
import type { GroundTruthColumns } from '../../tables/detections.js';
import type { BoxesFinding } from './boxes.js';

/** A row of a training or reference manifest: enough to read the image and compare categories. */
export type { ManifestItem };

/** Everything the suite looks at; the engine loads the manifests and runs the models first. */
export interface DataSuiteInput {
  examples: readonly Example[];
  classes: readonly string[];
  /** Candidate records of the clean variant, with `probs` (other records are ignored). */
  candidate: readonly ClassPrediction[];
  /** Baseline records of the clean variant, with `probs` (optional). */
  baseline?: readonly ClassPrediction[];
  /**
   * Detection: the ground-truth objects of each example, image i = `examples[i]`, with the
   * images' sizes. Examples then have no single label: the checks that need one class per
   * example are skipped and the box checks run.
   */
  objects?: {
    columns: GroundTruthColumns;
    sizes?: { widths: ArrayLike<number>; heights: ArrayLike<number> };
  };
  /** Training manifest, for leakage. */
  train?: readonly ManifestItem[];
  /** Reference manifest (e.g. a production sample), for representativity and drift. */
  reference?: readonly ManifestItem[];
  /**
   * Data scans of the images (image/scan.ts), made by the engine: `examples` in the order of
   * `examples`, `train` and `reference` in manifest order. A check that needs a missing one is
   * skipped.
   */
  scans?: {
    examples?: readonly ImageScan[];
    train?: readonly ImageScan[];
    reference?: readonly ImageScan[];
  };
}

/** A check that did not run, and why (disabled, or missing input). */
export interface SkippedCheck {
  status: 'skipped';
  reason: string;
}

/** Findings by check id. */
export interface DataFindings {
  labelIssues: LabelIssuesFinding;
  boxes: BoxesFinding;
  duplicates: DuplicatesFinding;
  leakage: LeakageFinding;
  representativity: RepresentativityFinding;
  imageProperties: ImagePropertiesFinding;
  bias: BiasFinding;
}
export type DataCheckId = keyof DataFindings;
/** Checks that run for one task only and are absent from the result of the other (detection's boxes). */
export type OptionalCheckId = 'boxes';

/** Each check's finding, or why it was skipped; a check that does not apply to the task is absent. */
export type DataCheckResults = {
  [K in Exclude<DataCheckId, OptionalCheckId>]: DataFindings[K] | SkippedCheck;
} & { [K in OptionalCheckId]?: DataFindings[K] | SkippedCheck };

/** One gate evaluated on one finding. */
export interface DataGateResult {
  check: DataCheckId;
  /** The config key under `gates`. */
  gate: DataGateName;
  /** What was measured, e.g. `labelIssueRate`. */
  metric: string;
  value: number;
  /** The threshold the level was decided against (the fail one when passing with both set). */
  threshold: number;
  level: Level;
  /** One plain sentence; dataset strings inside are escaped by the renderer. */
  reason: string;
}

/** A measured value a check offers to a gate. */
export interface GateValue {
  gate: DataGateName;
  metric: string;
  value: number;
  /** Formats a value of this metric for the reason line (e.g. as a percentage). */
  format: (v: number) => string;
  /** Extra context for the reason, e.g. which attribute has the gap. */
  detail?: string;
}

/** What every check sees: the suite's input (scans included) and its parsed config. */
export interface DataSuiteContext {
  input: DataSuiteInput;
  config: DataSuiteConfig;
}

/** A data check as the registry sees it. */
export interface DataCheck<K extends DataCheckId = DataCheckId> {
  id: K;
  title: string;
  /** Whether the check belongs in this input's result at all (default: always). */
  applies?(input: DataSuiteInput): boolean;
  run(ctx: DataSuiteContext): DataFindings[K] | SkippedCheck;
  gateValues(finding: DataFindings[K]): GateValue[];
}
