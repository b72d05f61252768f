import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputDir, replaceOutputDir } from '../../src/engine/output-dir.js';
import { isUserError, type UserError } from '../../src/errors.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-output-dir-'));
});
afterAll(async () => {
  await chmod(path.join(tmp, 'locked'), 0o755).catch(() => undefined);
  await rm(tmp, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

/**
 * A folder this process cannot create anything in: a read-only folder, or, for root (whom file
 * modes do not stop), sysfs, where mkdir is not permitted.
 */
async function unwritable(): Promise<string> {
  if (process.getuid?.() !== 0) {
    const dir = path.join(tmp, 'locked');
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o555);
    return dir;
  }
  return '/sys';
}

describe('checkOutputDir: refused before anything is evaluated', () => {
  it('an existing file, a path below a file, /dev/null and below it', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, 'x');
    expect((await refusal(checkOutputDir(file))).message).toBe(
      `the output folder ${file} is a file, not a folder: give a folder`,
    );
    for (const below of [path.join(file, 'out'), path.join(file, 'deeper/out'), '/dev/null/x'])
      expect((await refusal(checkOutputDir(below))).message).toBe(
        `the output folder ${below} lies below a file: give a folder`,
      );
    expect((await refusal(checkOutputDir('/dev/null'))).message).toContain('is a file');
  });

  it('a place it cannot write', async () => {
    const out = path.join(await unwritable(), 'out');
    const e = await refusal(checkOutputDir(out));
    expect(e.kind).toBe('usage');
    expect(e.message).toMatch(
      new RegExp(
        `^cannot (create|write) the output folder ${out}: (permission denied|a read-only file system)`,
      ),
    );
  });

  it('a folder with files VisionGate did not write, naming them; its own are fine', async () => {
    const dir = path.join(tmp, 'mixed');
    await mkdir(path.join(dir, 'shards'), { recursive: true });
    await writeFile(path.join(dir, 'report.json'), '{}');
    await writeFile(path.join(dir, 'notes.txt'), 'mine');
    const e = await refusal(checkOutputDir(dir));
    expect(e.message).toContain(`the output folder ${dir} holds files VisionGate did not write`);
    expect(e.message).toContain('"notes.txt", "shards"');
    await rm(path.join(dir, 'notes.txt'));
    await rm(path.join(dir, 'shards'), { recursive: true });
    // Its own files, and the leftover of an interrupted per-file write of an older version.
    await writeFile(path.join(dir, 'records.jsonl.4242.tmp'), '');
    expect(await checkOutputDir(dir)).toEqual({ dir, mode: 'swap' });
  });

  it('creates the folders above a new output folder', async () => {
    const out = path.join(tmp, 'new/a/b/out');
    expect(await checkOutputDir(out)).toEqual({ dir: out, mode: 'swap' });
    expect(await readdir(path.join(tmp, 'new/a/b'))).toEqual([]);
  });

  it("merge's shard folders: the output may not be one, lie in one, or hold one", async () => {
    const shards = path.join(tmp, 'shards');
    const s1 = path.join(shards, 's1');
    await mkdir(s1, { recursive: true });
    const inputs = [s1];
    expect((await refusal(checkOutputDir(s1, { inputs }))).message).toBe(
      `the output folder ${s1} is the shard folder ${s1}, which merge reads: write the merged report to another folder`,
    );
    expect((await refusal(checkOutputDir(path.join(s1, 'm'), { inputs }))).message).toContain(
      `is inside the shard folder ${s1}`,
    );
    expect((await refusal(checkOutputDir(shards, { inputs }))).message).toContain(
      `holds the shard folder ${s1}`,
    );
    expect(await checkOutputDir(path.join(tmp, 'merged'), { inputs })).toMatchObject({
      mode: 'swap',
    });
  });

  it('the current folder is written in place (it cannot be renamed away)', async () => {
    const empty = path.join(tmp, 'cwd');
    await mkdir(empty);
    const cwd = process.cwd();
    process.chdir(empty);
    try {
      expect(await checkOutputDir('.')).toEqual({ dir: empty, mode: 'in-place' });
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('replaceOutputDir', () => {
  it('swaps the whole folder in: no file of the old one survives, no temporary is left', async () => {
    const dir = path.join(tmp, 'swap');
    await mkdir(dir);
    await writeFile(path.join(dir, 'report.json'), 'old report');
    await writeFile(path.join(dir, 'junit.xml'), 'old junit');
    const out = await checkOutputDir(dir);
    await replaceOutputDir(out, (into) => writeFile(path.join(into, 'report.json'), 'new report'));
    expect(await readdir(dir)).toEqual(['report.json']);
    expect(await readFile(path.join(dir, 'report.json'), 'utf8')).toBe('new report');
    expect((await readdir(tmp)).filter((n) => n.includes('visiongate'))).toEqual([]);
  });

  it('a write that fails leaves the old folder whole and untouched', async () => {
    const dir = path.join(tmp, 'failing');
    await mkdir(dir);
    await writeFile(path.join(dir, 'report.json'), 'old report');
    await writeFile(path.join(dir, 'records.jsonl'), 'old records\n');
    const out = await checkOutputDir(dir);
    await expect(
      replaceOutputDir(out, async (into) => {
        await writeFile(path.join(into, 'records.jsonl'), 'new records\n');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readFile(path.join(dir, 'records.jsonl'), 'utf8')).toBe('old records\n');
    expect(await readFile(path.join(dir, 'report.json'), 'utf8')).toBe('old report');
    expect((await readdir(tmp)).filter((n) => n.includes('visiongate'))).toEqual([]);
  });

  it('in place, report.json goes first: a failed write leaves no report that looks current', async () => {
    const dir = path.join(tmp, 'in-place');
    await mkdir(dir);
    await writeFile(path.join(dir, 'report.json'), 'old report');
    await expect(
      replaceOutputDir({ dir, mode: 'in-place' }, () => Promise.reject(new Error('disk full'))),
    ).rejects.toThrow('disk full');
    expect(await readdir(dir)).toEqual([]);
  });
});
