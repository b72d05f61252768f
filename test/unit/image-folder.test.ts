import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImageFolder } from '../../src/dataset/image-folder.js';
import { loadDataset } from '../../src/dataset/load.js';
import { isUserError, type UserError } from '../../src/errors.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-image-folder-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let counter = 0;
/** A fresh folder with the given files (contents do not matter: the scan reads no image). */
async function makeTree(files: string[]): Promise<string> {
  const dir = path.join(tmp, `case-${counter++}`);
  await mkdir(dir, { recursive: true });
  for (const rel of files) {
    if (rel.endsWith('/')) await mkdir(path.join(dir, rel), { recursive: true });
    else {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), 'x');
    }
  }
  return dir;
}

/** `link` (relative to root) -> `target` (relative to root, or absolute). */
const link = (root: string, target: string, at: string) =>
  symlink(path.isAbsolute(target) ? target : path.join(root, target), path.join(root, at));

async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    return error as UserError;
  }
  throw new Error('expected a UserError, but the call succeeded');
}

describe('scanImageFolder: links', () => {
  it('follows linked files and folders that resolve inside the root', async () => {
    const root = await makeTree(['.store/c1.png', '.store/c2.jpg', 'pool/x/d1.png', 'dog/d0.png']);
    // A whole class folder that is a link (the case that lost a class before), a linked file
    // and a linked sub-folder inside a class.
    await link(root, '.store', 'cat');
    await link(root, 'pool/x/d1.png', 'dog/d1.png');
    await link(root, 'pool/x', 'dog/more');
    const scan = await scanImageFolder(root);
    expect(scan.rows).toEqual([
      { path: 'cat/c1.png', label: 'cat' },
      { path: 'cat/c2.jpg', label: 'cat' },
      { path: 'dog/d0.png', label: 'dog' },
      { path: 'dog/d1.png', label: 'dog' },
      { path: 'dog/more/d1.png', label: 'dog' },
    ]);
    // pool/x was read through dog/more; the class folder pool itself has nothing else.
    // .store is reached through the link cat: it is not listed as unused.
    expect(scan.unused).toEqual([
      { path: 'pool/', reason: 'a class folder with no images' },
      { path: 'pool/x/', reason: 'the same folder as dog/more/, which is read already' },
    ]);
  });

  it('refuses links that escape the root, naming each, in class folders and at the top', async () => {
    const outside = await makeTree(['secret.png', 'dir/s.png', 'notes.txt']);
    const root = await makeTree(['cat/a.png']);
    await link(root, path.join(outside, 'secret.png'), 'cat/leak.png');
    await link(root, path.join(outside, 'dir'), 'cat/leakdir');
    await link(root, path.join(outside, 'dir'), 'bird');
    await link(root, path.join(outside, 'notes.txt'), 'cat/notes.txt');
    const e = await rejection(scanImageFolder(root));
    expect(e.message).toContain(`3 link(s) under the dataset root ${root} point outside it`);
    expect(e.message).toContain('"bird", "cat/leak.png", "cat/leakdir"');
    // A link that would not be used anyway (not an image) is not a reason to refuse.
    expect(e.message).not.toContain('notes.txt');
  });

  it('does not loop on a link to a folder above it, and says so', async () => {
    const root = await makeTree(['cat/a.png', 'cat/sub/b.png']);
    await link(root, 'cat', 'cat/sub/up');
    await link(root, '.', 'cat/root');
    await link(root, 'cat/self', 'cat/self'); // a link to itself
    const scan = await scanImageFolder(root);
    expect(scan.rows.map((r) => r.path)).toEqual(['cat/a.png', 'cat/sub/b.png']);
    expect(scan.unused).toEqual([
      { path: 'cat/root/', reason: 'a link to a folder that contains it (the dataset root)' },
      { path: 'cat/self', reason: 'a link loop' },
      { path: 'cat/sub/up/', reason: 'a link to a folder that contains it (cat/)' },
    ]);
  });

  it('stays linear on a tree of links that would double at every level', async () => {
    // l0 -> {a, b} -> l1 -> {a, b} -> ...: 2^20 paths if every link were followed.
    const root = await makeTree(['c/l0/x.png']);
    for (let i = 0; i < 20; i++) {
      await mkdir(path.join(root, `c/l${i}`), { recursive: true });
      if (i > 0) await writeFile(path.join(root, `c/l${i}/x.png`), 'x');
      await link(root, `c/l${i + 1}`, `c/l${i}/a`);
      await link(root, `c/l${i + 1}`, `c/l${i}/b`);
    }
    await mkdir(path.join(root, 'c/l20'), { recursive: true });
    const scan = await scanImageFolder(root);
    // Every real folder is read once, by the first path that reaches it (c/l0/a/a/…): the 20
    // images once each, never 2^20 times.
    expect(scan.rows).toHaveLength(20);
    expect(scan.rows.map((r) => r.path)).toContain('c/l0/a/x.png');
    expect(scan.unused).toContainEqual({
      path: 'c/l1/',
      reason: 'the same folder as c/l0/a/, which is read already',
    });
  });
});

describe('scanImageFolder: nothing is dropped without a line', () => {
  it('lists hidden entries, other files, loose files, broken links and empty classes', async () => {
    const root = await makeTree([
      'cat/a.png',
      'cat/.b.png',
      'cat/notes.txt',
      'cat/.cache/c.png',
      'dog/',
      '.git/config',
      'README.md',
      'loose.png',
    ]);
    await link(root, 'cat/gone.png', 'cat/broken.png');
    execFileSync('mkfifo', [path.join(root, 'cat/pipe.png')]);
    const scan = await scanImageFolder(root);
    expect(scan.rows).toEqual([{ path: 'cat/a.png', label: 'cat' }]);
    expect(scan.unused).toEqual([
      { path: '.git/', reason: 'hidden' },
      { path: 'README.md', reason: 'not in a class folder' },
      { path: 'cat/.b.png', reason: 'hidden' },
      { path: 'cat/.cache/', reason: 'hidden' },
      { path: 'cat/broken.png', reason: 'a broken link' },
      { path: 'cat/notes.txt', reason: 'not an image' },
      { path: 'cat/pipe.png', reason: 'not a regular file' },
      { path: 'dog/', reason: 'a class folder with no images' },
      { path: 'loose.png', reason: 'not in a class folder' },
    ]);
  });

  it('loadDataset hands the list on with the examples', async () => {
    const root = await makeTree(['cat/a.png', 'cat/b.txt']);
    await link(root, 'cat', 'kitten');
    const ds = await loadDataset({
      root,
      format: 'imagefolder',
      columns: { path: 'path', label: 'label' },
      checkFiles: false,
    });
    expect(ds.labels).toEqual(['cat']);
    expect(ds.unused).toEqual([
      { path: 'cat/b.txt', reason: 'not an image' },
      { path: 'kitten/', reason: 'the same folder as cat/, which is read already' },
    ]);
  });
});

describe('loadDataset: ImageFolder names that look like Windows paths', () => {
  it('takes class folders named "\\" or "C:" and files starting with a backslash (all legal here)', async () => {
    // Found by the fuzzer: these were refused as paths that "escape the dataset root".
    const root = await makeTree(['\\/a.png', 'C:/b.png', 'cat/\\c.png']);
    const ds = await loadDataset({
      root,
      format: 'imagefolder',
      columns: { path: 'path', label: 'label' },
    });
    expect(ds.labels).toEqual(['C:', '\\', 'cat']);
    expect(ds.examples.paths).toEqual(['C:/b.png', '\\/a.png', 'cat/\\c.png']);
  });
});
