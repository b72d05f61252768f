/**
 * A copy of the committed colours dataset (test/fixtures/datasets/colors) in which every
 * string a dataset gives VisionGate is hostile: a CSV header, ids, a class name, metadata values
 * and a file name carry newlines, carriage returns, terminal escapes, bidi overrides and
 * GitHub workflow commands. Everything is still a valid dataset: the run goes through and the
 * strings reach every log line that names them.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const COLORS = path.resolve(import.meta.dirname, '../fixtures/datasets/colors');
export const COLOUR_MODEL = path.resolve(
  import.meta.dirname,
  '../fixtures/models/rgb-nchw-dynamic.onnx',
);

/** The marker every hostile command carries: no command named by it may reach a runner. */
export const MARKER = 'PWNED';

export const HOSTILE = {
  header: `camera\n::warning title=${MARKER}::header`,
  id: `red-1\r\n::add-mask::${MARKER}`,
  className: `red\n::set-output name=verdict::${MARKER}`,
  metadata: `a\u001b[2J\u001b]0;title\u0007\n::stop-commands::${MARKER}`,
  time: `day \u202enight\u202c ##[error]${MARKER}`,
  file: `images/red-0\n::error file=x::${MARKER}.png`,
} as const;

/** CSV field, quoted: newlines and quotes survive. */
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Write the hostile dataset into `dir` (manifest.csv, images/) and a config for it; returns the
 * config path. Classes come from the config (a YAML list can hold a newline); `gates` default to
 * one that fails on every slice, so every slice name reaches an annotation.
 */
export async function writeHostileDataset(
  dir: string,
  options: { gates?: unknown[]; model?: string; extraRows?: string[] } = {},
): Promise<string> {
  await mkdir(path.join(dir, 'images'), { recursive: true });
  const rows = (await readFile(path.join(COLORS, 'manifest.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const out = [['id', 'path', 'label', q(HOSTILE.header), 'time'].join(',')];
  for (const [id, rel, label, camera, time] of rows) {
    const file = id === 'red-0' ? HOSTILE.file : rel!;
    await copyFile(path.join(COLORS, rel!), path.join(dir, file));
    out.push(
      [
        q(id === 'red-1' ? HOSTILE.id : id!),
        q(file),
        q(label === 'red' ? HOSTILE.className : label!),
        q(camera === 'a' ? HOSTILE.metadata : camera!),
        q(time === 'day' ? HOSTILE.time : time!),
      ].join(','),
    );
  }
  out.push(...(options.extraRows ?? []));
  await writeFile(path.join(dir, 'manifest.csv'), `${out.join('\n')}\n`);
  const config = {
    name: 'hostile',
    dataset: {
      root: '.',
      manifest: 'manifest.csv',
      classes: [HOSTILE.className, 'green', 'blue', 'dark'],
    },
    model: { path: options.model ?? COLOUR_MODEL },
    runtime: { batchSize: 8, workers: 0 },
    statistics: { resamples: 50 },
    slices: { minSupport: 1 },
    discovery: { enabled: false },
    gates: options.gates ?? [{ metric: 'accuracy', scope: 'slices', max: 0.5 }],
  };
  const file = path.join(dir, 'visiongate.yml');
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}
