import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClassFile } from '../../src/dataset/class-list.js';
import {
  attachClasses,
  loadDataset,
  resolveInsideRoot,
  type DatasetSpec,
  type RawDataset,
} from '../../src/dataset/load.js';
import {
  detectFormat,
  parseCsvManifest,
  parseJsonlManifest,
  readManifest,
} from '../../src/dataset/manifest.js';
import { isUserError, type UserError } from '../../src/errors.js';
import { ExampleTableBuilder } from '../../src/tables/examples.js';
import { exampleObjects, rawRows } from '../support/tables.js';

let tmp: string;
let pngBytes: Buffer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-dataset-'));
  // A real 2×2 PNG (sharp-encoded), written wherever a test needs an image file.
  pngBytes = await sharp({
    create: { width: 2, height: 2, channels: 3, background: { r: 255, g: 0, b: 0 } },
  })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let counter = 0;
/** A fresh folder under the temp dir with the given files (`.png` ones get real PNG bytes). */
async function makeTree(files: Record<string, string | null>): Promise<string> {
  const dir = path.join(tmp, `case-${counter++}`);
  await mkdir(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text ?? pngBytes);
  }
  return dir;
}

const spec = (root: string, extra: Partial<DatasetSpec> = {}): DatasetSpec => ({
  root,
  format: 'auto',
  columns: { path: 'path', label: 'label' },
  ...extra,
});

/** The UserError a promise rejects with (fails the test if it resolves or throws something else). */
async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    return error as UserError;
  }
  throw new Error('expected a UserError, but the call succeeded');
}

function thrown(f: () => unknown): UserError {
  try {
    f();
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    return error as UserError;
  }
  throw new Error('expected a UserError, but the call succeeded');
}

describe('detectFormat', () => {
  it('follows the manifest name under auto, and an explicit format wins', () => {
    expect(detectFormat('auto', undefined)).toBe('imagefolder');
    expect(detectFormat('auto', 'data/manifest.CSV')).toBe('csv');
    expect(detectFormat('auto', 'data/manifest.tsv')).toBe('csv');
    expect(detectFormat('auto', 'data/labels.jsonl')).toBe('jsonl');
    expect(detectFormat('auto', 'data/labels.ndjson')).toBe('jsonl');
    expect(detectFormat('auto', 'train/metadata.jsonl')).toBe('hf-metadata');
    expect(detectFormat('jsonl', 'train/metadata.jsonl')).toBe('jsonl');
  });

  it('refuses a name it cannot read and says which key to set', () => {
    const e = thrown(() => detectFormat('auto', 'data/labels.txt'));
    expect(e.message).toContain('"data/labels.txt"');
    expect(e.message).toContain('dataset.format');
  });
});

