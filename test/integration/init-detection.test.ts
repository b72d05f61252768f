/**
 * `visiongate init` on detection datasets: the bundled example's COCO file and detectors, and a
 * YOLO (Ultralytics data.yaml) and a Pascal VOC dataset made here from the example's images and
 * boxes. Each written config must run as written (exit 0 or 1, never 2) and read the dataset
 * with the keys a person would write.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cli } from '../support/cli.js';
import { metadataEntry } from '../support/onnx.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/detection');
const MODEL = path.join(EXAMPLE, 'models/candidate-yolo.onnx');

interface Coco {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: { image_id: number; category_id: number; bbox: number[] }[];
  categories: { id: number; name: string }[];
}

let tmp: string;
let coco: Coco;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-init-detect-'));
  coco = JSON.parse(await readFile(path.join(EXAMPLE, 'data/annotations.json'), 'utf8')) as Coco;
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The first `n` example images with their boxes, classes as indices in category-id order. */
function firstImages(n: number) {
  const cats = coco.categories.map((c) => c.id).sort((a, b) => a - b);
  return coco.images.slice(0, n).map((im) => ({
    ...im,
    objects: coco.annotations
      .filter((a) => a.image_id === im.id)
      .map((a) => ({ cls: cats.indexOf(a.category_id), bbox: a.bbox })),
  }));
}
const classNames = () => [...coco.categories].sort((a, b) => a.id - b.id).map((c) => c.name);

/** A Pascal VOC folder `dir`/VOC of the first 6 example images, with a val split list. */
async function makeVoc(dir: string): Promise<string> {
  const voc = path.join(dir, 'VOC');
  const images = firstImages(6);
  for (const sub of ['Annotations', 'JPEGImages', 'ImageSets/Main'])
    await mkdir(path.join(voc, sub), { recursive: true });
  const names = classNames();
  for (const im of images) {
    await copyFile(
      path.join(EXAMPLE, 'data/images', im.file_name),
      path.join(voc, 'JPEGImages', im.file_name),
    );
    // VOC corners are 1-based pixel indices: xmin = x + 1, xmax = x + w.
    const objects = im.objects.map(
      ({ cls, bbox: [x, y, w, h] }) =>
        `<object><name>${names[cls]}</name><difficult>0</difficult><bndbox><xmin>${x! + 1}</xmin><ymin>${y! + 1}</ymin><xmax>${x! + w!}</xmax><ymax>${y! + h!}</ymax></bndbox></object>`,
    );
    await writeFile(
      path.join(voc, 'Annotations', im.file_name.replace(/\.jpg$/, '.xml')),
      `<annotation><filename>${im.file_name}</filename><size><width>${im.width}</width><height>${im.height}</height><depth>3</depth></size>${objects.join('')}</annotation>`,
    );
  }
  await writeFile(
    path.join(voc, 'ImageSets/Main/val.txt'),
    images.map((im) => im.file_name.replace(/\.jpg$/, '')).join('\n') + '\n',
  );
  return voc;
}

