/**
 * One fuzz case: a whole input (config, dataset, images, class and pinned files, models, an
 * output folder in some state) generated as plain data, written into a folder of its own, and
 * run through the CLI. {@link caseArb} generates cases, {@link runCase} writes and runs one and
 * returns what happened; test/support/fuzz/oracle.ts judges it.
 */
import {
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { cli } from '../cli.js';
import {
  applyMutation,
  objectMutationArb,
  pinnedFileIds,
  semanticFaults,
  validConfigArb,
  type ClassSource,
  type ConfigContext,
  type Json,
  type ObjectMutation,
} from './config.js';
import {
  CONFIG_NAME,
  renderConfig,
  textFaultArb,
  textStyleArb,
  type TextFault,
  type TextStyle,
} from './config-text.js';
import {
  datasetArb,
  faultAnchors,
  MANIFEST_NAME,
  writeDataset,
  type DatasetSpec,
  type ManifestKind,
} from './dataset.js';
import {
  badModelArb,
  badModelBytes,
  GOOD_MODELS,
  MODELS_DIR,
  type BadModel,
  type FixtureModel,
} from './models.js';
import { CASE_TIMEOUT_MS } from './settings.js';
import { classNameText, fileNameText, valueText } from './strings.js';
import { formatKeyPath } from '../../../src/config/issues.js';

/** The state of the output folder before the run. */
export type OutState = 'absent' | 'nested' | 'previous' | 'empty' | 'foreign' | 'file';

/** What is run: one `run`, shards then `merge`, or a stored baseline then a run against it. */
export type Command =
  | {
      kind: 'run';
      baseline: 'config' | 'flag-model' | 'none';
      failOn?: 'error' | 'warning' | 'never';
      quiet: boolean;
    }
  | { kind: 'shards'; count: number; baseline: 'config' | 'none' }
  | { kind: 'stored' };

/** How the CLI is run: its main function in this process, or the shipped bin in a new one. */
export type Via = 'main' | 'bin';

export interface CaseSpec {
  via: Via;
  candidate: FixtureModel | BadModel;
  baselineModel?: FixtureModel;
  classSource: ClassSource;
  dataset: DatasetSpec;
  config: { [key: string]: Json };
  mutation?: ObjectMutation;
  semantic?: string;
  style: TextStyle;
  textFault?: TextFault;
  out: OutState;
  command: Command;
}

export interface CaseOptions {
  /** Default `main` (in-process, fast); `bin` spawns the built CLI per call. */
  via?: Via;
  /** Relative weights of the fault families; 0 turns one off. No fault is always possible. */
  faults: {
    none: number;
    configObject: number;
    configText: number;
    semantic: number;
    dataset: number;
    model: number;
  };
  /** Broken images among the dataset faults. */
  brokenImages: boolean;
  /** Robustness and data suites (small samples) on some cases. */
  suites: boolean;
  kinds?: readonly ManifestKind[];
  commands: readonly Command['kind'][];
  outStates: readonly OutState[];
}

/** A good fixture model (a bad one may be a fixture file too, but has no `outputs`). */
const isFixture = (m: FixtureModel | BadModel): m is FixtureModel => 'outputs' in m;

/** Class names for a model with `n` outputs, usable as folder names when `folders`. */
function classNamesArb(n: number, folders: boolean, file: boolean): fc.Arbitrary<string[]> {
  const name = folders
    ? fileNameText(4).filter((s) => !/[\r\n\u2028\u2029\u0085]/.test(s) && !s.startsWith('#'))
    : file
      ? classNameText(4)
      : valueText(4);
  return fc.uniqueArray(name, { minLength: n, maxLength: n, selector: (s) => s });
}

type Fault = keyof CaseOptions['faults'];

/** Whole cases as `options` shape them. */
export function caseArb(options: CaseOptions): fc.Arbitrary<CaseSpec> {
  const kinds = options.kinds ?? ['csv', 'tsv', 'jsonl', 'hf', 'imagefolder'];
  const weighted = (Object.entries(options.faults) as [Fault, number][]).filter(([, w]) => w > 0);
  const fault = fc.oneof(...weighted.map(([f, w]) => ({ weight: w, arbitrary: fc.constant(f) })));
  return fc
    .record({
      fault,
      model: fc.constantFrom(...GOOD_MODELS),
      kind: fc.constantFrom(...kinds),
      source: fc.constantFrom<ClassSource>('list', 'file', 'model'),
      baselineModel: fc.option(fc.constantFrom(...GOOD_MODELS), { nil: undefined }),
    })
    .chain(({ fault, model, kind, source, baselineModel }) => {
      // The class list: the model's own names, or new ones in the config or a class file.
      // (A bad candidate may carry other classes, or none: the list is then the config's.)
      const classSource: ClassSource =
        model.classes && fault !== 'model' ? source : source === 'model' ? 'list' : source;
      const classes =
        classSource === 'model'
          ? fc.constant([...model.classes!])
          : classNamesArb(model.outputs, kind === 'imagefolder', classSource === 'file');
      // A baseline model runs under the candidate's input contract: same layout, type, channels.
      const baseline =
        baselineModel &&
        baselineModel.channels === model.channels &&
        baselineModel.dtype === model.dtype &&
        baselineModel.layout === model.layout &&
        baselineModel.outputs === model.outputs &&
        baselineModel.outputName === model.outputName
          ? baselineModel
          : undefined;
      return classes.chain((names) =>
        datasetArb(names, {
          faults: fault === 'dataset',
          brokenImages: options.brokenImages,
          kinds: [kind],
        }).chain((dataset) => {
          const ctx: ConfigContext = {
            dataset,
            model,
            ...(dataset.kind !== 'imagefolder'
              ? { manifest: `data/${MANIFEST_NAME[dataset.kind]}` }
              : {}),
            classSource,
            ...(baseline ? { baselineModel: baseline } : {}),
            suites: options.suites,
          };
          return validConfigArb(ctx).chain((config) =>
            fc
              .record({
                mutation:
                  fault === 'configObject' ? objectMutationArb(config) : fc.constant(undefined),
                semantic:
                  fault === 'semantic'
                    ? fc.constantFrom(...semanticFaults(ctx).map((f) => f.kind))
                    : fc.constant(undefined),
                style: textStyleArb(),
                textFault: fault === 'configText' ? textFaultArb() : fc.constant(undefined),
                candidate:
                  fault === 'model' ? badModelArb() : fc.constant<FixtureModel | BadModel>(model),
                out: fc.constantFrom(...options.outStates),
                command: commandArb(options.commands),
              })
              .map((parts) => {
                const spec: CaseSpec = {
                  via: options.via ?? 'main',
                  ...parts,
                  ...(baseline ? { baselineModel: baseline } : {}),
                  classSource,
                  dataset,
                  config,
                };
                if (!parts.mutation) delete spec.mutation;
                if (!parts.semantic) delete spec.semantic;
                if (!parts.textFault) delete spec.textFault;
                return spec;
              }),
          );
        }),
      );
    });
}

function commandArb(kinds: readonly Command['kind'][]): fc.Arbitrary<Command> {
  return fc.constantFrom(...kinds).chain((kind): fc.Arbitrary<Command> => {
    if (kind === 'run')
      return fc
        .record({
          baseline: fc.constantFrom('config' as const, 'flag-model' as const, 'none' as const),
          failOn: fc.option(
            fc.constantFrom('error' as const, 'warning' as const, 'never' as const),
            {
              nil: undefined,
            },
          ),
          quiet: fc.boolean(),
        })
        .map((c) => {
          const out: Command = { kind: 'run', baseline: c.baseline, quiet: c.quiet };
          if (c.failOn) out.failOn = c.failOn;
          return out;
        });
    if (kind === 'shards')
      return fc.record({
        kind: fc.constant('shards' as const),
        count: fc.integer({ min: 1, max: 3 }),
        baseline: fc.constantFrom('config' as const, 'none' as const),
      });
    return fc.constant({ kind: 'stored' as const });
  });
}

// ------------------------------------------------------------------------ writing and running

/** What the oracle needs to know about a case that was run. */
export interface CaseRun {
  spec: CaseSpec;
  dir: string;
  /** The output folder the last command wrote (the one judged). */
  out: string;
  /** Every CLI call, in order. */
  calls: { args: string[]; code: number; stderr: string; ms: number }[];
  /** The call judged (the last one, or the first that did not succeed). */
  final: { args: string[]; code: number; stderr: string; ms: number };
  /** Anchors of the planted fault: the message must contain one. */
  anchors?: string[];
  /** The fault may leave a valid input (exit 0/1 allowed). */
  maybeValid: boolean;
  /** Whether any fault was planted. */
  faulty: boolean;
  /** Snapshot of the output folder before the judged call (for "left unchanged"). */
  before: Snapshot;
  /** Rows the report must count (undefined when the fault or command makes it unknown). */
  expectedExamples?: number;
  /** Unsharded report.json text, for comparison with a merge (shards command only). */
  unsharded?: string;
  /** Names of every file the case wrote, relative to its folder. */
  files: string[];
}

/** Files below a folder (relative path -> contents, or `<dir>`/`<file>` markers), or the absence of it. */
export type Snapshot = Map<string, string> | 'absent' | { file: string };

export async function snapshot(p: string): Promise<Snapshot> {
  let s;
  try {
    s = await stat(p);
  } catch {
    return 'absent';
  }
  if (!s.isDirectory()) return { file: (await readFile(p)).toString('base64') };
  const out = new Map<string, string>();
  const walk = async (dir: string, rel: string) => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        out.set(r, '<dir>');
        await walk(path.join(dir, d.name), r);
      } else out.set(r, (await readFile(path.join(dir, d.name))).toString('base64'));
    }
  };
  await walk(p, '');
  return out;
}