describe('parseCsvManifest', () => {
  it('handles quoted commas, a BOM, blank lines and reports 1-based lines (header = line 1)', () => {
    const text =
      '\uFEFFid,path,label,note\n' + '1,a.png,cat,"x, y"\n' + '\n' + '2,b.png,dog,plain\n';
    const rows = parseCsvManifest(text, 'm.csv');
    expect(rows).toEqual([
      // The BOM is not part of the first column name ("id", not "\uFEFFid").
      { fields: { id: '1', path: 'a.png', label: 'cat', note: 'x, y' }, line: 2 },
      // Line 3 is blank and skipped; this row is on line 4.
      { fields: { id: '2', path: 'b.png', label: 'dog', note: 'plain' }, line: 4 },
    ]);
  });

  it('reads a .tsv with tabs, where commas are ordinary characters', () => {
    const rows = parseCsvManifest('id\tpath\tlabel\n7\ta,b.png\tcat\n', 'm.tsv');
    expect(rows).toEqual([{ fields: { id: '7', path: 'a,b.png', label: 'cat' }, line: 2 }]);
  });

  it('a row with a missing field names the file and its line', () => {
    const e = thrown(() => parseCsvManifest('id,path,label\n1,a.png,cat\n2,b.png\n', 'm.csv'));
    expect(e.message).toMatch(/^m\.csv:3: invalid CSV: /);
  });

  it('an unclosed quote names the file and the line it started on', () => {
    const e = thrown(() => parseCsvManifest('id,path,label\n1,"a.png,cat\n', 'm.csv'));
    expect(e.message).toMatch(/^m\.csv:2: invalid CSV: /);
    // Opened on line 3 of 6: csv-parse itself names line 6, where the file ended.
    const text =
      'id,path,label\n1,a.png,cat\n2,"b.png,cat\n3,c.png,dog\n4,d.png,dog\n5,e.png,dog\n';
    const far = thrown(() => parseCsvManifest(text, 'm.csv'));
    expect(far.message).toMatch(
      /^m\.csv:3: invalid CSV: a quote opened on this line is never closed/,
    );
  });

  it('quoted fields with "" and line breaks before an unclosed quote do not shift its line', () => {
    const text = [
      'id,path,label,note', //           line 1
      '1,a.png,cat,"say ""hi"""', //     line 2: escaped quotes, closed
      '2,b.png,cat,"two', //             line 3: a field over two lines
      'lines"', //                       line 4
      '3,c.png,dog,fine', //             line 5
      '4,d.png,dog, "open', //           line 6: opens (after a space: fields are trimmed)
      '5,e.png,dog,x',
      '',
    ].join('\n');
    const e = thrown(() => parseCsvManifest(text, 'm.csv'));
    expect(e.message).toMatch(/^m\.csv:6: invalid CSV: a quote opened on this line/);
  });

  it('a header naming one column twice is refused instead of silently dropping a column', () => {
    const e = thrown(() => parseCsvManifest('id,path,label,label\n1,a.png,cat,dog\n', 'm.csv'));
    expect(e.message).toContain('m.csv');
    expect(e.message).toContain('"label" twice');
  });
});

describe('parseJsonlManifest', () => {
  it('keeps strings, stringifies numbers/booleans/objects, drops nulls, numbers lines', () => {
    const text =
      '\uFEFF{"id":"a","path":"a.png","label":"cat","n":3,"ok":true,"box":[1,2],"x":null}\r\n' +
      '\r\n' +
      '{"id":"b","path":"b.png","label":"dog"}\r\n';
    expect(parseJsonlManifest(text, 'm.jsonl')).toEqual([
      {
        fields: { id: 'a', path: 'a.png', label: 'cat', n: '3', ok: 'true', box: '[1,2]' },
        line: 1,
      },
      { fields: { id: 'b', path: 'b.png', label: 'dog' }, line: 3 },
    ]);
  });

  it('a line that is not JSON is named by its line number', () => {
    const text = '{"id":"a","path":"a.png","label":"cat"}\n\n{"id": "b", "path": \n';
    const e = thrown(() => parseJsonlManifest(text, 'm.jsonl'));
    expect(e.message).toMatch(/^m\.jsonl:3: invalid JSON: /);
  });

  it('a line that is JSON but not an object is refused with its line', () => {
    const e = thrown(() => parseJsonlManifest('{"id":"a"}\n["b.png","dog"]\n', 'm.jsonl'));
    expect(e.message).toBe('m.jsonl:2: each line must be a JSON object');
  });
});

describe('readManifest: imagefolder', () => {
  it('sorts classes, finds nested images, ignores non-images and hidden folders', async () => {
    const root = await makeTree({
      'zebra/z1.png': null,
      'ant/sub/deep/a2.png': null,
      'ant/a1.PNG': null,
      'ant/notes.txt': 'not an image',
      'ant/labels.csv': 'x',
      '.cache/c.png': null,
      'README.md': '# top-level files are not classes',
    });
    const rows = await readManifest('imagefolder', undefined, root);
    // Classes in sorted order (ant < zebra); within a class, paths sorted; only image extensions
    // (case-insensitive); `.cache` is hidden and skipped.
    expect(rows).toEqual([
      { fields: { path: 'ant/a1.PNG', label: 'ant' }, line: 0 },
      { fields: { path: 'ant/sub/deep/a2.png', label: 'ant' }, line: 0 },
      { fields: { path: 'zebra/z1.png', label: 'zebra' }, line: 0 },
    ]);
  });

  it('a root without class folders is refused', async () => {
    const root = await makeTree({ 'loose.png': null });
    const e = await rejection(readManifest('imagefolder', undefined, root));
    expect(e.message).toContain('no class folders');
    expect(e.message).toContain(root);
  });

  it('a missing manifest file is named', async () => {
    const e = await rejection(readManifest('csv', path.join(tmp, 'nope.csv'), tmp));
    expect(e.message).toContain('nope.csv');
    expect(e.message).toContain('file not found');
  });
});