async function initAndRun(dir: string, args: string[]) {
  const config = path.join(dir, 'visiongate.yml');
  const init = await cli(['init', ...args, '-c', config]);
  expect(init.code, init.stderr).toBe(0);
  const text = await readFile(config, 'utf8');
  const out = path.join(dir, 'out');
  const run = await cli(['run', '-c', config, '-o', out, '--quiet']);
  expect([0, 1], run.stderr).toContain(run.code);
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as {
    task: string;
    dataset: { format: string; examples: number; classes: string[] };
    overall: { candidate: Record<string, number | null> };
    suites: {
      robustness?: {
        metric?: string;
        sampleSize: number;
        candidate: { mPC?: number | null };
        baseline?: { mPC?: number | null };
      };
    };
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the config as read back, probed by key
  return { init, text, yaml: parseYaml(text) as Record<string, any>, report };
}

describe('visiongate init on detection datasets, then run as written', () => {
  it('the example: COCO JSON, a YOLOv8 head and a baseline → letterbox, mAP gates, data checks', async () => {
    const { yaml, report, init } = await initAndRun(tmp, [
      '--dataset',
      path.join(EXAMPLE, 'data/annotations.json'),
      '--model',
      MODEL,
      '--baseline',
      path.join(EXAMPLE, 'models/baseline-yolo.onnx'),
    ]);
    expect(yaml.dataset).toEqual({
      format: 'coco',
      root: path.relative(tmp, path.join(EXAMPLE, 'data/images')),
      annotations: path.relative(tmp, path.join(EXAMPLE, 'data/annotations.json')),
    });
    expect(yaml.model.input.resize).toEqual({ mode: 'letterbox', library: 'opencv' });
    expect(yaml.gates[0]).toEqual({ metric: 'map', maxDrop: 0.02 });
    expect(yaml.data).toEqual({ enabled: true });
    // A light robustness block that runs as written: 50 sampled images, scored by mAP.
    expect(yaml.robustness).toEqual({ corruptions: 'benchmark', severities: [3], sample: 50 });
    expect(report.suites.robustness?.metric).toBe('map');
    expect(report.suites.robustness?.sampleSize).toBe(50);
    expect(report.suites.robustness?.candidate.mPC).toBeGreaterThan(0);
    expect(report.suites.robustness?.baseline?.mPC).toBeGreaterThan(0);
    expect(init.stderr).toContain('outputs read as yolo-v8');
    expect(report.task).toBe('detection');
    expect(report.dataset.examples).toBe(320);
    // models/metrics.json: what pycocotools gives for the candidate on the same files.
    const ref = JSON.parse(await readFile(path.join(EXAMPLE, 'models/metrics.json'), 'utf8')) as {
      models: Record<string, { stats: number[] }>;
    };
    expect(report.overall.candidate.map).toBeCloseTo(ref.models.candidate!.stats[0]!, 4);
  }, 600_000);

  it('a YOLO data.yaml folder (Ultralytics layout)', async () => {
    const dir = path.join(tmp, 'yolo');
    const images = firstImages(8);
    await mkdir(path.join(dir, 'data/images/val'), { recursive: true });
    await mkdir(path.join(dir, 'data/labels/val'), { recursive: true });
    for (const im of images) {
      await copyFile(
        path.join(EXAMPLE, 'data/images', im.file_name),
        path.join(dir, 'data/images/val', im.file_name),
      );
      const lines = im.objects.map(({ cls, bbox: [x, y, w, h] }) =>
        [
          cls,
          (x! + w! / 2) / im.width,
          (y! + h! / 2) / im.height,
          w! / im.width,
          h! / im.height,
        ].join(' '),
      );
      await writeFile(
        path.join(dir, 'data/labels/val', im.file_name.replace(/\.jpg$/, '.txt')),
        lines.join('\n') + '\n',
      );
    }
    await writeFile(
      path.join(dir, 'data/data.yaml'),
      `path: .\ntrain: images/train\nval: images/val\nnames: [${classNames().join(', ')}]\n`,
    );
    const { yaml, report } = await initAndRun(dir, ['--model', MODEL]);
    // The data.yaml is the reader's default (root/data.yaml) and val its default split.
    expect(yaml.dataset).toEqual({ format: 'yolo', root: 'data' });
    expect(yaml.model.input.resize).toEqual({ mode: 'letterbox', library: 'opencv' });
    expect(report.dataset.format).toBe('yolo');
    expect(report.dataset.examples).toBe(8);
    expect(report.dataset.classes).toEqual(classNames());
  }, 300_000);

  it('a Pascal VOC folder, with a CHECK on the class order', async () => {
    const dir = path.join(tmp, 'voc');
    const voc = await makeVoc(dir);
    const { yaml, text, report, init } = await initAndRun(dir, [
      '--dataset',
      voc,
      '--model',
      MODEL,
    ]);
    expect(yaml.dataset).toEqual({
      format: 'voc',
      root: 'VOC',
      split: 'val',
      classes: [...classNames()].sort(),
    });
    expect(text).toContain('CHECK: class indices in model output order');
    expect(init.stderr).toContain('Pascal VOC names no class order');
    expect(report.dataset.format).toBe('voc');
    expect(report.dataset.examples).toBe(6);
  }, 300_000);

  it("VOC: the model's Ultralytics names give the class order, without CHECK", async () => {
    const dir = path.join(tmp, 'voc-names');
    await mkdir(dir, { recursive: true });
    // The example's order (t-shirt, trouser, bag, ankle-boot) as Ultralytics writes it.
    const names = `{${classNames()
      .map((n, i) => `${i}: '${n}'`)
      .join(', ')}}`;
    const model = path.join(dir, 'named.onnx');
    await writeFile(model, Buffer.concat([await readFile(MODEL), metadataEntry('names', names)]));
    const { yaml, text } = await initAndRun(dir, [
      '--dataset',
      await makeVoc(dir),
      '--model',
      model,
    ]);
    expect(yaml.dataset.classes).toEqual(classNames());
    expect(text).toContain('Class names in model output order, from ONNX metadata "names".');
    expect(text).not.toContain('CHECK: class');
  }, 300_000);

  it('COCO: a model whose names disagree with the categories is warned about', async () => {
    const dir = path.join(tmp, 'coco-names');
    await mkdir(dir, { recursive: true });
    const model = path.join(dir, 'named.onnx');
    await writeFile(
      model,
      Buffer.concat([
        await readFile(MODEL),
        metadataEntry('names', "{0: 'trouser', 1: 't-shirt', 2: 'bag', 3: 'ankle-boot'}"),
      ]),
    );
    const r = await cli([
      'init',
      '--dataset',
      path.join(EXAMPLE, 'data/annotations.json'),
      '--model',
      model,
      '-c',
      path.join(dir, 'visiongate.yml'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'ONNX metadata "names" lists [trouser, t-shirt, bag, ankle-boot] but the dataset\'s classes are [t-shirt, trouser, bag, ankle-boot]',
    );
  });

  it('a folder with two COCO files asks which one (exit 2)', async () => {
    const dir = path.join(tmp, 'two');
    await mkdir(dir, { recursive: true });
    for (const f of ['a.json', 'b.json'])
      await copyFile(path.join(EXAMPLE, 'data/annotations.json'), path.join(dir, f));
    const r = await cli([
      'init',
      '--dataset',
      dir,
      '--model',
      MODEL,
      '-c',
      path.join(dir, 'v.yml'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds several COCO annotation files');
    expect(r.stderr).toContain('give the one to evaluate with --dataset');
  });

  it('a folder with a data.yaml and a COCO file asks which one (exit 2)', async () => {
    const dir = path.join(tmp, 'mixed');
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(EXAMPLE, 'data/annotations.json'), path.join(dir, 'a.json'));
    await writeFile(path.join(dir, 'data.yaml'), 'path: .\nval: images\nnames: [a]\n');
    const r = await cli([
      'init',
      '--dataset',
      dir,
      '--model',
      MODEL,
      '-c',
      path.join(dir, 'v.yml'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds a YOLO data\.yaml and a COCO file .*a\.json: give the one/);
  });
});
