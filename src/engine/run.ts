import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, resolveFromConfig, type LoadedConfig } from '../config/load.js';
import type { ImageScans, ManifestItem, PlanContext, VariantRequest } from '../analysis/suite.js';
import type { Config } from '../config/schema.js';
import { classesFromMetadata, readClassFile } from '../dataset/class-list.js';
import { attachClasses, loadDataset, rowLocations, type RawDataset } from '../dataset/load.js';
import { isDetectionFormat } from '../config/task.js';
import { detectionSpecOf, loadDetectionDataset } from '../dataset/detection/load.js';
import type { DetectionDataset } from '../dataset/detection/types.js';
import { UserError } from '../errors.js';
import { defaultBatchSize, resolveContract } from '../model/contract.js';
import { loadModel, type LoadedModel } from '../model/runtime.js';
import { assembleReport } from '../report/build.js';
import type { Report } from '../report/schema.js';
import { planAnalysis, type AnalysisPlan } from '../suites/analyse.js';
import { resolveBaseline, type BaselineRequest, type FoundBaseline } from './baseline.js';
import { imageScansFor, scanSettings } from './image-scan.js';
import { loadManifests } from './manifests.js';
import { decideReuse } from './reuse.js';
import { summarizeContract } from './summary.js';
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import { RecordSet, type RecordTableCore } from '../tables/records.js';
import { taskOf } from '../tasks/registry.js';
import type { Task } from '../tasks/task.js';
import { evaluate, type ModelUnderTest, type Variant } from './evaluate.js';
import { readResultDir, type StoredResult } from './results.js';
import { selectShard, type Shard } from './shard.js';

/** Flags that override the config (CLI flags, Action inputs). Paths relative to the cwd. */
export interface RunOverrides {
  model?: string;
  /** The caller's baseline flags or inputs, resolved by {@link resolveBaseline}. */
  baseline?: BaselineRequest;
  /** A stored result the caller found (the Action's lookup on GitHub): see engine/baseline.ts. */
  found?: FoundBaseline;
  shard?: Shard;
}

export interface RunResult {
  report: Report;
  records: RecordSet;
  /** The examples of this run (after sharding). */
  examples: ExampleTable;
  /** Hashes and image properties by row of `examples` (written to examples.jsonl for merges). */
  images: ImageFacts;
  loaded: LoadedConfig;
}

export interface RunHooks {
  log?: (line: string) => void;
  progress?: (phase: string, done: number, total: number) => void;
}

/** The whole evaluation, from config file to report: the library entry the CLI and Action share. */
export async function runFromConfigFile(
  configFile: string,
  overrides: RunOverrides = {},
  hooks: RunHooks = {},
): Promise<RunResult> {
  const loaded = await loadConfig(configFile);
  return runEvaluation(loaded, overrides, hooks);
}

const cwdPath = (p: string) => path.resolve(process.cwd(), p);

