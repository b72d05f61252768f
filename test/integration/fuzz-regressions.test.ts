/**
 * Inputs the fuzzer (test/fuzz/) found handled wrongly, each pinned by a test of its own that
 * failed before its fix: the smallest case the fuzzer shrank it to, written out by hand.
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const COLORS = path.join(FIXTURES, 'datasets/colors');
const COLOUR_MODEL = path.join(FIXTURES, 'models/rgb-nchw-dynamic.onnx');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-fuzz-found-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let n = 0;
/** A folder with a copy of the colours dataset (data/) and `visiongate.yml` holding `config`. */
async function caseWith(config: string, edit?: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(tmp, `case-${++n}`);
  await cp(COLORS, path.join(dir, 'data'), { recursive: true });
  await edit?.(dir);
  await writeFile(path.join(dir, 'visiongate.yml'), config);
  return dir;
}

/** The colours manifest with `rows` (lines of text) in place of its data rows. */
const manifest = (...rows: string[]) => ['id,path,label,camera,time', ...rows].join('\n') + '\n';

/** A config over data/ with the colour model; `extra` lines are appended. */
const config = (dataset: string, ...extra: string[]) =>
  [`dataset: ${dataset}`, `model: { path: ${JSON.stringify(COLOUR_MODEL)} }`, ...extra, ''].join(
    '\n',
  );
const CSV_DATASET = '{ root: data, manifest: data/manifest.csv, classes: data/classes.txt }';

const run = (dir: string, ...args: string[]) =>
  cli(['run', '-c', path.join(dir, 'visiongate.yml'), '-o', path.join(dir, 'out'), '-q', ...args]);

describe('CSV manifest lines', () => {
  it('counts a CR LF inside a quoted field as one line break (CSV lines were one too far)', async () => {
    const dir = await caseWith(config(CSV_DATASET), (d) =>
      writeFile(
        path.join(d, 'data/manifest.csv'),
        [
          'id,path,label,camera,time',
          'red-0,images/red-0.png,red,"two\r\nlines",day',
          'red-1,images/red-1.png,red,"three\r\nmore\r\nlines",day',
          'red-2,images/missing.png,red,a,night',
          '',
        ].join('\r\n'),
      ),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    // Header 1, red-0 on 2-3, red-1 on 4-6, the missing file on 7.
    expect(r.stderr).toContain('"images/missing.png" (manifest.csv:7)');
  });
  it('an unclosed quote names the line of the row that opens it, not the end of the file', async () => {
    const dir = await caseWith(config(CSV_DATASET), (d) =>
      writeFile(
        path.join(d, 'data/manifest.csv'),
        manifest(
          'red-0,images/red-0.png,red,a,day',
          '"red-1,images/red-1.png,red,a,day',
          'red-2,images/red-2.png,red,a,day',
          'red-3,images/red-3.png,red,a,day',
        ),
      ),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'manifest.csv:3: invalid CSV: a quote opened on this line is never closed',
    );
  });
  it('names the file and line of an image that cannot be read (it named the id alone)', async () => {
    const dir = await caseWith(config(CSV_DATASET), async (d) => {
      await writeFile(path.join(d, 'data/images/empty.png'), '');
      await writeFile(
        path.join(d, 'data/manifest.csv'),
        manifest('red-0,images/red-0.png,red,a,day', 'red-9,images/empty.png,red,a,day'),
      );
    });
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 image(s) could not be read');
    expect(r.stderr).toContain('red-9 (images/empty.png) at manifest.csv:3: ');
  });
  it('a stray quote names the row that opens it, counted with CR LF inside quotes as one line', async () => {
    const dir = await caseWith(config(CSV_DATASET), (d) =>
      writeFile(
        path.join(d, 'data/manifest.csv'),
        manifest(
          'red-0,images/red-0.png,red,"two\r\nlines",day',
          '"red-1,images/red-1.png,red,a,day',
          'red-2,images/red-2.png,red,"b,"c,day',
          'red-3,images/red-3.png,red,a,day',
        ),
      ),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    // Header 1, red-0 on 2-3, the stray quote opens red-1's row on 4 (csv-parse said 6).
    expect(r.stderr).toContain(
      'manifest.csv:4: invalid CSV in the row that starts on this line: Invalid Closing Quote',
    );
  });
  it('a column named __proto__ is refused by name (its values vanished without a word)', async () => {
    const dir = await caseWith(config(CSV_DATASET), (d) =>
      writeFile(
        path.join(d, 'data/manifest.csv'),
        'id,path,label,__proto__\nred-0,images/red-0.png,red,a\nred-1,images/red-1.png,red,b\n',
      ),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('manifest.csv:1: a column is named "__proto__"');
    const jsonl = await caseWith(
      config('{ root: data, manifest: data/m.jsonl, classes: data/classes.txt }'),
      (d) =>
        writeFile(
          path.join(d, 'data/m.jsonl'),
          '{"path":"images/red-0.png","label":"red"}\n{"path":"images/red-1.png","label":"red","__proto__":"b"}\n',
        ),
    );
    const j = await run(jsonl);
    expect(j.code).toBe(2);
    expect(j.stderr).toContain('m.jsonl:2: a column is named "__proto__"');
  });
});

describe('ImageFolder', () => {
  it('takes class folders named "\\" or "C:" (legal names on Linux, not paths that escape)', async () => {
    const dir = await caseWith(
      config(
        "{ root: folders, classes: ['\\', 'C:', blue, dark] }",
        'statistics: { resamples: 0 }',
      ),
      async (d) => {
        for (const [cls, file] of [
          ['\\', 'red-0.png'],
          ['C:', 'green-0.png'],
          ['blue', 'blue-0.png'],
          ['dark', '\\dark-0.png'],
        ] as const) {
          await mkdir(path.join(d, 'folders', cls), { recursive: true });
          await cp(
            path.join(d, 'data/images', file.replace('\\', '')),
            path.join(d, 'folders', cls, file),
          );
        }
      },
    );
    const r = await run(dir, '--fail-on', 'never');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, 'out/report.json'), 'utf8')) as {
      dataset: { examples: number };
    };
    expect(report.dataset.examples).toBe(4);
  });
});

