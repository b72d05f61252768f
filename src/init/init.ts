/**
 * `visiongate init`: look at the data and the model, write a commented visiongate.yml that runs
 * on the first try (and, asked, the GitHub workflows), and say what was inferred and what was
 * assumed. Before anything is written, the config goes through the run's own loading and checks
 * (config schema, dataset, class list, input contracts, gate scopes and metrics), so a config
 * that would not run is never written.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseConfig } from '../config/load.js';
import { classesFromMetadata } from '../dataset/class-list.js';
import { attachClasses } from '../dataset/load.js';
import { planContext, prepareData, resolveClasses } from '../engine/run.js';
import { UserError } from '../errors.js';
import { resolveContract } from '../model/contract.js';
import { planAnalysis } from '../suites/analyse.js';
import { taskOf } from '../tasks/registry.js';
import { bestClassSource, chooseClasses } from './class-sources.js';
import { composeConfig, type Composed, type Summary } from './compose.js';
import { composeDetectionConfig, planDetectorInput } from './compose-detection.js';
import { inspectDetectionDataset } from './inspect-detection.js';
import { inspectDataset } from './inspect-dataset.js';
import { inspectModel, type ModelFindings } from './inspect-model.js';
import { planInput } from './input-plan.js';
import { renderYaml } from './render-yaml.js';
import { workflowFiles } from './workflows.js';

export interface InitOptions {
  /** Candidate model (relative to `cwd`). */
  model: string;
  /** A dataset folder or manifest; default: found next to the config. */
  dataset?: string;
  /** A baseline model to run alongside. */
  baseline?: string;
  /** The config file to write. */
  config: string;
  /** Also write .github/workflows/visiongate-{pr,baseline,nightly}.yml. */
  workflows: boolean;
  /** Replace files that exist. */
  force: boolean;
  cwd: string;
}

export interface InitResult {
  /** Absolute paths of the files written, the config first. */
  written: string[];
  summary: Summary;
}

