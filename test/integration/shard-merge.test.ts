/**
 * Sharding over a matrix and merging gives the report of one run, byte for byte, for both
 * tasks: the merge is task-agnostic (records of each shard, analysed once).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { TASK_EXAMPLES, writeExampleConfig } from '../support/task-examples.js';

/** report.json text with the run-dependent fields blanked. */
async function comparable(dir: string): Promise<string> {
  const r = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  r.createdAt = '';
  r.timing = {};
  return JSON.stringify(r, null, 2);
}

describe.each(TASK_EXAMPLES)('sharding ($task)', (t) => {
  let tmp: string;
  let config: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-shard-'));
    // Classification with its robustness suite (merged too); detection with fewer resamples.
    config = await writeExampleConfig(t, tmp, { quick: t.task === 'detection' });
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('shard-then-merge gives the same report.json as one run, byte for byte', async () => {
    const single = await cli(['run', '-c', config, '-o', path.join(tmp, 'single'), '-q']);
    expect([0, 1]).toContain(single.code);
    for (const i of [1, 2, 3]) {
      const r = await cli([
        'run',
        '-c',
        config,
        '-o',
        path.join(tmp, 'shards', `s${i}`),
        '-q',
        '--shard',
        `${i}/3`,
      ]);
      expect([0, 1]).toContain(r.code);
    }
    // Folders given in a shuffled order, and as one parent folder: neither may matter.
    const merged = await cli([
      'merge',
      '-c',
      config,
      '-o',
      path.join(tmp, 'merged'),
      '-q',
      path.join(tmp, 'shards'),
    ]);
    expect(merged.code).toBe(single.code);
    const one = await comparable(path.join(tmp, 'single'));
    expect(JSON.parse(one).task).toBe(t.task === 'classification' ? undefined : t.task);
    expect(await comparable(path.join(tmp, 'merged'))).toBe(one);
    const listed = await cli([
      'merge',
      '-c',
      config,
      '-o',
      path.join(tmp, 'merged2'),
      '-q',
      ...[3, 1, 2].map((i) => path.join(tmp, 'shards', `s${i}`)),
    ]);
    expect(listed.code).toBe(single.code);
    expect(await comparable(path.join(tmp, 'merged2'))).toBe(one);
    // records.jsonl too: the shards' records, in the single run's order.
    expect(await readFile(path.join(tmp, 'merged', 'records.jsonl'), 'utf8')).toBe(
      await readFile(path.join(tmp, 'single', 'records.jsonl'), 'utf8'),
    );
  });

  it('splits the images into disjoint shards of equal size (±1 per class)', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const lines = (await readFile(path.join(tmp, 'shards', `s${i}`, 'examples.jsonl'), 'utf8'))
          .trim()
          .split('\n');
        return lines.map((l) => (JSON.parse(l) as { id: string }).id);
      }),
    );
    const all = ids.flat();
    expect(new Set(all).size).toBe(all.length);
    const single = JSON.parse(await readFile(path.join(tmp, 'single', 'report.json'), 'utf8')) as {
      dataset: { evaluated: number };
    };
    expect(all.length).toBe(single.dataset.evaluated);
    const sizes = ids.map((s) => s.length);
    // Balanced within each class: a detection dataset has one "class" of images.
    const classes = t.task === 'classification' ? 10 : 1;
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(classes);
  });

  it.runIf(t.task === 'classification')('balances shards by class', async () => {
    const counts = await Promise.all(
      [1, 2, 3].map(
        async (i) =>
          JSON.parse(
            await readFile(path.join(tmp, 'shards', `s${i}`, 'report.json'), 'utf8'),
          ).overall.perClass.map((c: { support: number }) => c.support) as number[],
      ),
    );
    for (let k = 0; k < 10; k++) {
      const perShard = counts.map((c) => c[k]!);
      expect(Math.max(...perShard) - Math.min(...perShard)).toBeLessThanOrEqual(1);
    }
  });

  it('refuses an incomplete or duplicated shard set with a clear message', async () => {
    const missing = await cli([
      'merge',
      '-c',
      config,
      '-o',
      path.join(tmp, 'm3'),
      path.join(tmp, 'shards', 's1'),
      path.join(tmp, 'shards', 's3'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing shard(s) 2/3');
    const dup = await cli([
      'merge',
      '-c',
      config,
      '-o',
      path.join(tmp, 'm4'),
      path.join(tmp, 'shards', 's1'),
      path.join(tmp, 'shards', 's1'),
      path.join(tmp, 'shards', 's2'),
    ]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('shard 1/3 is given twice');
    const notShard = await cli([
      'merge',
      '-c',
      config,
      '-o',
      path.join(tmp, 'm5'),
      path.join(tmp, 'single'),
    ]);
    expect(notShard.code).toBe(2);
    expect(notShard.stderr).toContain('is not a shard');
  });
});