describe('loadDataset', () => {
  it('CSV: ids, POSIX paths, labels in first-seen order, metadata columns in manifest order', async () => {
    const root = await makeTree({
      'img/a.png': null,
      'img/b.png': null,
      'img/c.png': null,
      'm.csv':
        'id,path,label,lighting,source\n' +
        'a,img/a.png,dog,dim,"phone, old"\n' +
        'b,img/b.png,cat,,scanner\n' +
        'c,./img/../img/c.png,dog,day,phone\n',
    });
    const ds = await loadDataset(spec(root, { manifest: path.join(root, 'm.csv') }));
    expect(ds.format).toBe('csv');
    expect(ds.metadataColumns).toEqual(['lighting', 'source']);
    expect(ds.labels).toEqual(['dog', 'cat']);
    expect(rawRows(ds)).toEqual([
      {
        id: 'a',
        path: 'img/a.png',
        absPath: path.join(root, 'img/a.png'),
        label: 'dog',
        metadata: { lighting: 'dim', source: 'phone, old' },
        record: 1,
      },
      {
        id: 'b',
        path: 'img/b.png',
        absPath: path.join(root, 'img/b.png'),
        label: 'cat',
        // An empty value is absent, not "".
        metadata: { source: 'scanner' },
        record: 2,
      },
      {
        id: 'c',
        // Normalised: ./img/../img/c.png is img/c.png.
        path: 'img/c.png',
        absPath: path.join(root, 'img/c.png'),
        label: 'dog',
        metadata: { lighting: 'day', source: 'phone' },
        record: 3,
      },
    ]);
  });

  it('without an id column, the id is the path relative to the root', async () => {
    const root = await makeTree({ 'x/a.png': null, 'm.csv': 'path,label\nx/a.png,cat\n' });
    const ds = await loadDataset(spec(root, { manifest: path.join(root, 'm.csv') }));
    expect(rawRows(ds).map((r) => r.id)).toEqual(['x/a.png']);
  });

  it('custom column names and a chosen metadata subset', async () => {
    const root = await makeTree({
      'a.png': null,
      'm.jsonl': '{"key":"k1","file":"a.png","y":"cat","site":"s1","camera":"c9"}\n',
    });
    const ds = await loadDataset(
      spec(root, {
        manifest: path.join(root, 'm.jsonl'),
        columns: { id: 'key', path: 'file', label: 'y' },
        metadata: ['camera'],
      }),
    );
    expect(ds.format).toBe('jsonl');
    expect(rawRows(ds)).toEqual([
      {
        id: 'k1',
        path: 'a.png',
        absPath: path.join(root, 'a.png'),
        label: 'cat',
        metadata: { camera: 'c9' },
        record: 1,
      },
    ]);
  });

  it('imagefolder: ids are relative paths, labels the class folders', async () => {
    const root = await makeTree({ 'b/1.png': null, 'a/x/2.png': null });
    const ds = await loadDataset(spec(root));
    expect(ds.format).toBe('imagefolder');
    expect(rawRows(ds).map((r) => [r.id, r.label])).toEqual([
      ['a/x/2.png', 'a'],
      ['b/1.png', 'b'],
    ]);
    expect(ds.labels).toEqual(['a', 'b']);
    expect(ds.metadataColumns).toEqual([]);
  });

  it('hf-metadata: file_name relative to metadata.jsonl, label column when present', async () => {
    const root = await makeTree({
      'train/p/1.png': null,
      'train/metadata.jsonl': '{"file_name":"p/1.png","label":"cat","weather":"rain"}\n',
    });
    const ds = await loadDataset(spec(root, { manifest: path.join(root, 'train/metadata.jsonl') }));
    expect(ds.format).toBe('hf-metadata');
    expect(rawRows(ds)).toEqual([
      {
        // Relative to the dataset root, not to the manifest's folder.
        id: 'train/p/1.png',
        path: 'train/p/1.png',
        absPath: path.join(root, 'train/p/1.png'),
        label: 'cat',
        metadata: { weather: 'rain' },
        record: 1,
      },
    ]);
  });

  it('hf-metadata without a label column: the label is the parent folder', async () => {
    const root = await makeTree({
      'cat/1.png': null,
      'dog/nested/2.png': null,
      'metadata.jsonl': '{"file_name":"cat/1.png"}\n{"file_name":"dog/nested/2.png"}\n',
    });
    const ds = await loadDataset(spec(root, { manifest: path.join(root, 'metadata.jsonl') }));
    // The parent folder, i.e. the innermost one ("nested"), as Hugging Face's ImageFolder does.
    expect(rawRows(ds).map((r) => [r.id, r.label])).toEqual([
      ['cat/1.png', 'cat'],
      ['dog/nested/2.png', 'nested'],
    ]);
  });

  it('hf-metadata: a file next to metadata.jsonl has no folder label and is reported', async () => {
    const root = await makeTree({
      'loose.png': null,
      'metadata.jsonl': '{"file_name":"loose.png"}\n',
    });
    const e = await rejection(
      loadDataset(spec(root, { manifest: path.join(root, 'metadata.jsonl') })),
    );
    // Not silently labelled with the dataset folder's own name.
    expect(e.message).toContain(
      '1 row(s) of metadata.jsonl have no "label" field and their image is directly in the folder of metadata.jsonl',
    );
    expect(e.message).toContain('metadata.jsonl:1');
    expect(e.message).toContain('dataset.columns.label');
  });

  it('refuses paths that escape the root, naming every offending row', async () => {
    const root = await makeTree({
      'ok.png': null,
      'm.csv': [
        'id,path,label',
        'ok,ok.png,cat', //            line 2: fine
        'up,../x.png,cat', //          line 3
        'abs,/etc/passwd,cat', //      line 4
        'win,C:\\x.png,cat', //        line 5
        'deep,a/../../x.png,cat', //   line 6
        'unc,\\\\srv\\share,cat', //   line 7
        '',
      ].join('\n'),
    });
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toContain(`5 image path(s) escape the dataset root ${root}`);
    expect(e.message).toContain('m.csv:3 "../x.png"');
    expect(e.message).toContain('m.csv:4 "/etc/passwd"');
    expect(e.message).toContain('m.csv:5 "C:\\x.png"');
    expect(e.message).toContain('m.csv:6 "a/../../x.png"');
    expect(e.message).toContain('m.csv:7 "\\\\srv\\share"');
    expect(e.message).not.toContain('ok.png');
  });

  it('a file whose name merely starts with ".." is inside the root', async () => {
    const root = await makeTree({
      '..hidden.png': null,
      'm.csv': 'path,label\n..hidden.png,cat\n',
    });
    const ds = await loadDataset(spec(root, { manifest: path.join(root, 'm.csv') }));
    expect(rawRows(ds).map((r) => r.path)).toEqual(['..hidden.png']);
  });

  it('refuses a symlink that points outside the root, naming it', async () => {
    const outside = await makeTree({ 'secret.png': null });
    const root = await makeTree({
      'in.png': null,
      'm.csv': 'id,path,label\na,in.png,cat\nb,link.png,cat\nc,linkdir/secret.png,cat\n',
    });
    await symlink(path.join(outside, 'secret.png'), path.join(root, 'link.png'));
    await symlink(outside, path.join(root, 'linkdir'));
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toContain('2 image(s) are links that point outside the dataset root');
    expect(e.message).toContain('"link.png" (m.csv:3)');
    expect(e.message).toContain('"linkdir/secret.png" (m.csv:4)');
    expect(e.message).not.toContain('"in.png"');
  });

  it('names a manifest row whose file is a link loop', async () => {
    const root = await makeTree({ 'm.csv': 'path,label\nloop.png,cat\n' });
    await symlink(path.join(root, 'loop.png'), path.join(root, 'loop.png'));
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toContain('"loop.png" (a link loop) (m.csv:2)');
  });

  it('accepts a symlink that stays inside the root', async () => {
    const root = await makeTree({ 'real/a.png': null, 'm.csv': 'path,label\nalias.png,cat\n' });
    await symlink(path.join(root, 'real/a.png'), path.join(root, 'alias.png'));
    const ds = await loadDataset(spec(root, { manifest: path.join(root, 'm.csv') }));
    expect(rawRows(ds).map((r) => r.path)).toEqual(['alias.png']);
  });

  it('lists missing files (sorted) with their manifest lines; a folder is not a file (with its line too)', async () => {
    const root = await makeTree({
      'here.png': null,
      'adir/x.png': null,
      'm.csv':
        'id,path,label\n1,here.png,cat\n2,zz-missing.png,cat\n3,aa-missing.png,dog\n4,adir,dog\n',
    });
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toContain(`3 image file(s) not found under ${root}`);
    // Sorted by code unit: '"aa-…' < '"adir' (second letters a < d) < '"zz-…'.
    expect(e.message).toContain(
      '"aa-missing.png" (m.csv:4), "adir" (not a file) (m.csv:5), "zz-missing.png" (m.csv:3)',
    );
    expect(e.message).not.toContain('here.png');
  });

  it('refuses duplicate ids, naming the id and the repeated row', async () => {
    const root = await makeTree({
      'a.png': null,
      'b.png': null,
      'm.csv': 'id,path,label\nsame,a.png,cat\nsame,b.png,dog\n',
    });
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toBe('duplicate example ids: "same" (m.csv:3)');
  });

  it('refuses rows without a label, naming them', async () => {
    const root = await makeTree({
      'a.png': null,
      'b.png': null,
      'm.csv': 'path,label\na.png,cat\nb.png,\n',
    });
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toBe(
      '1 row(s) with an empty or missing "label" (the label column, dataset.columns.label): m.csv:3',
    );
  });

  it('a manifest without the label column names the setting, the columns and the closest one', async () => {
    const root = await makeTree({
      'a.png': null,
      'm.csv': 'path,Label,site\na.png,cat,s1\n',
    });
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    // It said "1 row(s) without a "label" or id value", as if some rows lacked a value.
    expect(e.message).toBe(
      'm.csv: no "label" column (columns: path, Label, site); set dataset.columns.label to the column that holds the class; did you mean "Label"?',
    );
  });

  it('an empty id is named as the id column, apart from labels', async () => {
    const root = await makeTree({ 'a.png': null, 'm.csv': 'id,path,label\n,a.png,cat\n' });
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toBe(
      '1 row(s) with an empty or missing "id" (the id column, dataset.columns.id): m.csv:2',
    );
  });

  it('hf-metadata paths outside the root: the rule, where they were resolved from, and the fix', async () => {
    // The images sit under the root; metadata.jsonl is elsewhere and its paths were written
    // relative to the root: Hugging Face reads them relative to the jsonl's folder.
    const dir = await makeTree({
      'images/cat/1.png': null,
      'meta/metadata.jsonl': '{"file_name":"cat/1.png","label":"cat"}\n',
    });
    const root = path.join(dir, 'images');
    const manifest = path.join(dir, 'meta/metadata.jsonl');
    const e = await rejection(loadDataset(spec(root, { manifest })));
    expect(e.message).toContain(`1 image path(s) escape the dataset root ${root}`);
    expect(e.message).toContain(
      `file_name is relative to the folder of metadata.jsonl, so these were resolved from ${path.join(dir, 'meta')}`,
    );
    expect(e.message).toContain('set dataset.format: jsonl and dataset.columns.path: file_name');
    // The fix works.
    const ds = await loadDataset(
      spec(root, { manifest, format: 'jsonl', columns: { path: 'file_name', label: 'label' } }),
    );
    expect(rawRows(ds).map((r) => r.path)).toEqual(['cat/1.png']);

    // Paths relative to the jsonl's folder, but the root does not contain it: move the root.
    const dir2 = await makeTree({
      'train/cat/1.png': null,
      'train/metadata.jsonl': '{"file_name":"cat/1.png","label":"cat"}\n',
      'other/x.txt': 'x',
    });
    const e2 = await rejection(
      loadDataset(
        spec(path.join(dir2, 'other'), { manifest: path.join(dir2, 'train/metadata.jsonl') }),
      ),
    );
    expect(e2.message).toContain(
      `resolved from ${path.join(dir2, 'train')}. Set dataset.root to that folder (or one that contains it).`,
    );
  });

  it('dataset.metadata naming a missing column lists it and the columns that exist', async () => {
    const root = await makeTree({ 'a.png': null, 'm.csv': 'path,label,site\na.png,cat,s1\n' });
    const e = await rejection(
      loadDataset(
        spec(root, { manifest: path.join(root, 'm.csv'), metadata: ['site', 'lihgting'] }),
      ),
    );
    expect(e.message).toBe(
      'm.csv: dataset.metadata names columns that are not in the manifest: lihgting (columns: path, label, site)',
    );
  });

  it('a manifest without the path column says which key to set', async () => {
    const root = await makeTree({ 'a.png': null, 'm.csv': 'file,label\na.png,cat\n' });
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toBe(
      'm.csv: no "path" column (columns: file, label); set dataset.columns.path',
    );
  });

  it('an empty manifest is refused', async () => {
    const root = await makeTree({ 'm.csv': 'path,label\n' });
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toBe('m.csv: the dataset has no examples');
  });

  it('lists at most 8 offenders and says how many more', async () => {
    // 11 missing files: 8 listed, "and 3 more".
    const names = Array.from({ length: 11 }, (_, i) => `m${String(i).padStart(2, '0')}.png`);
    const root = await makeTree({
      'm.csv': `path,label\n${names.map((n) => `${n},cat`).join('\n')}\n`,
    });
    const e = await rejection(loadDataset(spec(root, { manifest: path.join(root, 'm.csv') })));
    expect(e.message).toContain('11 image file(s) not found');
    expect(e.message).toContain('"m07.png"');
    expect(e.message).not.toContain('"m08.png"');
    expect(e.message).toContain('and 3 more');
  });
});

