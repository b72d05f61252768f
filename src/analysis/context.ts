/**
 * The context every suite analyses, made once per run from the pass's records and the
 * baseline: the frame of evaluated examples and the one pairing of clean records.
 */
import type { Config } from '../config/schema.js';
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import type { RecordSet, RecordTableCore } from '../tables/records.js';
import type { ExampleGroundTruth, Task } from '../tasks/task.js';
import { frameOf } from './frame.js';
import { pairRecords } from './pairing.js';
import type { AnalysisContext, ImageScans, ManifestItem } from './suite.js';

/** The comparison side: none, a baseline model evaluated in this run, or a stored result's records. */
export type BaselineRecords =
  { kind: 'none' } | { kind: 'model' } | { kind: 'stored'; records: RecordSet };

/** What the analysis of a run starts from (made by `run`, `merge` and stored-baseline runs). */
export interface AnalysisInput {
  config: Config;
  task: Task;
  classes: readonly string[];
  metadataColumns: readonly string[];
  /** This run's examples (after sharding); those without records are left out. */
  examples: ExampleTable;
  /** Hashes and image properties by row of `examples`. */
  images: ImageFacts;
  /** This run's records: the candidate's, and a baseline model's when one ran. */
  records: RecordSet;
  baseline: BaselineRecords;
  unreadable: readonly { id: string; reason: string }[];
  pinnedIds: readonly string[];
  manifests: Readonly<Record<string, readonly ManifestItem[]>>;
  /** The dataset's objects by example id, for a task whose examples have more than a label. */
  groundTruth?: ExampleGroundTruth;
  /** The data scans the plan asked for (absent when no suite did). */
  imageScans?: ImageScans;
}

/** Frame and pairing of a run: what every suite shares. */
export function analysisContext(input: AnalysisInput): AnalysisContext {
  const candidate = input.records.ofModel('candidate');
  const baseline =
    input.baseline.kind === 'stored'
      ? input.baseline.records.ofModel('candidate')
      : input.baseline.kind === 'model'
        ? input.records.ofModel('baseline')
        : undefined;
  const empty = (model: 'candidate' | 'baseline'): RecordTableCore =>
    input.task.builder(model, 'clean', 0).finish();
  const candTable = candidate.table('candidate', 'clean') ?? empty('candidate');
  const baseTable = baseline
    ? (baseline.tables.find((t) => t.variant === 'clean') ?? empty('baseline'))
    : undefined;
  return {
    config: input.config,
    classes: input.classes,
    task: input.task,
    metadataColumns: input.metadataColumns,
    examples: input.examples,
    images: input.images,
    frame: frameOf(input.examples, candTable),
    pairing: pairRecords(candTable, baseTable),
    candidate,
    baseline,
    baselineKind: input.baseline.kind,
    pinnedIds: input.pinnedIds,
    manifests: input.manifests,
    ...(input.groundTruth ? { groundTruth: input.groundTruth } : {}),
    ...(input.imageScans ? { imageScans: input.imageScans } : {}),
  };
}
