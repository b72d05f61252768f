import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, resolveFromConfig, type LoadedConfig } from '../config/load.js';
import type { Config, GateRule } from '../config/schema.js';
import { attachClasses, loadDataset, readClassFile, type RawDataset } from '../dataset/load.js';
import { UserError } from '../errors.js';
import { evaluateGates, worst, type GateTarget } from '../gates/evaluate.js';
import { UnknownMetricError, type MetricDirection } from '../metrics/classification.js';
import { resolveContract, type ResolvedContract } from '../model/contract.js';
import { loadModel, type LoadedModel } from '../model/runtime.js';
import {
  REPORT_SCHEMA_VERSION,
  type GateResult,
  type Report,
  type SliceReport,
} from '../report/schema.js';
import {
  buildSlices,
  checkPinned,
  exampleChanges,
  metricNamesFor,
  metricValues,
  pairRecords,
  resolveMetrics,
  subtract,
} from '../suites/regression.js';
import type { Example, PredictionRecord } from '../types.js';
import { VERSION } from '../version.js';
import { evaluate, type ModelUnderTest, type Variant } from './evaluate.js';
import { readResultDir, type StoredResult } from './results.js';
import { selectShard, type Shard } from './shard.js';

/** Flags that override the config (CLI flags, Action inputs). Paths relative to the cwd. */
export interface RunOverrides {
  model?: string;
  baselineModel?: string;
  baselineReport?: string;
  /** Ignore the config's baseline: evaluate the candidate alone (e.g. to record a baseline). */
  noBaseline?: boolean;
  shard?: Shard;
}

export interface RunResult {
  report: Report;
  records: PredictionRecord[];
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

  // --- dataset
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
  });
  log(
    `dataset: ${raw.rows.length} examples (${raw.format}), metadata columns: ${raw.metadataColumns.join(', ') || 'none'}`,
  );

  // --- models
  const candidatePath = overrides.model
    ? cwdPath(overrides.model)
    : resolveFromConfig(loaded, config.model.path);
  const useConfigBaseline =
    !overrides.noBaseline && !overrides.baselineReport && !overrides.baselineModel;
  const baselineModelPath = overrides.baselineModel
    ? cwdPath(overrides.baselineModel)
    : useConfigBaseline && config.baseline.model
      ? resolveFromConfig(loaded, config.baseline.model)
      : undefined;
  const baselineReportDir = overrides.baselineReport
    ? cwdPath(overrides.baselineReport)
    : useConfigBaseline && config.baseline.report
      ? resolveFromConfig(loaded, config.baseline.report)
      : undefined;
  const runtime = {
    intraOpThreads: config.runtime.intraOpThreads,
    interOpThreads: config.runtime.interOpThreads,
  };
  const loadStart = performance.now();
  const candidate = await loadModel(candidatePath, runtime);
  const baselineModel = baselineModelPath ? await loadModel(baselineModelPath, runtime) : undefined;
  lap('loadModels', loadStart);

  try {
    // --- classes
    const { classes, source: classSource } = await resolveClasses(loaded, raw, candidate);
    const allExamples = attachClasses(raw, classes, classSource);
    const examples = overrides.shard ? selectShard(allExamples, overrides.shard) : allExamples;

    // --- contracts
    const candContract = resolveContract(
      'candidate',
      candidate.inputs,
      candidate.outputs,
      config.model.input,
      config.model.output,
    );
    checkClassCount('candidate', candContract, classes.length);
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
      );
      checkClassCount('baseline', baseContract, classes.length);
      models.push({ role: 'baseline', model: baselineModel, contract: baseContract });
    }

    // --- metric names are checked before the expensive pass
    const metricNames = metricNamesFor(
      config.metrics.topK,
      config.gates.map((g) => g.metric),
    );
    let defs;
    try {
      defs = resolveMetrics(metricNames, classes);
    } catch (error) {
      if (error instanceof UnknownMetricError) {
        const i = config.gates.findIndex((g) => error.message.includes(`"${g.metric}"`));
        const line = i >= 0 ? loaded.lineOf(['gates', i, 'metric']) : undefined;
        throw new UserError(
          'config',
          `${path.basename(loaded.file)}${line ? `:${line}` : ''}: gates[${i}].metric: ${error.message}`,
        );
      }
      throw error;
    }
    checkGateScopes(loaded, config, raw.metadataColumns);
    const pinnedIds = await readPinned(loaded, config);

    // --- evaluation pass
    const variants: Variant[] = [{ name: 'clean' }];
    const batchSize = config.runtime.batchSize ?? candContract.fixedBatch ?? 32;
    log(
      `evaluating ${examples.length} examples with ${models.map((m) => m.role).join(' + ')} (batch ${batchSize}, ${os.availableParallelism()} CPUs)`,
    );
    const evalStart = performance.now();
    const result = await evaluate(examples, models, variants, {
      batchSize,
      onUnreadable: config.dataset.onUnreadable,
      onProgress: (done, total) => hooks.progress?.('evaluate', done, total),
    });
    lap('evaluate', evalStart);

    // --- stored baseline
    let stored: StoredResult | undefined;
    if (baselineReportDir) {
      stored = await readResultDir(baselineReportDir);
      checkStoredCompatible(stored, classes);
      log(`stored baseline: ${stored.records.length} records from ${stored.report.createdAt}`);
    }

    const report = buildReport({
      loaded,
      configSha: createHash('sha256')
        .update(await readFile(loaded.file))
        .digest('hex'),
      raw,
      root,
      ...(manifest ? { manifest } : {}),
      classes,
      classSource,
      examples,
      totalExamples: allExamples.length,
      models,
      records: result.records,
      hashes: result.hashes,
      unreadable: result.unreadable,
      ...(stored ? { stored } : {}),
      metricNames,
      directions: new Map(defs.map((d) => [d.name, d.direction])),
      defs,
      pinnedIds,
      ...(overrides.shard ? { shard: overrides.shard } : {}),
    });
    lap('total', t0);
    report.timing = timing;
    return { report, records: result.records, loaded };
  } finally {
    await candidate.dispose();
    await baselineModel?.dispose();
  }
}

