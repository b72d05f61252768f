/**
 * The bundled example of each task, as the GitHub-side tests run them: the GitHub side (comment,
 * check run, stored baseline, shards, nightly issue) is task-agnostic, so its tests run the same
 * story on a classification and a detection report (`describe.each(TASK_EXAMPLES)`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readInputs } from '../../src/action/inputs.js';
import { publishReport } from '../../src/action/publish.js';
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';
import { markdownOptions, type WrittenOutputs } from '../../src/engine/output.js';
import { readReport, RESULT_FILES } from '../../src/engine/results.js';
import type { EventInput, GitHubPort, PublishResult } from '../../src/github/index.js';
import type { Report } from '../../src/report/schema.js';
import { cli } from './cli.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface TaskExample {
  task: 'classification' | 'detection';
  /** The example folder, relative to the repository. */
  example: string;
  /** The config's `name`: the key of the comment, check run and stored baseline. */
  key: string;
  /** Models, relative to the example folder. */
  candidate: string;
  baseline: string;
  /**
   * The example's config made quicker to run, its results unchanged in kind: `config` is the
   * example's text with absolute paths; files it needs may be written into `dir`.
   */
  quicker: (config: string, dir: string) => Promise<string>;
  /** A slice on which the candidate regresses. */
  regressedSlice: string;
  /** The metric the task's headline (check-run title, summary) leads with. */
  headline: string;
}

/**
 * The config without its robustness block: these tests are about what happens after the
 * evaluation (the robustness suite has its own tests).
 */
function withoutRobustness(config: string): string {
  return config.replace(/^robustness:\n(  .*\n)+/m, '');
}

export const TASK_EXAMPLES: TaskExample[] = [
  {
    task: 'classification',
    example: 'examples/fashion',
    key: 'fashion',
    candidate: 'models/candidate.onnx',
    baseline: 'models/baseline.onnx',
    quicker: (cfg) => Promise.resolve(withoutRobustness(cfg)),
    regressedSlice: 'lighting=dim',
    headline: 'accuracy',
  },
  {
    task: 'detection',
    example: 'examples/detection',
    key: 'detection',
    candidate: 'models/candidate-yolo.onnx',
    baseline: 'models/baseline-yolo.onnx',
    // Every third image (107 of 320) and fewer bootstrap resamples: the candidate's regression
    // on lighting=dim stays a significant, newly failing slice.
    quicker: async (cfg, dir) => {
      const file = /annotations: (\S+)/.exec(cfg)![1]!;
      const coco = JSON.parse(await readFile(file, 'utf8')) as {
        images: { id: number }[];
        annotations: { image_id: number }[];
      };
      const images = coco.images.filter((_, i) => i % 3 === 0);
      const kept = new Set(images.map((im) => im.id));
      const subset = path.join(dir, 'annotations-subset.json');
      await writeFile(
        subset,
        JSON.stringify({
          ...coco,
          images,
          annotations: coco.annotations.filter((a) => kept.has(a.image_id)),
        }),
      );
      return withoutRobustness(
        cfg.replace(file, subset).replace(/resamples: \d+/, 'resamples: 50'),
      );
    },
    regressedSlice: 'lighting=dim',
    headline: 'map',
  },
];

/** An example config's relative paths (models/…, data/…) made absolute under `root`. */
export function absolutePaths(config: string, root: string): string {
  return config.replace(
    /^( *[a-z]+: )((?:models|data)(?:\/\S*)?)$/gm,
    (_, key: string, rel: string) => key.concat(path.join(root, rel)),
  );
}

/**
 * Write the example's config, quicker unless `quick: false`, into `dir` (`visiongate.yml`, paths
 * made absolute) and return its path; `baseline: false` drops the same-run baseline model.
 */
export async function writeExampleConfig(
  t: TaskExample,
  dir: string,
  options: { baseline?: boolean; quick?: boolean } = {},
): Promise<string> {
  const root = path.join(repoRoot, t.example);
  let cfg = absolutePaths(await readFile(path.join(root, 'visiongate.yml'), 'utf8'), root);
  if (options.quick !== false) cfg = await t.quicker(cfg, dir);
  if (options.baseline === false) cfg = cfg.replace(/baseline:\n {2}model: .*\n/, '');
  const file = path.join(dir, 'visiongate.yml');
  await writeFile(file, cfg);
  return file;
}

/** A run's output folder, as the Action has it when it publishes. */
export interface ExampleRun {
  code: number;
  report: Report;
  loaded: LoadedConfig;
  written: WrittenOutputs;
}

/** `visiongate run` in process: the exit code, the report it wrote and its output files. */
export async function runExample(
  config: string,
  out: string,
  args: string[] = [],
): Promise<ExampleRun> {
  const { code, stderr } = await cli(['run', '-c', config, '-o', out, '-q', ...args]);
  if (code !== 0 && code !== 1) throw new Error(`visiongate run exited ${code}: ${stderr}`);
  const at = (name: string) => path.join(out, name);
  return {
    code,
    report: await readReport(at(RESULT_FILES.report)),
    loaded: await loadConfig(config),
    written: {
      dir: out,
      reportJson: at(RESULT_FILES.report),
      reportMarkdown: at(RESULT_FILES.markdown),
      records: at(RESULT_FILES.records),
      examples: at(RESULT_FILES.examples),
      junit: at(RESULT_FILES.junit),
      markdown: await readFile(at(RESULT_FILES.markdown), 'utf8'),
    },
  };
}

/** The example's model `which` (candidate or baseline), as an absolute path. */
export const modelOf = (t: TaskExample, which: 'candidate' | 'baseline'): string =>
  path.join(repoRoot, t.example, t[which]);

/**
 * Publish a run the way the Action does after evaluating (`publishReport`: comment, check run,
 * stored baseline, nightly issue), with Action inputs given by name (defaults otherwise).
 */
export function publishRun(
  port: GitHubPort,
  event: EventInput,
  run: ExampleRun,
  inputs: Record<string, string> = {},
): Promise<PublishResult> {
  return publishReport(
    port,
    readInputs((name) => inputs[name] ?? ''),
    event,
    run.report.name,
    run.report,
    run.loaded,
    markdownOptions(run.loaded.config),
    run.written,
  );
}
