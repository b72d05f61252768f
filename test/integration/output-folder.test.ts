/**
 * The output folder and the result folders read back (stored baselines, shards), through the
 * CLI in-process on the committed colours dataset (16 images, the colour-head model): a bad
 * `--out` is refused before anything is evaluated, outputs replace the folder as a whole, and a
 * truncated records.jsonl or examples.jsonl is refused instead of being used as if whole.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { cli } from '../support/cli.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const DATASET = path.join(FIXTURES, 'datasets/colors');

let tmp: string;
let config: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-output-folder-'));
  config = path.join(tmp, 'visiongate.yml');
  await writeFile(
    config,
    JSON.stringify({
      name: 'colors',
      dataset: {
        root: DATASET,
        manifest: path.join(DATASET, 'manifest.csv'),
        classes: path.join(DATASET, 'classes.txt'),
      },
      model: { path: path.join(FIXTURES, 'models/rgb-nchw-dynamic.onnx') },
      runtime: { workers: 0 },
      statistics: { resamples: 0 },
      gates: [{ metric: 'accuracy', min: 0.99 }],
    }),
  );
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const run = (out: string, ...extra: string[]) =>
  cli(['run', '-c', config, '-o', out, '--no-progress', ...extra]);
const merge = (out: string, ...dirs: string[]) =>
  cli(['merge', '-c', config, '-o', out, '-q', ...dirs]);
const readReport = async (dir: string) =>
  JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as Report;

/** Drop the last `n` lines of a JSON-lines file (a copy that lost its end). */
async function dropLastLines(file: string, n = 1): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  await writeFile(file, `${lines.slice(0, -n).join('\n')}\n`);
  return lines.length;
}

describe('--out is checked before the evaluation', () => {
  it('an existing file, a path below a file, /dev/null/x: exit 2, nothing evaluated', async () => {
    const file = path.join(tmp, 'taken');
    await writeFile(file, 'not a folder');
    for (const [out, says] of [
      [file, 'is a file, not a folder'],
      [path.join(file, 'out'), 'lies below a file'],
      ['/dev/null/out', 'lies below a file'],
    ] as const) {
      const r = await run(out);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`visiongate: error: the output folder ${out} ${says}`);
      // Refused before the dataset was even read.
      expect(r.stderr).not.toContain('dataset:');
    }
    expect(await readFile(file, 'utf8')).toBe('not a folder');
  });

  it('a folder with files of its own is refused, not wiped', async () => {
    const out = path.join(tmp, 'user-folder');
    await mkdir(out);
    await writeFile(path.join(out, 'thesis.tex'), 'precious');
    const r = await run(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds files VisionGate did not write ("thesis.tex")');
    expect(await readdir(out)).toEqual(['thesis.tex']);
  });

  it('merge -o into (or onto, or around) one of its own shard folders: exit 2, shards untouched', async () => {
    const shards = path.join(tmp, 'own-shards');
    for (const i of [1, 2]) {
      const r = await run(path.join(shards, `s${i}`), '--shard', `${i}/2`, '-q');
      expect(r.code).toBe(0);
    }
    const s1 = path.join(shards, 's1');
    const before = await readFile(path.join(s1, 'report.json'), 'utf8');
    for (const [out, says] of [
      [s1, `is the shard folder ${s1}`],
      [path.join(s1, 'merged'), `is inside the shard folder ${s1}`],
      [shards, `holds the shard folder`],
    ] as const) {
      const r = await merge(out, s1, path.join(shards, 's2'));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(says);
    }
    // Given as the parent folder of the shards, too.
    const r = await merge(path.join(shards, 'merged'), shards);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`is inside the shard folder ${shards}`);
    expect(await readFile(path.join(s1, 'report.json'), 'utf8')).toBe(before);
    expect(await readdir(s1)).not.toContain('merged');
  });
});