async function resolveClasses(
  loaded: LoadedConfig,
  raw: RawDataset,
  model: LoadedModel,
): Promise<{ classes: string[]; source: string }> {
  const cfg = loaded.config.dataset.classes;
  if (Array.isArray(cfg)) return { classes: cfg, source: 'config dataset.classes' };
  if (typeof cfg === 'string') {
    const file = resolveFromConfig(loaded, cfg);
    return { classes: await readClassFile(file), source: `class file ${cfg}` };
  }
  const meta = model.info.metadata.classes ?? model.info.metadata.labels;
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

function checkClassCount(role: string, c: ResolvedContract, n: number): void {
  if (c.outputClasses !== undefined && c.outputClasses !== n) {
    throw new UserError(
      'model',
      `${role} model output ${c.outputName} has ${c.outputClasses} classes but the class list has ${n}`,
    );
  }
}

function checkGateScopes(loaded: LoadedConfig, config: Config, columns: readonly string[]): void {
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
  for (const col of [...(config.slices.columns ?? []), ...config.slices.crossings.flat()]) {
    if (!known.has(col))
      throw new UserError(
        'config',
        `slices: no metadata column "${col}" (columns: ${[...known].join(', ') || 'none'})`,
      );
  }
}

async function readPinned(loaded: LoadedConfig, config: Config): Promise<string[]> {
  const ids = [...config.pinned.ids];
  if (config.pinned.file)
    ids.push(
      ...(await readClassFile(resolveFromConfig(loaded, config.pinned.file)).catch(() => {
        throw new UserError('config', `pinned.file not found: ${config.pinned.file}`);
      })),
    );
  return [...new Set(ids)];
}

function checkStoredCompatible(stored: StoredResult, classes: readonly string[]): void {
  const old = stored.report.dataset.classes;
  if (old.length !== classes.length || old.some((c, i) => c !== classes[i])) {
    throw new UserError(
      'baseline',
      `the stored baseline in ${stored.dir} was made with a different class list (${old.length} classes: ${old.slice(0, 5).join(', ')}…); predictions cannot be compared. Re-create the baseline.`,
    );
  }
}

interface BuildInput {
  loaded: LoadedConfig;
  configSha: string;
  raw: RawDataset;
  root: string;
  manifest?: string;
  classes: string[];
  classSource: string;
  examples: Example[];
  totalExamples: number;
  models: ModelUnderTest[];
  records: PredictionRecord[];
  hashes: Map<string, string>;
  unreadable: { id: string; reason: string }[];
  stored?: StoredResult;
  metricNames: string[];
  directions: Map<string, MetricDirection>;
  defs: ReturnType<typeof resolveMetrics>;
  pinnedIds: string[];
  shard?: Shard;
}

const rel = (p: string) => path.relative(process.cwd(), p).split(path.sep).join('/') || '.';

/** Pure assembly of the report from records: every number in it comes from here. */
export function buildReport(input: BuildInput): Report {
  const { loaded, classes, defs } = input;
  const config = loaded.config;
  const k = classes.length;
  const topK = config.metrics.topK;
  const clean = (role: string) =>
    input.records.filter((r) => r.model === role && r.variant === 'clean');
  const candRecords = clean('candidate');
  const baseRecords = input.stored
    ? input.stored.records.filter((r) => r.model === 'candidate' && r.variant === 'clean')
    : input.models.some((m) => m.role === 'baseline')
      ? clean('baseline')
      : undefined;
  const pairing = pairRecords(candRecords, baseRecords);
  const evaluatedIds = new Set(candRecords.map((r) => r.id));
  const examples = input.examples.filter((e) => evaluatedIds.has(e.id));
  const byId = new Map(examples.map((e) => [e.id, e]));

  // Overall: candidate on everything; baseline and delta on the paired examples.
  const cand = metricValues(candRecords, defs, k, topK);
  const pairedIds = [...pairing.baseline.keys()];
  const hasBase = baseRecords !== undefined;
  const overallBase = hasBase
    ? metricValues(
        pairedIds.map((id) => pairing.baseline.get(id)!),
        defs,
        k,
        topK,
      ).values
    : undefined;
  const overallCandPaired = hasBase
    ? metricValues(
        pairedIds.map((id) => pairing.candidate.get(id)!),
        defs,
        k,
        topK,
      ).values
    : undefined;

  // Slices.
  const sliceDefs = buildSlices(examples, {
    columns: config.slices.columns ?? input.raw.metadataColumns,
    crossings: config.slices.crossings,
    classes: config.slices.classes,
  });
  const minSupport = config.slices.minSupport;
  const targets: GateTarget[] = [
    {
      key: 'overall',
      kind: 'overall',
      columns: [],
      gated: true,
      candidate: cand.values,
      ...(overallBase && overallCandPaired
        ? { baseline: overallBase, delta: subtract(overallCandPaired, overallBase) }
        : {}),
    },
  ];
  const sliceBodies = sliceDefs.map((s) => {
    const ids = [...s.ids];
    const c = metricValues(
      ids.map((id) => pairing.candidate.get(id)!),
      defs,
      k,
      topK,
    ).values;
    const pIds = ids.filter((id) => pairing.baseline.has(id));
    let baseline;
    let delta;
    if (hasBase && pIds.length > 0) {
      baseline = metricValues(
        pIds.map((id) => pairing.baseline.get(id)!),
        defs,
        k,
        topK,
      ).values;
      delta = subtract(
        metricValues(
          pIds.map((id) => pairing.candidate.get(id)!),
          defs,
          k,
          topK,
        ).values,
        baseline,
      );
    }
    const t: GateTarget = {
      key: s.key,
      kind: s.kind,
      columns: s.predicates.map((p) => p.column),
      gated: ids.length >= minSupport,
      candidate: c,
      ...(baseline ? { baseline } : {}),
      ...(delta ? { delta } : {}),
    };
    targets.push(t);
    return { def: s, t, paired: pIds.length };
  });

  const outcome = evaluateGates(config.gates, input.directions, targets);
  const gates: GateResult[] = [...outcome.results];

  const pinned = checkPinned(input.pinnedIds, pairing.candidate, classes);
  for (const p of pinned) {
    if (p.status === 'pass') continue;
    gates.push({
      index: -1,
      rule: 'pinned case classified correctly',
      metric: 'pinned',
      scope: 'pinned',
      target: p.id,
      kind: 'pinned',
      value: null,
      threshold: 1,
      level: config.pinned.level,
      status: config.pinned.level,
      reason:
        p.status === 'missing'
          ? `pinned example ${p.id} is not in the evaluated dataset`
          : `pinned example ${p.id} (${p.label}) predicted as ${p.pred}`,
    });
  }

  const slices: SliceReport[] = sliceBodies.map(({ def, t, paired }) => ({
    key: def.key,
    kind: def.kind,
    predicates: def.predicates,
    n: def.ids.size,
    gated: t.gated,
    candidate: t.candidate,
    ...(t.baseline ? { baseline: t.baseline } : {}),
    ...(t.delta ? { delta: t.delta } : {}),
    ...(hasBase ? { paired } : {}),
    status: t.gated ? (outcome.status.get(def.key) ?? 'pass') : 'ungated',
    newlyFailing: outcome.newlyFailing.has(def.key),
  }));

  const changes = hasBase
    ? exampleChanges(pairing, byId, classes)
    : { newlyFailing: [], newlyFixed: [], bothWrong: 0 };
  const notices: string[] = [];
  if (!hasBase)
    notices.push(
      'No baseline: only absolute gates (min/max) were checked; maxDrop gates were skipped.',
    );
  if (input.unreadable.length > 0)
    notices.push(
      `${input.unreadable.length} unreadable image(s) were skipped (dataset.onUnreadable: skip).`,
    );
  const small = slices.filter((s) => !s.gated).length;
  if (small > 0)
    notices.push(
      `${small} slice(s) have fewer than ${minSupport} examples (slices.minSupport): reported, not gated.`,
    );

  const contentHash = createHash('sha256');
  for (const id of [...pairing.candidate.keys()].sort())
    contentHash.update(`${id}\u0000${input.hashes.get(id) ?? pairing.candidate.get(id)!.hash}\n`);

  const summarize = (m: ModelUnderTest) => ({
    role: m.role,
    source: 'model' as const,
    path: rel(m.model.path),
    sha256: m.model.sha256,
    input: {
      name: m.contract.inputName,
      layout: m.contract.tensor.layout,
      channels: m.contract.tensor.channels,
      dtype: m.contract.tensor.dtype,
      width: m.contract.geometry.width,
      height: m.contract.geometry.height,
      resize: `${m.contract.geometry.mode}/${m.contract.geometry.interpolation}`,
    },
  });
  const candModel = input.models.find((m) => m.role === 'candidate')!;
  const baseModel = input.models.find((m) => m.role === 'baseline');
  const storedModel = input.stored?.report.models.candidate;

  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'visiongate', version: VERSION },
    name: config.name,
    createdAt: new Date().toISOString(),
    verdict: worst(gates.map((g) => g.status)),
    config: { file: rel(loaded.file), sha256: input.configSha },
    dataset: {
      root: rel(input.root),
      ...(input.manifest ? { manifest: rel(input.manifest) } : {}),
      format: input.raw.format,
      examples: input.totalExamples,
      evaluated: examples.length,
      classes,
      classSource: input.classSource,
      metadataColumns: input.raw.metadataColumns,
      contentHash: contentHash.digest('hex'),
      ...(input.shard ? { shard: input.shard } : {}),
    },
    models: {
      candidate: summarize(candModel),
      ...(baseModel
        ? { baseline: summarize(baseModel) }
        : input.stored && storedModel
          ? {
              baseline: {
                ...storedModel,
                role: 'baseline' as const,
                source: 'stored' as const,
                stored: { dir: rel(input.stored.dir), createdAt: input.stored.report.createdAt },
              },
            }
          : {}),
    },
    comparison: {
      baseline: input.stored ? 'stored' : baseModel ? 'model' : 'none',
      paired: pairing.baseline.size,
      changed: pairing.changed,
      added: hasBase ? pairing.added : [],
      removed: pairing.removed,
    },
    overall: {
      candidate: cand.values,
      ...(overallBase && overallCandPaired
        ? { baseline: overallBase, delta: subtract(overallCandPaired, overallBase) }
        : {}),
      n: candRecords.length,
      confusion: computeConfusion(candRecords, k),
      perClass: classes.map((c, i) => ({
        class: c,
        precision: cand.summary.perClass.precision[i] ?? 0,
        recall: cand.summary.perClass.recall[i] ?? 0,
        f1: cand.summary.perClass.f1[i] ?? 0,
        support: cand.summary.perClass.support[i] ?? 0,
      })),
    },
    slices,
    examples: {
      newlyFailing: changes.newlyFailing,
      newlyFixed: changes.newlyFixed,
      counts: {
        newlyFailing: changes.newlyFailing.length,
        newlyFixed: changes.newlyFixed.length,
        bothWrong: changes.bothWrong,
      },
    },
    pinned,
    gates,
    suites: {},
    unreadable: input.unreadable,
    notices,
    timing: {},
  };
  return report;
}

function computeConfusion(records: readonly PredictionRecord[], k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const r of records) m[r.label]![r.pred]!++;
  return m;
}