export async function runEvaluation(
  loaded: LoadedConfig,
  overrides: RunOverrides,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const log = hooks.log ?? (() => undefined);
  const config = loaded.config;
  const t0 = performance.now();
  const timing: Record<string, number> = {};
  const lap = (name: string, since: number) => {
    timing[name] = Math.round(performance.now() - since) / 1000;
  };

  const task = taskOf(config);
  const data = await prepareData(loaded, { checkFiles: true });
  const { raw } = data;
  log(
    `dataset: ${raw.examples.length} examples (${raw.format}), metadata columns: ${raw.metadataColumns.join(', ') || 'none'}`,
  );

  // --- models
  const candidatePath = overrides.model
    ? cwdPath(overrides.model)
    : resolveFromConfig(loaded, config.model.path);
  const baseline = resolveBaseline(loaded, overrides.baseline ?? {}, overrides.found);
  const baselineModelPath = baseline.kind === 'model' ? baseline.path : undefined;
  const runtime = {
    intraOpThreads: config.runtime.intraOpThreads,
    interOpThreads: config.runtime.interOpThreads,
  };
  const loadStart = performance.now();
  const candidate = await loadModel(candidatePath, runtime);
  let baselineModel: LoadedModel | undefined;
  try {
    baselineModel = baselineModelPath ? await loadModel(baselineModelPath, runtime) : undefined;
  } catch (error) {
    // The candidate's session (and its thread) would otherwise outlive the failed run.
    await candidate.dispose();
    throw error;
  }
  lap('loadModels', loadStart);

  try {
    // --- classes
    const { classes, source: classSource } = await resolveClasses(
      loaded,
      raw,
      candidate.info.metadata,
    );
    const allExamples = await attachClasses(raw, classes, classSource);
    const examples = overrides.shard ? selectShard(allExamples, overrides.shard) : allExamples;

    // --- contracts
    const detection = data.detection ? { numClasses: classes.length } : undefined;
    const candContract = resolveContract(
      'candidate',
      candidate.inputs,
      candidate.outputs,
      config.model.input,
      config.model.output,
      rel(candidate.path),
      detection,
    );
    const classList = describeClassList(loaded, classSource);
    task.checkContract('candidate', candContract, classes, {
      model: rel(candidate.path),
      classList,
    });
    const models: ModelUnderTest[] = [
      { role: 'candidate', model: candidate, contract: candContract },
    ];
    if (baselineModel) {
      const baseContract = resolveContract(
        'baseline',
        baselineModel.inputs,
        baselineModel.outputs,
        config.baseline.input ?? config.model.input,
        config.baseline.output ?? config.model.output,
        rel(baselineModel.path),
        detection,
      );
      task.checkContract('baseline', baseContract, classes, {
        model: rel(baselineModel.path),
        classList,
      });
      models.push({ role: 'baseline', model: baselineModel, contract: baseContract });
    }

    // --- the analysis plan: what every suite needs, decided once before the expensive pass
    const plan = await planAnalysis(
      planContext(
        loaded,
        task,
        raw.metadataColumns,
        allExamples,
        classes,
        classSource,
        candContract.geometry,
      ),
      { shard: overrides.shard !== undefined },
    );
    const pinnedIds = await readPinned(loaded, config);
    const manifests = await loadManifests(loaded, plan.manifests);
    for (const line of plan.log) log(line);
    const variants: Variant[] = [{ name: 'clean' }, ...plan.variants.map(passVariant)];
    const batchSize = config.runtime.batchSize ?? defaultBatchSize(models.map((m) => m.contract));
    log(
      `evaluating ${examples.length} examples with ${models.map((m) => m.role).join(' + ')} (batch ${batchSize}, ${os.availableParallelism()} CPUs)`,
    );
    const evalStart = performance.now();
    // A stored result of the same baseline model on the same images replaces running it.
    const reuseDir = baseline.kind === 'model' ? baseline.reuse?.dir : undefined;
    const notices: string[] = [];
    let reused: RecordSet | undefined;
    const baseUT = models.find((m) => m.role === 'baseline');
    if (baseUT && reuseDir) {
      const stored = await readResultDir(reuseDir, task).catch((error: unknown) => error as Error);
      const decision =
        stored instanceof Error
          ? { reuse: false as const, why: stored.message }
          : await decideReuse(stored, baseUT, examples, variants, task);
      if (decision.reuse) {
        reused = decision.records;
        notices.push(
          `The baseline model was not run: ${reused.size} records reused from ${rel(reuseDir)} (same model file, input contract and images).`,
        );
      } else {
        notices.push(
          `The stored result in ${rel(reuseDir)} was not reused for the baseline model: ${decision.why}.`,
        );
      }
      log(notices.at(-1)!);
    }
    const evaluated = await evaluate(
      examples,
      reused ? models.filter((m) => m.role !== 'baseline') : models,
      variants,
      task,
      {
        batchSize,
        onUnreadable: config.dataset.onUnreadable,
        locate: (rows) => rowLocations(raw, examples, rows),
        keepScores: (v) => v === 'clean' && plan.scores,
        ...(plan.imageScan ? { scan: scanSettings(plan.imageScan) } : {}),
        ...(config.runtime.workers !== undefined ? { workers: config.runtime.workers } : {}),
        onProgress: (done, total) => hooks.progress?.('evaluate', done, total),
      },
    );
    const result = reused
      ? {
          ...evaluated,
          records: new RecordSet([
            ...evaluated.records.tables,
            ...readableRows(reused.tables, examples, evaluated.images, task),
          ]),
        }
      : evaluated;
    lap('evaluate', evalStart);

    // --- stored baseline
    let stored: StoredResult | undefined;
    if (baseline.kind === 'stored') {
      stored = await readResultDir(baseline.dir, task);
      checkStoredCompatible(stored, classes);
      log(`stored baseline: ${stored.records.size} records from ${stored.report.createdAt}`);
    }

    const analysisStart = performance.now();
    // The pass scanned the evaluation images; training and reference images are scanned here.
    const imageScans = plan.imageScan
      ? await imageScansFor(plan.imageScan, examples, evaluated.scans, () => false, manifests)
      : undefined;
    const report = await reportFromRecords(plan, {
      loaded,
      data,
      classes,
      classSource,
      allExamples,
      examples,
      records: result.records,
      images: result.images,
      unreadable: result.unreadable,
      models: {
        candidate: summarizeModel(models[0]!),
        ...(models[1] ? { baseline: summarizeModel(models[1]) } : {}),
      },
      ...(stored ? { stored } : {}),
      pinnedIds,
      manifests,
      ...(imageScans ? { imageScans } : {}),
      ...(overrides.shard ? { shard: overrides.shard } : {}),
      ...(baseline.kind === 'stored' && baseline.found ? { found: baseline.found } : {}),
      notices: [...notices, ...plan.notices],
    });
    lap('report', analysisStart);
    lap('total', t0);
    report.timing = timing;
    return { report, records: result.records, examples, images: result.images, loaded };
  } finally {
    await candidate.dispose();
    await baselineModel?.dispose();
  }
}