describe('resolveInsideRoot', () => {
  const root = path.resolve('/data/root');
  it.each([
    ['../x.png'],
    ['/etc/x.png'],
    ['C:\\x.png'],
    ['c:x.png'],
    ['\\\\server\\share\\x.png'],
    ['a/../../x.png'],
    ['.'],
    ['a/..'],
    [''],
    ['x\0.png'],
  ])('refuses %j', (rel) => {
    expect(resolveInsideRoot(root, rel)).toBeUndefined();
  });

  it.each([
    ['x.png', 'x.png'],
    ['./a/b.png', 'a/b.png'],
    ['a/../b.png', 'b.png'],
    ['..x.png', '..x.png'],
    ['a/..b/c.png', 'a/..b/c.png'],
  ])('accepts %j as %j', (rel, inside) => {
    expect(resolveInsideRoot(root, rel)).toBe(path.join(root, inside));
  });
});

describe('readClassFile', () => {
  it('ignores blank lines, # comments and surrounding spaces (CRLF too)', async () => {
    const dir = await makeTree({
      'classes.txt':
        '# model output order\r\n\r\n  cat  \r\ndog\r\n   # indented comment\r\n#\r\nbird\r\n\r\n',
    });
    expect(await readClassFile(path.join(dir, 'classes.txt'))).toEqual(['cat', 'dog', 'bird']);
  });

  it('a name starting with # but not "# " is a class (#1, #fff), not a comment', async () => {
    const dir = await makeTree({ 'classes.txt': '# colours\n#1\n#fff\nplain\n' });
    expect(await readClassFile(path.join(dir, 'classes.txt'))).toEqual(['#1', '#fff', 'plain']);
  });

  it('.json: a list, an id → name object in any key order, or a config.json id2label', async () => {
    const dir = await makeTree({
      'list.json': '["cat", "# not a comment", "dog"]',
      'ids.json': '{"1": "dog", "0": "cat", "2": "bird"}',
      'config.json': JSON.stringify({
        architectures: ['ViTForImageClassification'],
        id2label: { '0': 'cat', '1': 'dog' },
        label2id: { cat: 0, dog: 1 },
      }),
    });
    expect(await readClassFile(path.join(dir, 'list.json'))).toEqual([
      'cat',
      '# not a comment',
      'dog',
    ]);
    expect(await readClassFile(path.join(dir, 'ids.json'))).toEqual(['cat', 'dog', 'bird']);
    expect(await readClassFile(path.join(dir, 'config.json'))).toEqual(['cat', 'dog']);
  });

  it('.json that is not a class list is refused with the file and the reason', async () => {
    const dir = await makeTree({
      'broken.json': '["cat", "dog"',
      'gap.json': '{"0": "cat", "2": "dog"}',
      'number.json': '[1, 2]',
      'scalar.json': '"cat"',
    });
    const broken = await rejection(readClassFile(path.join(dir, 'broken.json')));
    expect(broken.message).toContain(`${path.join(dir, 'broken.json')}: invalid JSON`);
    const gap = await rejection(readClassFile(path.join(dir, 'gap.json')));
    expect(gap.message).toContain('key "2" is not a class index 0-1');
    const num = await rejection(readClassFile(path.join(dir, 'number.json')));
    expect(num.message).toContain('item 0 of the class list is 1, not a class name');
    const scalar = await rejection(readClassFile(path.join(dir, 'scalar.json')));
    expect(scalar.message).toContain('a class list in JSON is a list');
  });

  it('a missing class file is named', async () => {
    const e = await rejection(readClassFile(path.join(tmp, 'missing-classes.txt')));
    expect(e.message).toContain('missing-classes.txt');
  });
});