let fuzzRoot: Promise<string> | undefined;
/** One temporary folder per test file; each case gets a folder inside it. */
export function caseRoot(): Promise<string> {
  return (fuzzRoot ??= mkdtemp(path.join(os.tmpdir(), 'vg-fuzz-')));
}

let previousRun: Promise<string> | undefined;
/**
 * A complete output folder of an earlier run (the committed colours dataset), made once: the
 * "previous" state of an output folder, which a failing run must leave exactly as it was.
 */
function previousOutput(): Promise<string> {
  previousRun ??= (async () => {
    const root = await caseRoot();
    const out = path.join(root, 'previous-run');
    const colors = path.resolve(MODELS_DIR, '../datasets/colors');
    const config = path.join(root, 'previous.yml');
    await writeFile(
      config,
      JSON.stringify({
        dataset: {
          root: colors,
          manifest: path.join(colors, 'manifest.csv'),
          classes: path.join(colors, 'classes.txt'),
        },
        model: { path: path.join(MODELS_DIR, 'rgb-nchw-dynamic.onnx') },
        statistics: { resamples: 0 },
      }),
    );
    const r = await cli(['run', '-c', config, '-o', out, '-q']);
    if (r.code !== 0) throw new Error(`the previous run failed (${r.code}): ${r.stderr}`);
    return out;
  })();
  return previousRun;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exit code reported for a call that did not end within the bound. */
export const HANG = -1;

const REPO = path.resolve(import.meta.dirname, '../../..');

/**
 * The shipped CLI (bin/visiongate.js, which runs the bundled dist/cli.js) in a process of its
 * own, killed at the bound: the bundle is what users run, and it must behave as the source does.
 */
function spawnBin(args: string[]): Promise<{ code: number; stderr: string } | 'timeout'> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO, 'bin/visiongate.js'), ...args],
      { cwd: REPO, timeout: CASE_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 24 },
      (error, _stdout, stderr) => {
        const e = error as (Error & { code?: unknown; killed?: boolean }) | null;
        if (e?.killed) resolve('timeout');
        else resolve({ code: typeof e?.code === 'number' ? e.code : e ? 3 : 0, stderr });
      },
    );
  });
}