/** Workflow files init writes, by template name. */
const WORKFLOWS = ['pr', 'baseline', 'nightly'] as const;

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The folder holding `.git` at or above `dir`, else undefined. */
async function repositoryRoot(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = path.dirname(d)) {
    if (await exists(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** A config `name` from the folder it lives in: 1-64 of `[A-Za-z0-9._-]`, else "default". */
export function configName(configDir: string): string {
  const slug = path
    .basename(configDir)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64);
  return slug || 'default';
}

/** Run init: inspect, compose, check with the run's own code, then write. */
export async function runInit(o: InitOptions): Promise<InitResult> {
  const abs = (p: string) => path.resolve(o.cwd, p);
  const show = (p: string) => {
    const r = path.relative(o.cwd, p);
    return r === '' ? '.' : r.startsWith('..') || path.isAbsolute(r) ? p : r;
  };
  const configFile = abs(o.config);
  const configDir = path.dirname(configFile);
  const warnings: string[] = [];

  // Refuse before any work: nothing is ever overwritten without --force.
  let repo: string | undefined;
  if (o.workflows) {
    repo = await repositoryRoot(configDir);
    if (!repo)
      warnings.push(
        `no git repository at or above ${show(configDir)}: the workflows are written to ${show(path.join(configDir, '.github/workflows'))}`,
      );
    repo ??= configDir;
  }
  const workflowPaths = repo
    ? WORKFLOWS.map((w) => path.join(repo, '.github', 'workflows', `visiongate-${w}.yml`))
    : [];
  if (!o.force) {
    const taken = [];
    for (const p of [configFile, ...workflowPaths]) if (await exists(p)) taken.push(show(p));
    if (taken.length > 0)
      throw new UserError(
        'usage',
        `${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}: init never overwrites a file. Pass --force to replace ${taken.length === 1 ? 'it' : 'them'}, or --config to write the config elsewhere`,
      );
  }

  const datasetTarget = o.dataset ? abs(o.dataset) : undefined;
  const candidateModel = await inspectModel(abs(o.model), show);
  const baselineModel = o.baseline ? await inspectModel(abs(o.baseline), show) : undefined;
  // A COCO, YOLO or VOC dataset means detection; anything else is read as classification.
  const detection = await inspectDetectionDataset(
    datasetTarget,
    configDir,
    show,
    // A class list stored with the model (metadata, Ultralytics' names, a file beside it).
    bestClassSource(candidateModel.classSources),
  );
  const dataset = detection ? undefined : await inspectDataset(datasetTarget, configDir, show);
  let composed: Composed;
  let watched: { path: string; dir: boolean }[];
  if (detection) {
    const numClasses = detection.dataset.classes.length;
    const candidatePlan = planDetectorInput('candidate', candidateModel, numClasses);
    const baselinePlan = baselineModel
      ? planDetectorInput('baseline', baselineModel, numClasses)
      : undefined;
    composed = composeDetectionConfig({
      configDir,
      name: configName(configDir),
      dataset: detection,
      candidate: { findings: candidateModel, plan: candidatePlan },
      ...(baselineModel && baselinePlan
        ? { baseline: { findings: baselineModel, plan: baselinePlan } }
        : {}),
      show,
    });
    watched = [
      { path: detection.root, dir: true },
      ...(detection.annotations ? [{ path: detection.annotations, dir: false }] : []),
    ];
  } else {
    if (!dataset) throw new Error('no dataset inspected');
    composed = composeClassification(dataset, candidateModel, baselineModel, configDir, show);
    watched = [
      { path: dataset.root, dir: true },
      ...(dataset.manifest ? [{ path: dataset.manifest, dir: false }] : []),
    ];
  }
  composed.summary.warnings.unshift(...warnings);
  const text = renderYaml(composed.nodes);
  await checkRuns(text, configFile, candidateModel, baselineModel);

  const written: string[] = [];
  const flag = o.force ? 'w' : 'wx';
  await mkdir(configDir, { recursive: true });
  await writeFile(configFile, text, { flag });
  written.push(configFile);
  if (repo) {
    const name = configName(configDir);
    const files = workflowFiles({
      config: toRepo(repo, configFile),
      key: name,
      watch: watchPaths(repo, [
        // A model's folder (its config.json, classes file), or the model itself at the top.
        ...[candidateModel.file, ...(baselineModel ? [baselineModel.file] : [])].map((f) =>
          path.dirname(f) === repo ? { path: f, dir: false } : { path: path.dirname(f), dir: true },
        ),
        ...watched,
        { path: configFile, dir: false },
      ]),
      nightlyConfig: toRepo(repo, configFile),
      nightlyConfigNote:
        'The PR config; a heavier one (all severities, a larger robustness sample) suits a nightly run.',
      nightlyKey: `${name}-nightly`.slice(0, 64),
    });
    await mkdir(path.join(repo, '.github', 'workflows'), { recursive: true });
    for (const [i, w] of WORKFLOWS.entries()) {
      await writeFile(workflowPaths[i]!, files[w], { flag });
      written.push(workflowPaths[i]!);
    }
  }
  return { written, summary: composed.summary };
}

/** The classification config: input plans, the class list, then compose.ts. */
function composeClassification(
  dataset: Awaited<ReturnType<typeof inspectDataset>>,
  candidateModel: ModelFindings,
  baselineModel: ModelFindings | undefined,
  configDir: string,
  show: (p: string) => string,
): Composed {
  const candidatePlan = planInput(
    'candidate',
    candidateModel.inputs,
    candidateModel.outputs,
    candidateModel.hints,
  );
  const baselinePlan = baselineModel
    ? planInput('baseline', baselineModel.inputs, baselineModel.outputs, baselineModel.hints)
    : undefined;

  const classes = chooseClasses(
    [...candidateModel.classSources, ...dataset.classSources],
    dataset.raw.labels,
    candidatePlan.contract.outputClasses,
  );
  const baseOutputs = baselinePlan?.contract.outputClasses;
  if (baseOutputs !== undefined && baseOutputs !== classes.chosen.classes.length)
    throw new UserError(
      'model',
      `the baseline model ${show(baselineModel!.file)} has ${baseOutputs} outputs, the candidate ${classes.chosen.classes.length}: the two must score the same classes to be compared`,
    );

  return composeConfig({
    configDir,
    name: configName(configDir),
    dataset,
    candidate: { findings: candidateModel, plan: candidatePlan },
    ...(baselineModel && baselinePlan
      ? { baseline: { findings: baselineModel, plan: baselinePlan } }
      : {}),
    classes,
    runDefaultClasses: runDefaultClasses(candidateModel, dataset.format, dataset.raw.labels),
    show,
  });
}

/**
 * The class list a run uses when `dataset.classes` is not written: the model's metadata
 * (`classes`, else `labels`), else sorted ImageFolder folders (engine/run.ts resolveClasses).
 * `null`: the metadata is there but unreadable, so the run would stop unless classes are written.
 */
function runDefaultClasses(
  model: ModelFindings,
  format: string,
  labels: readonly string[],
): string[] | undefined {
  const meta = model.metadata.classes ?? model.metadata.labels;
  if (meta !== undefined) return classesFromMetadata(meta);
  return format === 'imagefolder' ? [...labels].sort() : undefined;
}

const toRepo = (repo: string, p: string) => path.relative(repo, p).split(path.sep).join('/');

/**
 * What the PR workflow's change filter watches, relative to the repository: folders end in `/`;
 * paths outside the repository and paths inside a watched folder are left out.
 */
function watchPaths(repo: string, entries: { path: string; dir: boolean }[]): string[] {
  const out: string[] = [];
  for (const e of entries) {
    const rel = toRepo(repo, e.path);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    out.push(e.dir ? (rel === '' ? '.' : `${rel}/`) : rel);
  }
  const unique = [...new Set(out)];
  if (unique.includes('.')) return ['.'];
  return unique.filter((p) => !unique.some((q) => q !== p && q.endsWith('/') && p.startsWith(q)));
}

/**
 * The written config through the run's own checks: schema, dataset loading, class list and its
 * count against each model's outputs, input contracts, gate scopes and metric names. A failure
 * here is a bug in init (what it inspected and what it wrote disagree).
 */
async function checkRuns(
  text: string,
  configFile: string,
  candidate: ModelFindings,
  baseline: ModelFindings | undefined,
): Promise<void> {
  try {
    const loaded = parseConfig(text, configFile);
    const { config } = loaded;
    const data = await prepareData(loaded, { checkFiles: true });
    const { classes, source } = await resolveClasses(loaded, data.raw, candidate.metadata);
    const allExamples = await attachClasses(data.raw, classes, source);
    const models = [
      { m: candidate, input: config.model.input, output: config.model.output, role: 'candidate' },
      ...(baseline
        ? [
            {
              m: baseline,
              input: config.baseline.input ?? config.model.input,
              output: config.baseline.output ?? config.model.output,
              role: 'baseline',
            },
          ]
        : []),
    ];
    const detection = data.detection ? { numClasses: classes.length } : undefined;
    const contracts = models.map(({ m, input, output, role }) => {
      const contract = resolveContract(
        role,
        m.inputs,
        m.outputs,
        input,
        output,
        undefined,
        detection,
      );
      if (contract.outputClasses !== undefined && contract.outputClasses !== classes.length)
        throw new Error(`${role}: ${contract.outputClasses} outputs, ${classes.length} classes`);
      taskOf(config).checkContract(role as 'candidate' | 'baseline', contract, classes);
      return contract;
    });
    // Every suite's plan-time checks (gate scopes, metric names, robustness and data settings).
    await planAnalysis(
      planContext(
        loaded,
        taskOf(config),
        data.raw.metadataColumns,
        allExamples,
        classes,
        source,
        contracts[0]!.geometry,
      ),
    );
  } catch (error) {
    throw new Error(
      `init composed a config that the run refuses (a bug in init): ${(error as Error).message}\n--- config ---\n${text}`,
      { cause: error },
    );
  }
}
