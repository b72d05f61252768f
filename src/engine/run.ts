import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatKeyPath, loadConfig, resolveFromConfig, type LoadedConfig } from '../config/load.js';
import type { Config, GateRule } from '../config/schema.js';
import {
  attachClasses,
  loadDataset,
  readClassFile,
  rowLocations,
  type RawDataset,
} from '../dataset/load.js';
import { UserError } from '../errors.js';
import { defaultBatchSize, resolveContract, type ResolvedContract } from '../model/contract.js';
import { loadModel, type LoadedModel } from '../model/runtime.js';
import { buildReport } from '../report/build.js';
import type { GateResult, Report } from '../report/schema.js';
import { checkMetricNames } from './check-metrics.js';
import { runDataChecks } from './data-suite.js';
import { decideReuse } from './reuse.js';
import { summarizeContract } from './summary.js';
import { planRobustness, robustnessVariants } from '../suites/robustness/plan.js';
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import { RecordSet, type RecordTable } from '../tables/records.js';
import { evaluate, type ModelUnderTest, type Variant } from './evaluate.js';
import { readResultDir, type StoredResult } from './results.js';
import { selectShard, type Shard } from './shard.js';

/** Flags that override the config (CLI flags, Action inputs). Paths relative to the cwd. */
export interface RunOverrides {
  model?: string;
  baselineModel?: string;
  baselineReport?: string;
  /** Where a stored baseline came from (commit, branch), shown in the report. */
  baselineInfo?: { commit?: string; ref?: string; detail?: string };
  /**
   * A stored result of the baseline model: its records replace running the model when the
   * model file, input contract and images match (see engine/reuse.ts).
   */
  reuseBaseline?: string;
  /** Ignore the config's baseline: evaluate the candidate alone (e.g. to record a baseline). */
  noBaseline?: boolean;
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

  const data = await prepareData(loaded, overrides, { checkFiles: true });
  const { raw } = data;
  log(
    `dataset: ${raw.examples.length} examples (${raw.format}), metadata columns: ${raw.metadataColumns.join(', ') || 'none'}`,
  );

  // --- models
  const candidatePath = overrides.model
    ? cwdPath(overrides.model)
    : resolveFromConfig(loaded, config.model.path);
  const baselineModelPath = overrides.baselineModel
    ? cwdPath(overrides.baselineModel)
    : data.useConfigBaseline && config.baseline.model
      ? resolveFromConfig(loaded, config.baseline.model)
      : undefined;
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
    const candContract = resolveContract(
      'candidate',
      candidate.inputs,
      candidate.outputs,
      config.model.input,
      config.model.output,
      rel(candidate.path),
    );
    const classList = describeClassList(loaded, classSource, classes.length);
    checkClassCount('candidate', candidate.path, candContract, classList);
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
      );
      checkClassCount('baseline', baselineModel.path, baseContract, classList);
      models.push({ role: 'baseline', model: baselineModel, contract: baseContract });
    }

    // --- metric names are checked before the expensive pass
    checkMetricNames(loaded, classes, classSource);
    checkGateScopes(loaded, config, raw.metadataColumns);
    const pinnedIds = await readPinned(loaded, config);

    // --- evaluation pass
    const sliceColumns = config.slices.columns ?? raw.metadataColumns;
    const robustness = config.robustness?.enabled
      ? planRobustness(config.robustness, allExamples, sliceColumns)
      : undefined;
    const variants: Variant[] = [
      { name: 'clean' },
      ...(robustness && config.robustness ? robustnessVariants(robustness, config.robustness) : []),
    ];
    if (robustness) {
      log(
        `robustness: ${robustness.sample.size} sampled examples × ${robustness.corruptions.length} corruptions × ${robustness.severities.length} severities${robustness.transforms.length ? ` + ${robustness.transforms.length} transforms` : ''}`,
      );
    }
    const batchSize = config.runtime.batchSize ?? defaultBatchSize(models.map((m) => m.contract));
    log(
      `evaluating ${examples.length} examples with ${models.map((m) => m.role).join(' + ')} (batch ${batchSize}, ${os.availableParallelism()} CPUs)`,
    );
    const evalStart = performance.now();
    // A stored result of the same baseline model on the same images replaces running it.
    const reuseDir = overrides.reuseBaseline
      ? cwdPath(overrides.reuseBaseline)
      : data.useConfigBaseline && config.baseline.reuse
        ? resolveFromConfig(loaded, config.baseline.reuse)
        : undefined;
    const notices: string[] = [];
    let reused: RecordSet | undefined;
    const baseUT = models.find((m) => m.role === 'baseline');
    if (baseUT && reuseDir) {
      const stored = await readResultDir(reuseDir).catch((error: unknown) => error as Error);
      const decision =
        stored instanceof Error
          ? { reuse: false as const, why: stored.message }
          : await decideReuse(stored, baseUT, examples, variants);
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
      {
        batchSize,
        onUnreadable: config.dataset.onUnreadable,
        locate: (rows) => rowLocations(raw, examples, rows),
        // Full probability vectors are only read by the data suite's label-issue check; for a
        // 1000-class model they are 12 kB per record, so they are kept only when it runs.
        keepProbs: (v) =>
          v === 'clean' && config.data?.enabled === true && config.data.labelIssues.enabled,
        ...(config.runtime.workers !== undefined ? { workers: config.runtime.workers } : {}),
        onProgress: (done, total) => hooks.progress?.('evaluate', done, total),
      },
    );
    const result = reused
      ? {
          ...evaluated,
          records: new RecordSet([
            ...evaluated.records.tables,
            ...readableRows(reused.tables, examples, evaluated.images),
          ]),
        }
      : evaluated;
    lap('evaluate', evalStart);

    // --- stored baseline
    let stored: StoredResult | undefined;
    if (data.baselineReportDir) {
      stored = await readResultDir(data.baselineReportDir);
      checkStoredCompatible(stored, classes);
      log(`stored baseline: ${stored.records.size} records from ${stored.report.createdAt}`);
    }

    const dataStart = performance.now();
    // The data suite looks at the whole dataset (duplicates across it): not in shard runs.
    const dataChecks = overrides.shard
      ? undefined
      : await runDataChecks(
          loaded,
          examples,
          classes,
          result.records,
          stored?.records.ofModel('candidate'),
        );
    if (dataChecks) lap('dataSuite', dataStart);
    const buildStart = performance.now();
    const report = await reportFromRecords({
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
      ...(overrides.shard ? { shard: overrides.shard } : {}),
      ...(overrides.baselineInfo ? { baselineInfo: overrides.baselineInfo } : {}),
      ...(dataChecks ? { suites: { data: dataChecks.result }, suiteGates: dataChecks.gates } : {}),
      notices: [
        ...notices,
        ...(overrides.shard && config.data?.enabled
          ? ['The data suite runs on the whole dataset: it runs in `merge`, not in shard runs.']
          : []),
      ],
    });
    lap('report', buildStart);
    lap('total', t0);
    report.timing = timing;
    return { report, records: result.records, examples, images: result.images, loaded };
  } finally {
    await candidate.dispose();
    await baselineModel?.dispose();
  }
}

