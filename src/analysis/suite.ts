/**
 * The Suite interface: how an analysis plugs in between the evaluation pass and the report.
 * A suite says, once per run and before any inference, whether it runs and what it needs from
 * the pass (image variants, full score vectors, extra manifests); afterwards it turns records
 * into a typed result and gate results. Suites live in src/suites/, one folder each, and are
 * listed in src/suites/registry.ts. See docs/architecture.md, "How to add a suite".
 */
import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { GateResult } from '../gates/result.js';
import type { ImageScan, ScanSettings } from '../image/scan.js';
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import type { RecordSet } from '../tables/records.js';
import type { ExampleGroundTruth, Task, VariantFrame } from '../tasks/task.js';
import type { Frame } from './frame.js';
import type { Pairing } from './pairing.js';
import type { VariantRecipe } from './variants.js';

/** What a suite's plan is made from: the config and the dataset, before the evaluation pass. */
export interface PlanContext {
  config: Config;
  task: Task;
  /** The config file's name and the 1-based line of a key in it, for error messages. */
  configName: string;
  lineOf(keyPath: readonly (string | number)[]): number | undefined;
  /** Every example of the dataset, before sharding (samples are drawn from these). */
  allExamples: ExampleTable;
  metadataColumns: readonly string[];
  classes: readonly string[];
  /** Where the class list came from (model metadata, a class file, ...), for messages. */
  classSource: string;
  /** The candidate model's input size (corruption parameters depend on it). */
  inputSize: { width: number; height: number };
}

/** An image variant the evaluation pass makes for a suite: for which examples, and how. */
export interface VariantRequest {
  /** Variant name as stored in records, e.g. `gaussian_noise@3`, `t:rotate-10`. */
  name: string;
  ids: ReadonlySet<string>;
  recipe: VariantRecipe;
  /** Where the variant is made (see {@link VariantFrame}); default `input`. */
  frame?: VariantFrame;
}

/** What a suite needs from the engine beyond the clean records. */
export interface SuiteNeeds {
  /** Image variants to evaluate. */
  variants?: readonly VariantRequest[];
  /** Keep each clean record's full score vector (class probabilities). */
  scores?: boolean;
  /** Extra manifests to load, by name: paths relative to the config file. */
  manifests?: Readonly<Record<string, string>>;
  /** It looks at every example of the dataset: not run in shard runs, but in `merge`. */
  wholeDataset?: boolean;
  /**
   * A data scan of each evaluated image (image/scan.ts), made by the engine from the pass's own
   * decode and handed over as {@link AnalysisContext.imageScans}. `merge` runs the suite only
   * where the images are (it scans them there).
   */
  imageScan?: ImageScanRequest;
}

/** The data scan a suite asks the engine for. */
export interface ImageScanRequest extends ScanSettings {
  /** Extra manifests (names in `manifests`) whose images are scanned too. */
  manifests?: readonly string[];
  /** Files read at once by the scans outside the pass (manifests, `merge`). */
  concurrency: number;
}

/** The data scans the engine made for a suite's {@link ImageScanRequest}. */
export interface ImageScans {
  /** By row of `examples`: each evaluated example's scan (undefined for one not read). */
  examples: readonly (ImageScan | undefined)[];
  /** Each requested manifest's scans, in manifest order. */
  manifests: Readonly<Record<string, readonly ImageScan[]>>;
}

/** A row of an extra manifest (a training or reference set): enough to read the image. */
export interface ManifestItem {
  id: string;
  absPath: string;
  label?: string;
  metadata?: Record<string, string>;
}

/** Where the comparison records come from. */
export type BaselineKind = 'none' | 'model' | 'stored';

/** What every suite analyses: this run's records, paired once, and its examples. */
export interface AnalysisContext {
  config: Config;
  classes: readonly string[];
  /** The task: everything that reads a record's predictions goes through it. */
  task: Task;
  metadataColumns: readonly string[];
  /** This run's examples (after sharding). */
  examples: ExampleTable;
  /** Hashes and image properties by row of `examples`. */
  images: ImageFacts;
  /** The examples with a clean candidate record. */
  frame: Frame;
  /** Clean candidate records paired with the clean baseline records (analysis/pairing.ts). */
  pairing: Pairing;
  /** Every candidate record, one table per variant. */
  candidate: RecordSet;
  /** Every baseline record, one table per variant (a stored result's are its candidate's). */
  baseline: RecordSet | undefined;
  baselineKind: BaselineKind;
  /** Example ids that must stay correct (config `pinned`). */
  pinnedIds: readonly string[];
  /** The extra manifests suites asked for, loaded. */
  manifests: Readonly<Record<string, readonly ManifestItem[]>>;
  /** The dataset's objects by example id (detection). */
  groundTruth?: ExampleGroundTruth;
  /** The data scans a suite asked for ({@link SuiteNeeds.imageScan}). */
  imageScans?: ImageScans;
}

/** A suite's contribution to the report: its result, gate results and notices. */
export interface SuiteOutput<Result> {
  result: Result;
  gates: GateResult[];
  notices?: string[];
}

/** How much a rendered section may show (the comment lowers it to fit GitHub's size limit). */
export interface RenderOptions {
  maxRows: number;
}

/**
 * One analysis. `Plan` is what it decided before the pass; `Result` what it computes; `Schema`
 * describes the result as report.json holds it (a number that is undefined, NaN in memory, is
 * null there), and is what the report's schema is composed of.
 */
export interface Suite<
  Name extends string = string,
  Plan = unknown,
  Result = unknown,
  Schema extends z.ZodType = z.ZodType,
> {
  readonly name: Name;
  /** The result in report.json. */
  readonly resultSchema: Schema;
  /** This run's plan, or undefined when the suite is off under this config. Made once per run. */
  plan(ctx: PlanContext): Plan | undefined;
  /** What the plan needs from the evaluation pass and the engine. */
  needs?(plan: Plan): SuiteNeeds;
  /** A log line saying what the plan will evaluate. */
  describe?(plan: Plan): string | undefined;
  /** Records (and image scans) to result and gate results: a pure function of the context. */
  analyse(ctx: AnalysisContext, plan: Plan): SuiteOutput<Result> | Promise<SuiteOutput<Result>>;
  /** Its section of the PR comment, from report.json alone (a comment can be re-rendered). */
  render?(result: z.output<Schema>, options: RenderOptions): string;
  /** Headline numbers it adds to the stored baseline history, shown in the trend. */
  readonly trend?: {
    names: readonly string[];
    values(result: z.output<Schema>): Record<string, number>;
  };
}
