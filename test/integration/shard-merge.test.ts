import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
const config = path.join(repo, 'examples/fashion/visiongate.yml');
let tmp: string;

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

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-shard-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('sharding', () => {
  it('shard-then-merge gives the same report.json as one run, byte for byte', async () => {
    const single = await cli(['run', '-c', config, '-o', path.join(tmp, 'single'), '-q']);
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
    expect(await comparable(path.join(tmp, 'merged'))).toBe(
      await comparable(path.join(tmp, 'single')),
    );
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
    expect(await comparable(path.join(tmp, 'merged2'))).toBe(
      await comparable(path.join(tmp, 'single')),
    );
  });

  it('balances shards by class', async () => {
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