/** The class list: config list or file, else the model's metadata, else imagefolder folders. */
export async function resolveClasses(
  loaded: LoadedConfig,
  raw: RawDataset,
  modelMetadata: Record<string, string> | undefined,
): Promise<{ classes: string[]; source: string }> {
  const cfg = loaded.config.dataset.classes;
  if (Array.isArray(cfg)) return { classes: cfg, source: 'config dataset.classes' };
  if (typeof cfg === 'string') {
    const file = resolveFromConfig(loaded, cfg);
    return { classes: await readClassFile(file), source: `class file ${cfg}` };
  }
  const meta = modelMetadata?.classes ?? modelMetadata?.labels;
  if (meta !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(meta);
    } catch {
      parsed = meta
        .split(/\r?\n|,/)
        .map((s) => s.trim())
        .filter(Boolean);
    }
    if (Array.isArray(parsed) && parsed.every((c) => typeof c === 'string'))
      return { classes: parsed, source: 'model metadata "classes"' };
    if (parsed && typeof parsed === 'object') {
      // {"0": "cat", "1": "dog"} as some exporters write id2label.
      const entries = Object.entries(parsed as Record<string, unknown>).sort(
        (a, b) => Number(a[0]) - Number(b[0]),
      );
      if (entries.every(([k, v], i) => Number(k) === i && typeof v === 'string'))
        return { classes: entries.map(([, v]) => v as string), source: 'model metadata "classes"' };
    }
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

/** The class list as a message names it: where it comes from (file and line) and its size. */
function describeClassList(
  loaded: LoadedConfig,
  source: string,
  n: number,
): { n: number; text: string } {
  const line = loaded.config.dataset.classes ? loaded.lineOf(['dataset', 'classes']) : undefined;
  const at = line ? `, ${path.basename(loaded.file)}:${line}` : '';
  return { n, text: `the class list (${source}${at}) has ${n}` };
}

/** Both files named: the model's, and the config line or class file the list comes from. */
function checkClassCount(
  role: string,
  file: string,
  c: ResolvedContract,
  list: { n: number; text: string },
): void {
  if (c.outputClasses !== undefined && c.outputClasses !== list.n) {
    throw new UserError(
      'model',
      `${role} model ${rel(file)}: output ${c.outputName} has ${c.outputClasses} classes but ${list.text}; give one class name per model output, in output order`,
    );
  }
}

export function checkGateScopes(
  loaded: LoadedConfig,
  config: Config,
  columns: readonly string[],
): void {
  const known = new Set([...columns]);
  config.gates.forEach((g: GateRule, i) => {
    if (g.scope.startsWith('column:') && !known.has(g.scope.slice(7))) {
      const line = loaded.lineOf(['gates', i, 'scope']);
      throw new UserError(
        'config',
        `${path.basename(loaded.file)}${line ? `:${line}` : ''}: gates[${i}].scope: no metadata column "${g.scope.slice(7)}" (columns: ${[...known].join(', ') || 'none'})`,
      );
    }
  });
  // Each column named by its key path and line, as a gate scope is.
  const named: [(string | number)[], string][] = [
    ...(config.slices.columns ?? []).map((c, i): [(string | number)[], string] => [
      ['slices', 'columns', i],
      c,
    ]),
    ...config.slices.crossings.flatMap((cross, i) =>
      cross.map((c, j): [(string | number)[], string] => [['slices', 'crossings', i, j], c]),
    ),
    // Discovery would search a column that is not there without a word, and the bias check
    // would find every example's value missing and pass its gate with a gap of 0.
    ...(config.discovery.columns ?? []).map((c, i): [(string | number)[], string] => [
      ['discovery', 'columns', i],
      c,
    ]),
    ...(config.data?.enabled && config.data.bias.enabled ? config.data.bias.attributes : []).map(
      (c, i): [(string | number)[], string] => [['data', 'bias', 'attributes', i], c],
    ),
  ];
  for (const [keyPath, col] of named) {
    if (!known.has(col)) {
      const line = loaded.lineOf(keyPath);
      throw new UserError(
        'config',
        `${path.basename(loaded.file)}${line ? `:${line}` : ''}: ${formatKeyPath(keyPath)}: no metadata column "${col}" (columns: ${[...known].join(', ') || 'none'})`,
      );
    }
  }
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

/** Dataset and baseline-source decisions shared by `run` and `merge`. */
export interface PreparedData {
  root: string;
  manifest?: string;
  raw: RawDataset;
  useConfigBaseline: boolean;
  baselineReportDir?: string;
}

export async function prepareData(
  loaded: LoadedConfig,
  overrides: RunOverrides,
  options: { checkFiles: boolean },
): Promise<PreparedData> {
  const config = loaded.config;
  const root = resolveFromConfig(loaded, config.dataset.root);
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
  const useConfigBaseline =
    !overrides.noBaseline && !overrides.baselineReport && !overrides.baselineModel;
  const baselineReportDir = overrides.baselineReport
    ? cwdPath(overrides.baselineReport)
    : useConfigBaseline && config.baseline.report
      ? resolveFromConfig(loaded, config.baseline.report)
      : undefined;
  return {
    root,
    ...(manifest ? { manifest } : {}),
    raw,
    useConfigBaseline,
    ...(baselineReportDir ? { baselineReportDir } : {}),
  };
}

/** The report summary of a model that ran in this process. */
export function summarizeModel(m: ModelUnderTest): Report['models']['candidate'] {
  return {
    role: m.role,
    source: 'model',
    path: rel(m.model.path),
    sha256: m.model.sha256,
    input: summarizeContract(m.contract),
  };
}

/** Everything after inference: shared by `run` (in memory) and `merge` (from shard files). */
export async function reportFromRecords(input: {
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
  models: { candidate: Report['models']['candidate']; baseline?: Report['models']['candidate'] };
  stored?: StoredResult;
  pinnedIds: readonly string[];
  shard?: Shard;
  baselineInfo?: RunOverrides['baselineInfo'];
  suites?: Record<string, unknown>;
  suiteGates?: GateResult[];
  notices?: string[];
}): Promise<Report> {
  const { loaded, data, stored } = input;
  return buildReport({
    config: loaded.config,
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
      unused: data.raw.unused,
    },
    classes: input.classes,
    allExamples: input.allExamples,
    examples: input.examples,
    records: input.records,
    ...(stored
      ? {
          storedBaseline: {
            records: stored.records.ofModel('candidate'),
            summary: {
              ...stored.report.models.candidate,
              role: 'baseline' as const,
              source: 'stored' as const,
              stored: {
                dir: rel(stored.dir),
                createdAt: stored.report.createdAt,
                ...(input.baselineInfo?.commit ? { commit: input.baselineInfo.commit } : {}),
                ...(input.baselineInfo?.ref ? { ref: input.baselineInfo.ref } : {}),
              },
            },
          },
        }
      : {}),
    images: input.images,
    unreadable: input.unreadable,
    models: input.models,
    pinnedIds: input.pinnedIds,
    createdAt: new Date().toISOString(),
    ...(input.suites ? { suites: input.suites } : {}),
    ...(input.suiteGates ? { suiteGates: input.suiteGates } : {}),
    notices: [...(input.notices ?? []), ...(stored?.notices ?? [])],
  });
}

/**
 * Each table with only the rows whose example was read in this run (reused records of
 * unreadable images are left out). The id → row index is built once for all of them.
 */
function readableRows(
  tables: readonly RecordTable[],
  examples: ExampleTable,
  images: ImageFacts,
): RecordTable[] {
  const rowOf = examples.indexById();
  return tables.map((table) => {
    const rows: number[] = [];
    for (let i = 0; i < table.length; i++) {
      const e = rowOf.get(table.ids[i]!);
      if (e !== undefined && images.has(e)) rows.push(i);
    }
    return rows.length === table.length ? table : table.select(rows);
  });
}