/** What the analysis plan is made from. */
export function planContext(
  loaded: LoadedConfig,
  task: Task,
  metadataColumns: readonly string[],
  allExamples: ExampleTable,
  classes: readonly string[],
  classSource: string,
  input: { width: number; height: number } | undefined,
): PlanContext {
  return {
    config: loaded.config,
    task,
    configName: path.basename(loaded.file),
    lineOf: (keyPath) => loaded.lineOf(keyPath),
    allExamples,
    metadataColumns,
    classes,
    classSource,
    inputSize: { width: input?.width ?? 0, height: input?.height ?? 0 },
  };
}

/**
 * A suite's variant as the pass makes it: corruptions are seeded by the example id, so both
 * models, every shard and every rerun see the same pixels.
 */
function passVariant(v: VariantRequest): Variant {
  const recipe = v.recipe;
  return {
    name: v.name,
    ids: v.ids,
    ...(v.frame === 'source' ? { frame: 'source' as const } : {}),
    task:
      recipe.kind === 'corruption'
        ? (e) => ({ ...recipe, seedKey: e.id })
        : () => ({ kind: 'transform', spec: recipe.spec }),
  };
}

/** The class list: config list or file, else the model's metadata, else imagefolder folders. */
export async function resolveClasses(
  loaded: LoadedConfig,
  raw: RawDataset,
  modelMetadata: Record<string, string> | undefined,
): Promise<{ classes: string[]; source: string }> {
  if (raw.classList) return raw.classList;
  const cfg = loaded.config.dataset.classes;
  if (Array.isArray(cfg)) return { classes: cfg, source: 'config dataset.classes' };
  if (typeof cfg === 'string') {
    const file = resolveFromConfig(loaded, cfg);
    return { classes: await readClassFile(file), source: `class file ${cfg}` };
  }
  const meta = modelMetadata?.classes ?? modelMetadata?.labels;
  if (meta !== undefined) {
    const classes = classesFromMetadata(meta);
    if (classes) return { classes, source: 'model metadata "classes"' };
    throw new UserError(
      'model',
      `the candidate model's metadata "classes" is not a JSON list of class names; set dataset.classes instead`,
    );
  }
  if (raw.format === 'imagefolder')
    return { classes: [...raw.labels].sort(), source: 'sorted imagefolder class folders' };
  throw new UserError(
    'config',
    'no class list: set dataset.classes (a list, or a file with one class per line) in model output order, or store a JSON list under the ONNX metadata key "classes"',
  );
}