describe('attachClasses', () => {
  const raw = (labels: [string, string][]): RawDataset => {
    const b = new ExampleTableBuilder('/r');
    labels.forEach(([id, label], i) => b.push(id, `${id}.png`, label, i + 1, { k: String(i) }));
    const examples = b.finish(['k']);
    return {
      format: 'csv',
      root: '/r',
      examples,
      metadataColumns: ['k'],
      labels: examples.labels,
      unused: [],
    };
  };

  it('gives every example the index of its label in the class list', async () => {
    const examples = exampleObjects(
      await attachClasses(
        raw([
          ['a', 'dog'],
          ['b', 'cat'],
        ]),
        ['cat', 'dog', 'bird'],
        'config list',
      ),
    );
    expect(examples).toEqual([
      {
        id: 'a',
        path: 'a.png',
        absPath: '/r/a.png',
        label: 'dog',
        labelIndex: 1,
        metadata: { k: '0' },
      },
      {
        id: 'b',
        path: 'b.png',
        absPath: '/r/b.png',
        label: 'cat',
        labelIndex: 0,
        metadata: { k: '1' },
      },
    ]);
  });

  it('unknown labels: names each label, its count, example ids and the known classes', async () => {
    const e = await rejection(
      attachClasses(
        raw([
          ['a', 'cat'],
          ['b', 'Cat'],
          ['c', 'Cat'],
          ['d', 'Cat'],
          ['e', 'Cat'],
          ['f', 'wolf'],
        ]),
        ['cat', 'dog'],
        'classes.txt',
      ),
    );
    expect(e.message).toContain('labels not in the class list (classes.txt)');
    // 4 rows labelled "Cat": the first 3 ids as examples.
    expect(e.message).toContain('"Cat" (4 example(s), e.g. b, c, d)');
    expect(e.message).not.toContain('e.g. b, c, d, e');
    expect(e.message).toContain('"wolf" (1 example(s), e.g. f)');
    expect(e.message).toContain('Known classes: "cat", "dog"');
  });

  it('unknown labels: the examples named come with their manifest lines', async () => {
    // Found by the fuzzer: the message named ids only, which a manifest need not even have.
    const root = await makeTree({
      'a.png': null,
      'b.png': null,
      'c.png': null,
      'm.csv': 'path,label\na.png,cat\n\n"b.png","Cat"\nc.png,wolf\n',
    });
    const ds = await loadDataset(spec(root, { manifest: path.join(root, 'm.csv') }));
    const e = await rejection(attachClasses(ds, ['cat', 'dog'], 'classes.txt'));
    expect(e.message).toContain('"Cat" (1 example(s), e.g. b.png (m.csv:4))');
    expect(e.message).toContain('"wolf" (1 example(s), e.g. c.png (m.csv:5))');
  });

  it('refuses a class list with fewer than 2 classes or repeats', async () => {
    const ds = raw([['a', 'cat']]);
    expect((await rejection(attachClasses(ds, ['cat'], 'x'))).message).toContain(
      'at least 2 classes',
    );
    expect((await rejection(attachClasses(ds, ['cat', 'dog', 'cat'], 'x'))).message).toContain(
      'repeats "cat"',
    );
  });
});