describe('dataset rows are named by their manifest line', () => {
  it('names the lines of links that leave the root and of folders given as files', async () => {
    const dir = await caseWith(config(CSV_DATASET), async (d) => {
      await mkdir(path.join(d, 'data/images/a-folder.png'));
      await writeFile(path.join(d, 'secret.png'), 'x');
      await symlink(path.join(d, 'secret.png'), path.join(d, 'data/images/link.png'));
      await writeFile(
        path.join(d, 'data/manifest.csv'),
        manifest(
          'red-0,images/red-0.png,red,a,day',
          'red-1,images/link.png,red,a,day',
          'red-2,images/a-folder.png,red,a,day',
        ),
      );
    });
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"images/link.png" (manifest.csv:3)');
    const folder = await run(
      await caseWith(config(CSV_DATASET), async (d) => {
        await mkdir(path.join(d, 'data/images/a-folder.png'));
        await writeFile(
          path.join(d, 'data/manifest.csv'),
          manifest('red-0,images/red-0.png,red,a,day', 'red-2,images/a-folder.png,red,a,day'),
        );
      }),
    );
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('"images/a-folder.png" (not a file) (manifest.csv:3)');
  });

  it('names the lines of labels that are not in the class list', async () => {
    const dir = await caseWith(config(CSV_DATASET), (d) =>
      writeFile(
        path.join(d, 'data/manifest.csv'),
        manifest(
          'red-0,images/red-0.png,red,a,day',
          '',
          'red-1,images/red-1.png,Red,a,day',
          'blue-1,images/blue-1.png,teal,a,day',
        ),
      ),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"Red" (1 example(s), e.g. red-1 (manifest.csv:4))');
    expect(r.stderr).toContain('"teal" (1 example(s), e.g. blue-1 (manifest.csv:5))');
  });
});

describe('model messages name the model file, the class list and the config key', () => {
  it('a class list longer than the model output names the model file and the config line', async () => {
    const dir = await caseWith(
      [
        'dataset:',
        '  root: data',
        '  manifest: data/manifest.csv',
        '  classes: [red, green, blue, dark, one-more]',
        `model: { path: ${JSON.stringify(COLOUR_MODEL)} }`,
        '',
      ].join('\n'),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rgb-nchw-dynamic.onnx');
    expect(r.stderr).toContain('config dataset.classes, visiongate.yml:4');
    expect(r.stderr).toContain('has 5');
  });

  it('a class file longer than the model output names the class file', async () => {
    const dir = await caseWith(
      [
        'dataset: { root: data, manifest: data/manifest.csv, classes: five.txt }',
        `model: { path: ${JSON.stringify(COLOUR_MODEL)} }`,
        '',
      ].join('\n'),
      (d) => writeFile(path.join(d, 'five.txt'), 'red\ngreen\nblue\ndark\nextra\n'),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('class file five.txt');
    expect(r.stderr).toContain('rgb-nchw-dynamic.onnx');
  });

  it('a model with two inputs is named by its file', async () => {
    const two = path.join(FIXTURES, 'models/two-inputs.onnx');
    const dir = await caseWith(
      `dataset: ${CSV_DATASET}\nmodel: { path: ${JSON.stringify(two)} }\n`,
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/candidate model \S*two-inputs\.onnx: the model has 2 inputs/);
  });

  it('a layout from the config that contradicts the model names model.input.layout', async () => {
    const dir = await caseWith(
      config(CSV_DATASET).replace('model: {', 'model: { input: { layout: NHWC },'),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/read as NHWC \(model\.input\.layout\) has \d+ channels/);
  });
  it('mean on a uint8 model names model.input.mean (it named scale, mean and std alike)', async () => {
    const uint8 = path.join(FIXTURES, 'models/nhwc-uint8.onnx');
    const dir = await caseWith(
      `dataset: ${CSV_DATASET}\nmodel:\n  path: ${JSON.stringify(uint8)}\n  input: { mean: 0.5 }\n`,
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('model.input.mean: input');
  });
  it('NaN scores name the model file (they named the role alone)', async () => {
    const nan = path.join(FIXTURES, 'models/nan.onnx');
    const dir = await caseWith(
      `dataset: ${CSV_DATASET}\nmodel: { path: ${JSON.stringify(nan)} }\n`,
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('candidate model nan.onnx produced NaN or infinite scores');
  });
});

describe('metadata columns the config names must exist', () => {
  it('an unknown column in slices.columns or slices.crossings names the key and its line', async () => {
    const config = (slices: string) =>
      [
        'dataset: { root: data, manifest: data/manifest.csv, classes: data/classes.txt }',
        `model: { path: ${JSON.stringify(COLOUR_MODEL)} }`,
        'slices:',
        slices,
        '',
      ].join('\n');
    const columns = await run(await caseWith(config('  columns: [camera, lighting]')));
    expect(columns.code).toBe(2);
    expect(columns.stderr).toContain(
      'visiongate.yml:4: slices.columns[1]: no metadata column "lighting"',
    );
    const crossings = await run(
      await caseWith(config('  crossings:\n    - [camera, time]\n    - [time, site]')),
    );
    expect(crossings.code).toBe(2);
    expect(crossings.stderr).toContain(
      'visiongate.yml:6: slices.crossings[1][1]: no metadata column "site"',
    );
  });

  it('an unknown column in discovery.columns is refused, naming the key and its line', async () => {
    const dir = await caseWith(
      [
        'dataset: { root: data, manifest: data/manifest.csv, classes: data/classes.txt }',
        `model: { path: ${JSON.stringify(COLOUR_MODEL)} }`,
        'discovery:',
        '  columns: [time, lighting]',
        '',
      ].join('\n'),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'visiongate.yml:4: discovery.columns[1]: no metadata column "lighting"',
    );
  });

  it('an unknown column in data.bias.attributes is refused (its gap gate passed with 0)', async () => {
    const dir = await caseWith(
      [
        'dataset: { root: data, manifest: data/manifest.csv, classes: data/classes.txt }',
        `model: { path: ${JSON.stringify(COLOUR_MODEL)} }`,
        'data:',
        '  bias: { attributes: [camera, skin_tone] }',
        '  gates: { maxBiasGap: 0.01 }',
        '',
      ].join('\n'),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'visiongate.yml:4: data.bias.attributes[1]: no metadata column "skin_tone"',
    );
  });
});

describe('report.md', () => {
  it('holds no raw C1 control (CSI U+009B, NEL U+0085) or Arabic letter mark from the data', async () => {
    const dir = await caseWith(config(CSV_DATASET, 'slices: { columns: [camera] }'), (d) =>
      writeFile(
        path.join(d, 'data/manifest.csv'),
        manifest(
          ...['red', 'green', 'blue', 'dark'].flatMap((c) =>
            [0, 1, 2, 3].map(
              (i) =>
                `${c}-${i},images/${c}-${i}.png,${c},${i % 2 ? 'x\u009b[2Jy\u0085z' : '\u061ca'},day`,
            ),
          ),
        ),
      ),
    );
    const r = await run(dir, '--fail-on', 'never');
    expect(r.code).toBe(0);
    const md = await readFile(path.join(dir, 'out/report.md'), 'utf8');
    expect(md).toContain('x \\[2Jy z');
    expect(md).not.toMatch(/[\u0080-\u009f\u061c]/);
  });
});