/** The class list as a message names it: where it comes from, with the config line. */
function describeClassList(loaded: LoadedConfig, source: string): string {
  const line = loaded.config.dataset.classes ? loaded.lineOf(['dataset', 'classes']) : undefined;
  return `${source}${line ? `, ${path.basename(loaded.file)}:${line}` : ''}`;
}

export async function readPinned(loaded: LoadedConfig, config: Config): Promise<string[]> {
  const ids = [...config.pinned.ids];
  if (config.pinned.file)
    ids.push(
      ...(await readClassFile(resolveFromConfig(loaded, config.pinned.file)).catch(() => {
        throw new UserError('config', `pinned.file not found: ${config.pinned.file}`);
      })),
    );
  return [...new Set(ids)];
}

export function checkStoredCompatible(stored: StoredResult, classes: readonly string[]): void {
  const old = stored.report.dataset.classes;
  if (old.length !== classes.length || old.some((c, i) => c !== classes[i])) {
    throw new UserError(
      'baseline',
      `the stored baseline in ${stored.dir} was made with a different class list (${old.length} classes: ${old.slice(0, 5).join(', ')}…); predictions cannot be compared. Re-create the baseline.`,
    );
  }
}

const rel = (p: string) => path.relative(process.cwd(), p).split(path.sep).join('/') || '.';

/** The dataset as `run` and `merge` load it. */
export interface PreparedData {
  root: string;
  manifest?: string;
  raw: RawDataset;
  /** task: detection: the dataset with its ground-truth objects. */
  detection?: DetectionDataset;
}

export async function prepareData(
  loaded: LoadedConfig,
  options: { checkFiles: boolean },
): Promise<PreparedData> {
  const config = loaded.config;
  const root = resolveFromConfig(loaded, config.dataset.root);
  if (config.task === 'detection') return prepareDetectionData(loaded, root, options);
  const manifest = config.dataset.manifest
    ? resolveFromConfig(loaded, config.dataset.manifest)
    : undefined;
  const raw = await loadDataset({
    root,
    format: config.dataset.format,
    ...(manifest ? { manifest } : {}),
    columns: config.dataset.columns,
    ...(config.dataset.metadata ? { metadata: config.dataset.metadata } : {}),
    checkFiles: options.checkFiles,
  });
  return { root, ...(manifest ? { manifest } : {}), raw };
}

/** A detection dataset (COCO, YOLO, VOC) as `run` and `merge` use it. */
async function prepareDetectionData(
  loaded: LoadedConfig,
  root: string,
  options: { checkFiles: boolean },
): Promise<PreparedData> {
  const d = loaded.config.dataset;
  if (!isDetectionFormat(d.format))
    throw new Error(`task detection with dataset.format ${d.format} passed the config check`);
  const ds = await loadDetectionDataset({
    ...detectionSpecOf(
      { ...d, format: d.format },
      loaded.dir,
      Array.isArray(d.classes) ? d.classes : undefined,
    ),
    checkFiles: options.checkFiles,
  });
  const source =
    d.format === 'coco'
      ? 'COCO categories'
      : d.format === 'yolo'
        ? 'data.yaml names'
        : Array.isArray(d.classes)
          ? 'config dataset.classes'
          : 'VOC object names, sorted';
  return {
    root,
    ...(d.manifest ? { manifest: resolveFromConfig(loaded, d.manifest) } : {}),
    raw: {
      format: d.format,
      root,
      examples: ds.images,
      metadataColumns: ds.images.metadata.map((m) => m.name),
      labels: [],
      unused: [],
      classList: { classes: ds.classes, source },
    },
    detection: ds,
  };
}

type ModelSummary = Report['models']['candidate'];

/** The report summary of a model that ran in this process. */
export function summarizeModel(m: ModelUnderTest): ModelSummary {
  return {
    role: m.role,
    source: 'model',
    path: rel(m.model.path),
    sha256: m.model.sha256,
    input: summarizeContract(m.contract),
  };
}