async function call(args: string[], via: Via): Promise<CaseRun['final']> {
  const started = performance.now();
  const r = via === 'bin' ? await spawnBin(args) : await withTimeout(cli(args), CASE_TIMEOUT_MS);
  const ms = performance.now() - started;
  if (r === 'timeout')
    return { args, code: HANG, stderr: `no exit after ${CASE_TIMEOUT_MS} ms`, ms };
  return { args, code: r.code, stderr: r.stderr, ms };
}

let counter = 0;

/** Write the case into a new folder and run it. */
export async function runCase(spec: CaseSpec): Promise<CaseRun> {
  const dir = path.join(await caseRoot(), `case-${++counter}`);
  await mkdir(path.join(dir, 'models'), { recursive: true });
  const written = await writeDataset(spec.dataset, dir);
  // Models.
  if (isFixture(spec.candidate)) {
    await copyFile(
      path.join(MODELS_DIR, spec.candidate.file),
      path.join(dir, 'models/candidate.onnx'),
    );
  } else if (spec.candidate.kind === 'folder') {
    await mkdir(path.join(dir, 'models/candidate.onnx'));
  } else {
    const bytes = await badModelBytes(spec.candidate);
    if (bytes) await writeFile(path.join(dir, 'models/candidate.onnx'), bytes);
  }
  if (spec.baselineModel)
    await copyFile(
      path.join(MODELS_DIR, spec.baselineModel.file),
      path.join(dir, 'models/baseline.onnx'),
    );
  // Class and pinned files.
  const ctx: ConfigContext = {
    dataset: spec.dataset,
    model: isFixture(spec.candidate) ? spec.candidate : GOOD_MODELS[0]!,
    classSource: spec.classSource,
    suites: false,
  };
  if (spec.classSource === 'file')
    await writeFile(
      path.join(dir, 'classes.txt'),
      `# classes\n${spec.dataset.classes.join('\n')}\n`,
    );
  await writeFile(path.join(dir, 'pinned.txt'), `${pinnedFileIds(ctx).join('\n')}\n`);
  // The config.
  let config: Json = spec.config;
  let anchors: string[] | undefined;
  let maybeValid = false;
  if (spec.mutation) {
    config = applyMutation(config, spec.mutation);
    const m = spec.mutation;
    anchors = m.kind === 'unknown-key' ? [`"${m.key}"`] : [formatKeyPath(m.path)];
  }
  if (spec.semantic) {
    const sem = semanticFaults({
      ...ctx,
      model: isFixture(spec.candidate) ? spec.candidate : ctx.model,
    }).find((f) => f.kind === spec.semantic)!;
    config = sem.edit(config as { [key: string]: Json });
    anchors = sem.anchors;
    // A baseline model in the config is not used when a flag says otherwise.
    const cmd = spec.command;
    const configBaseline =
      (cmd.kind === 'run' || cmd.kind === 'shards') && cmd.baseline === 'config';
    maybeValid = sem.kind === 'baseline-file' && !configBaseline;
  }
  const rendered = renderConfig(config, spec.style, spec.textFault);
  if (rendered.anchors) {
    anchors = rendered.anchors;
    maybeValid = rendered.maybeValid ?? false;
  }
  const configFile = path.join(dir, CONFIG_NAME);
  await writeFile(configFile, rendered.bytes);
  if (spec.dataset.fault) {
    anchors = faultAnchors(spec.dataset, written);
    maybeValid =
      ['broken-image'].includes(spec.dataset.fault.kind) ||
      (spec.dataset.kind === 'imagefolder' &&
        ['missing-file', 'link-loop', 'folder-as-file'].includes(spec.dataset.fault.kind));
  }
  if (!isFixture(spec.candidate)) anchors = ['candidate.onnx'];
  const out = path.join(dir, spec.out === 'nested' ? 'a/b/out' : 'out');
  // An output folder that cannot be used is checked before anything else.
  if (spec.out === 'foreign' || spec.out === 'file') {
    anchors = [...(anchors ?? []), out];
    maybeValid = false;
  }
  const faulty =
    spec.out === 'foreign' ||
    spec.out === 'file' ||
    spec.mutation !== undefined ||
    spec.semantic !== undefined ||
    rendered.anchors !== undefined ||
    spec.dataset.fault !== undefined ||
    !isFixture(spec.candidate);

  // The output folder.
  if (spec.out === 'previous') await cp(await previousOutput(), out, { recursive: true });
  if (spec.out === 'empty') await mkdir(out);
  if (spec.out === 'foreign') {
    await mkdir(out);
    await writeFile(path.join(out, 'notes.txt'), 'mine\n');
  }
  if (spec.out === 'file') await writeFile(out, 'a file\n');

  const calls: CaseRun['final'][] = [];
  const base = ['-c', configFile];
  const cmd = spec.command;
  let final: CaseRun['final'];
  let before: Snapshot;
  let unsharded: string | undefined;
  if (cmd.kind === 'run') {
    const args = ['run', ...base, '-o', out];
    if (cmd.baseline === 'flag-model')
      args.push(
        '--baseline-model',
        path.join(dir, spec.baselineModel ? 'models/baseline.onnx' : 'models/candidate.onnx'),
      );
    if (cmd.baseline === 'none') args.push('--no-baseline');
    if (cmd.failOn) args.push('--fail-on', cmd.failOn);
    if (cmd.quiet) args.push('-q');
    else args.push('--no-progress');
    before = await snapshot(out);
    final = await call(args, spec.via);
    calls.push(final);
  } else if (cmd.kind === 'stored') {
    const stored = path.join(dir, 'stored');
    const first = await call(['run', ...base, '-o', stored, '--no-baseline', '-q'], spec.via);
    calls.push(first);
    before = await snapshot(out);
    if (first.code === 0 || first.code === 1) {
      final = await call(['run', ...base, '-o', out, '--baseline', stored, '-q'], spec.via);
      calls.push(final);
    } else final = first;
  } else {
    const baseline = cmd.baseline === 'none' ? ['--no-baseline'] : [];
    const shardDirs: string[] = [];
    final = undefined as unknown as CaseRun['final'];
    for (let i = 1; i <= cmd.count; i++) {
      const shardDir = path.join(dir, `shard${i}`);
      shardDirs.push(shardDir);
      const r = await call(
        ['run', ...base, '-o', shardDir, '--shard', `${i}/${cmd.count}`, ...baseline, '-q'],
        spec.via,
      );
      calls.push(r);
      if (r.code !== 0 && r.code !== 1) {
        final = r;
        break;
      }
    }
    before = await snapshot(out);
    if (final === undefined) {
      final = await call(['merge', ...base, '-o', out, ...baseline, '-q', ...shardDirs], spec.via);
      calls.push(final);
      if (final.code === 0 || final.code === 1) {
        const whole = path.join(dir, 'whole');
        const r = await call(['run', ...base, '-o', whole, ...baseline, '-q'], spec.via);
        calls.push(r);
        if (r.code === 0 || r.code === 1)
          unsharded = await readFile(path.join(whole, 'report.json'), 'utf8');
      }
    }
  }
  const judgedOut =
    cmd.kind === 'shards' && final.args[0] === 'run'
      ? final.args[final.args.indexOf('-o') + 1]!
      : cmd.kind === 'stored' && final === calls[0]
        ? path.join(dir, 'stored')
        : out;
  if (judgedOut !== out) before = 'absent';
  return {
    spec,
    dir,
    out: judgedOut,
    calls,
    final,
    ...(anchors ? { anchors } : {}),
    maybeValid,
    faulty,
    before,
    ...(faulty ? {} : { expectedExamples: spec.dataset.rows.length }),
    ...(unsharded ? { unsharded } : {}),
    files: await listFiles(dir),
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  await walk(dir, '');
  return out.sort();
}

/** Remove the folder of all cases (after every case passed; a failing one keeps its files). */
export async function removeCaseRoot(): Promise<void> {
  if (!fuzzRoot) return;
  const root = await fuzzRoot;
  fuzzRoot = undefined;
  previousRun = undefined;
  await rm(root, { recursive: true, force: true });
}

/** Remove a case's folder (after it passed). */
export async function removeCase(run: CaseRun): Promise<void> {
  await rm(run.dir, { recursive: true, force: true });
}