describe('the output folder is replaced as a whole', () => {
  it('leftovers of an interrupted write do not break the next run, which replaces everything', async () => {
    const out = path.join(tmp, 'replaced');
    expect((await run(out, '-q')).code).toBe(0);
    // What an earlier run that died mid-write leaves: a temporary next to the real file. The
    // per-file writer tripped over it (EISDIR, exit 3) after replacing records and report.json,
    // leaving the old report.md next to them.
    await mkdir(path.join(out, `report.md.${process.pid}.tmp`));
    const r = await run(out, '-q');
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'examples.jsonl',
      'junit.xml',
      'records.jsonl',
      'report.html',
      'report.json',
      'report.md',
    ]);
    expect((await readdir(tmp)).filter((n) => n.includes('visiongate-'))).toEqual([]);
  });

  it('the CLI prints where report.html is; report.html: false writes none and removes an older one, in place too', async () => {
    const out = path.join(tmp, 'html');
    const on = await run(out);
    expect(on.code, on.stderr).toBe(0);
    const printed = /^report: (.+?) \(open in a browser\), /m.exec(on.stderr);
    expect(printed, on.stderr).not.toBeNull();
    expect(path.resolve(printed![1]!)).toBe(path.join(out, 'report.html'));
    expect(await readFile(path.join(out, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);

    const off = path.join(tmp, 'no-html.yml');
    const cfg = JSON.parse(await readFile(config, 'utf8')) as Record<string, unknown>;
    await writeFile(off, JSON.stringify({ ...cfg, report: { html: false } }));
    // The current folder cannot be renamed away, so its files are replaced one by one: an older
    // report.html would stay behind and pass for this run's unless it is removed.
    const cwd = process.cwd();
    process.chdir(out);
    try {
      const r = await cli(['run', '-c', off, '-o', '.', '--no-progress']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('report.html');
    } finally {
      process.chdir(cwd);
    }
    const left = await readdir(out);
    expect(left).toContain('report.json');
    expect(left).not.toContain('report.html');
  });

  it('report.json records the line count and sha256 of records.jsonl and examples.jsonl', async () => {
    const out = path.join(tmp, 'replaced');
    const report = await readReport(out);
    const { createHash } = await import('node:crypto');
    for (const name of ['records.jsonl', 'examples.jsonl']) {
      const bytes = await readFile(path.join(out, name));
      expect(report.files?.[name]).toEqual({
        lines: bytes.toString('utf8').split('\n').filter(Boolean).length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
    expect(report.files?.['records.jsonl']?.lines).toBe(16);
  });
});

describe('a truncated result folder is refused, never used as if whole', () => {
  /** A stored baseline: the candidate model run alone. */
  async function storedBaseline(name: string): Promise<string> {
    const dir = path.join(tmp, name);
    expect((await run(dir, '-q')).code).toBe(0);
    return dir;
  }

  it('a stored baseline whose records.jsonl lost its last line: exit 2', async () => {
    const baseline = await storedBaseline('baseline-short');
    const had = await dropLastLines(path.join(baseline, 'records.jsonl'));
    const r = await run(path.join(tmp, 'vs-short'), '--baseline', baseline);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `the stored result in ${baseline} is incomplete: records.jsonl has ${had - 1} lines, its report.json says ${had}`,
    );
  });

  it('a stored baseline whose records.jsonl was cut in the middle of a line: exit 2', async () => {
    const baseline = await storedBaseline('baseline-cut');
    const file = path.join(baseline, 'records.jsonl');
    const size = (await readFile(file)).length;
    await truncate(file, size - 20);
    const r = await run(path.join(tmp, 'vs-cut'), '--baseline', baseline);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `the stored result in ${baseline} is incomplete: records.jsonl ends in the middle of a line`,
    );
  });

  it('a stored baseline changed after it was written: exit 2', async () => {
    const baseline = await storedBaseline('baseline-changed');
    const file = path.join(baseline, 'records.jsonl');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"pred":0', '"pred":1'));
    const r = await run(path.join(tmp, 'vs-changed'), '--baseline', baseline);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not match the sha256 its report.json records');
  });

  it('an older baseline without the record is still read, with a notice', async () => {
    const baseline = await storedBaseline('baseline-old');
    const file = path.join(baseline, 'report.json');
    const report = JSON.parse(await readFile(file, 'utf8')) as Report;
    delete report.files;
    await writeFile(file, JSON.stringify(report));
    const out = path.join(tmp, 'vs-old');
    const r = await run(out, '--baseline', baseline, '-q');
    expect(r.code, r.stderr).toBe(0);
    const notices = (await readReport(out)).notices.join('\n');
    expect(notices).toContain(
      `The stored result in ${baseline} was written by an older VisionGate`,
    );
  });

  it('a shard whose records.jsonl or examples.jsonl lost its last line: merge exits 2', async () => {
    const shards = path.join(tmp, 'short-shards');
    for (const i of [1, 2])
      expect((await run(path.join(shards, `s${i}`), '--shard', `${i}/2`, '-q')).code).toBe(0);
    const s2 = path.join(shards, 's2');
    await dropLastLines(path.join(s2, 'examples.jsonl'));
    let r = await merge(path.join(tmp, 'merged-short'), shards);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the shard folder ${s2} is incomplete: examples.jsonl has 7 lines`);
    await dropLastLines(path.join(shards, 's1', 'records.jsonl'), 2);
    r = await merge(path.join(tmp, 'merged-short'), shards);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('records.jsonl has 6 lines, its report.json says 8');
  });
});
