import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExampleLines, readRecords } from '../../src/engine/results.js';
import { classificationTask } from '../../src/tasks/classification/index.js';
import { isUserError, type UserError } from '../../src/errors.js';

/** The two streamed JSON-lines readers of a result folder: blank lines skipped, bad lines named. */

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-results-read-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const RECORD = {
  id: 'a',
  hash: 'ab'.repeat(32),
  model: 'candidate',
  variant: 'clean',
  label: 1,
  pred: 1,
  conf: 0.9,
  pTrue: 0.9,
  rank: 0,
  sumSq: 0.82,
};

describe('readExampleLines', () => {
  it('yields every line, skips blank ones and counts them when naming a bad line', async () => {
    const file = path.join(tmp, 'examples.jsonl');
    const line = { id: 'a', hash: '', brightness: 0.5, contrast: 0.1, sharpness: 2 };
    await writeFile(file, `${JSON.stringify(line)}\n\n${JSON.stringify({ ...line, id: 'b' })}\n`);
    expect((await collect(readExampleLines(file))).map((l) => l.id)).toEqual(['a', 'b']);
    await writeFile(file, `${JSON.stringify(line)}\n\nnot json\n`);
    const e = await failure(collect(readExampleLines(file)));
    expect(e.kind).toBe('usage');
    expect(e.message).toBe(`${file}:3: not an examples.jsonl line`);
  });

  it('a missing file means the folder is not a result folder', async () => {
    const file = path.join(tmp, 'none', 'examples.jsonl');
    const e = await failure(collect(readExampleLines(file)));
    expect(e.message).toBe(
      `cannot read ${file}: not a VisionGate result folder of this version (no examples.jsonl)`,
    );
  });
});

describe('readRecords', () => {
  it('reads records into tables and names the line of a bad one', async () => {
    const file = path.join(tmp, 'records.jsonl');
    await writeFile(
      file,
      `\n${JSON.stringify(RECORD)}\n${JSON.stringify({ ...RECORD, id: 'b' })}\n`,
    );
    const set = await readRecords(file, classificationTask);
    expect(set.table('candidate', 'clean')?.ids).toEqual(['a', 'b']);
    await writeFile(file, `${JSON.stringify(RECORD)}\n\n{"x":1}\n`);
    let e = await failure(readRecords(file, classificationTask));
    expect(e.kind).toBe('baseline');
    expect(e.message).toBe(`${file}:3: not a VisionGate prediction record`);
    await writeFile(file, `${JSON.stringify(RECORD)}\n{oops\n`);
    e = await failure(readRecords(file, classificationTask));
    expect(e.message).toBe(`${file}:2: not valid JSON`);
  });

  it('a missing file is named', async () => {
    const file = path.join(tmp, 'none', 'records.jsonl');
    const e = await failure(readRecords(file, classificationTask));
    expect(e.message).toBe(`cannot read ${file}: file not found`);
  });
});