/** Everything after inference: shared by `run` (in memory) and `merge` (from shard files). */
export async function reportFromRecords(
  plan: AnalysisPlan,
  input: {
    loaded: LoadedConfig;
    data: PreparedData;
    classes: string[];
    classSource: string;
    allExamples: ExampleTable;
    examples: ExampleTable;
    records: RecordSet;
    /** Hashes and image properties by row of `examples`. */
    images: ImageFacts;
    unreadable: { id: string; reason: string }[];
    models: { candidate: ModelSummary; baseline?: ModelSummary };
    stored?: StoredResult;
    pinnedIds: readonly string[];
    manifests: Readonly<Record<string, readonly ManifestItem[]>>;
    /** The data scans the plan asked for. */
    imageScans?: ImageScans;
    shard?: Shard;
    /** How a stored baseline was found, when a lookup found it. */
    found?: FoundBaseline;
    notices: string[];
  },
): Promise<Report> {
  const { loaded, data, stored } = input;
  const config = loaded.config;
  const analysis = await plan.analyse({
    config,
    task: taskOf(config),
    classes: input.classes,
    metadataColumns: data.raw.metadataColumns,
    examples: input.examples,
    images: input.images,
    records: input.records,
    baseline: stored
      ? { kind: 'stored', records: stored.records }
      : input.models.baseline
        ? { kind: 'model' }
        : { kind: 'none' },
    unreadable: input.unreadable,
    pinnedIds: input.pinnedIds,
    manifests: input.manifests,
    ...(data.detection
      ? {
          groundTruth: {
            rowOf: data.detection.images.indexById(),
            columns: data.detection.gt,
            sizes: { widths: data.detection.widths, heights: data.detection.heights },
          },
        }
      : {}),
    ...(input.imageScans ? { imageScans: input.imageScans } : {}),
  });
  const baselineSummary: ModelSummary | undefined = stored
    ? {
        ...stored.report.models.candidate,
        role: 'baseline',
        source: 'stored',
        stored: {
          dir: rel(stored.dir),
          createdAt: stored.report.createdAt,
          ...(input.found?.commit ? { commit: input.found.commit } : {}),
          ...(input.found?.ref ? { ref: input.found.ref } : {}),
          ...(input.found?.detail ? { how: input.found.detail } : {}),
        },
      }
    : input.models.baseline;
  return assembleReport(
    {
      name: config.name,
      task: taskOf(config),
      createdAt: new Date().toISOString(),
      configFile: rel(loaded.file),
      configSha: createHash('sha256')
        .update(await readFile(loaded.file))
        .digest('hex'),
      dataset: {
        root: rel(data.root),
        ...(data.manifest ? { manifest: rel(data.manifest) } : {}),
        format: data.raw.format,
        metadataColumns: data.raw.metadataColumns,
        totalExamples: input.allExamples.length,
        classSource: input.classSource,
        ...(input.shard ? { shard: input.shard } : {}),
        ...(data.raw.unused ? { unused: data.raw.unused } : {}),
      },
      classes: input.classes,
      models: {
        candidate: input.models.candidate,
        ...(baselineSummary ? { baseline: baselineSummary } : {}),
      },
      unreadable: input.unreadable,
      notices: [...input.notices, ...(stored?.notices ?? [])],
    },
    analysis,
  );
}

/**
 * Each table with only the rows whose example was read in this run (reused records of
 * unreadable images are left out). The id → row index is built once for all of them.
 */
function readableRows(
  tables: readonly RecordTableCore[],
  examples: ExampleTable,
  images: ImageFacts,
  task: Task,
): RecordTableCore[] {
  const rowOf = examples.indexById();
  return tables.map((table) => {
    const rows: number[] = [];
    for (let i = 0; i < table.length; i++) {
      const e = rowOf.get(table.ids[i]!);
      if (e !== undefined && images.has(e)) rows.push(i);
    }
    if (rows.length === table.length) return table;
    const b = task.builder(table.model, table.variant, rows.length);
    for (const r of rows) b.copyRow(table, r);
    return b.finish();
  });
}
