/**
 * The bundled example of each task, as the GitHub-side tests run them: the GitHub side (comment,
 * check run, stored baseline, shards, nightly issue) is task-agnostic, so its tests run the same
 * story on a classification and a detection report (`describe.each(TASK_EXAMPLES)`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readReport } from '../../src/engine/results.js';
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
  /** The example's config made quicker to run, its results unchanged in kind. */
  quicker: (config: string) => string;
  /** A slice on which the candidate regresses. */
  regressedSlice: string;
  /** The metric the task's headline (check-run title, summary) leads with. */
  headline: string;
}

export const TASK_EXAMPLES: TaskExample[] = [
  {
    task: 'classification',
    example: 'examples/fashion',
    key: 'fashion',
    candidate: 'models/candidate.onnx',
    baseline: 'models/baseline.onnx',
    // Without the robustness suite: these tests are about what happens after the evaluation.
    quicker: (cfg) => cfg.replace(/robustness:\n(  .*\n|    .*\n)+/, ''),
    regressedSlice: 'lighting=dim',
    headline: 'accuracy',
  },
  {
    task: 'detection',
    example: 'examples/detection',
    key: 'detection',
    candidate: 'models/candidate-yolo.onnx',
    baseline: 'models/baseline-yolo.onnx',
    // Fewer bootstrap resamples; the lighting=dim regression stays significant.
    quicker: (cfg) => cfg.replace(/resamples: \d+/, 'resamples: 50'),
    regressedSlice: 'lighting=dim',
    headline: 'map',
  },
];

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
  let cfg = await readFile(path.join(root, 'visiongate.yml'), 'utf8');
  if (options.quick !== false) cfg = t.quicker(cfg);
  if (options.baseline === false) cfg = cfg.replace(/baseline:\n {2}model: .*\n/, '');
  cfg = cfg.replace(/^( *[a-z]+: )((?:models|data)(?:\/\S*)?)$/gm, (_, key: string, rel: string) =>
    key.concat(path.join(root, rel)),
  );
  const file = path.join(dir, 'visiongate.yml');
  await writeFile(file, cfg);
  return file;
}

/** `visiongate run` in process; the exit code and the report it wrote. */
export async function runExample(
  config: string,
  out: string,
  args: string[] = [],
): Promise<{ code: number; report: Report }> {
  const { code, stderr } = await cli(['run', '-c', config, '-o', out, '-q', ...args]);
  if (code !== 0 && code !== 1) throw new Error(`visiongate run exited ${code}: ${stderr}`);
  return { code, report: await readReport(path.join(out, 'report.json')) };
}
