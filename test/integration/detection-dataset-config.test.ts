/**
 * A detection dataset from visiongate.yml's keys, through the config parser and the loader:
 * the bundled COCO example, and the same first images written as a YOLO and a VOC dataset
 * (the formats' own conventions: normalised centre boxes; 1-based pixel corners), which must
 * give the same ground truth.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { isDetectionFormat } from '../../src/config/task.js';
import { detectionSpecOf, loadDetectionDataset } from '../../src/dataset/detection/load.js';
import type { DetectionDataset } from '../../src/dataset/detection/types.js';
import { isUserError } from '../../src/errors.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/detection');
const N = 6;

interface Coco {
  images: { id: number; file_name: string; width: number; height: number; lighting: string }[];
  annotations: { image_id: number; category_id: number; bbox: number[] }[];
  categories: { id: number; name: string }[];
}

let dir: string;
let coco: Coco;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vg-det-config-'));
  coco = JSON.parse(await readFile(path.join(EXAMPLE, 'data/annotations.json'), 'utf8')) as Coco;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Parse `yaml` as a config in `dir` and load its dataset. */
async function load(yaml: string): Promise<DetectionDataset> {
  const { config } = parseConfig(yaml, path.join(dir, 'visiongate.yml'));
  expect(config.task).toBe('detection');
  const format = config.dataset.format;
  if (!isDetectionFormat(format)) throw new Error(`not a detection format: ${format}`);
  const classes = Array.isArray(config.dataset.classes) ? config.dataset.classes : undefined;
  return loadDetectionDataset(detectionSpecOf({ ...config.dataset, format }, dir, classes));
}

/** Per image (by file name), the objects as "class x1 y1 x2 y2", sorted. */
function objects(ds: DetectionDataset): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < ds.images.length; i++) {
    const rows: string[] = [];
    for (let r = ds.gt.offsets[i]!; r < ds.gt.offsets[i + 1]!; r++) {
      const b = Array.from(ds.gt.boxes.subarray(4 * r, 4 * r + 4), (v) => v.toFixed(3));
      rows.push(`${ds.classes[ds.gt.classes[r]!]} ${b.join(' ')}`);
    }
    out.set(path.posix.basename(ds.images.paths[i]!), rows.sort());
  }
  return out;
}

describe('detection dataset from the config', () => {
  let fromCoco: DetectionDataset;

  it('coco: the annotation file and the images root, relative to the config file', async () => {
    await writeFile(
      path.join(dir, 'meta.csv'),
      ['file_name,camera', ...coco.images.map((im, i) => `${im.file_name},cam${i % 2}`)].join('\n'),
    );
    const rel = path.relative(dir, EXAMPLE);
    fromCoco = await load(
      [
        'dataset:',
        '  format: coco',
        `  root: ${rel}/data/images`,
        `  annotations: ${rel}/data/annotations.json`,
        '  manifest: meta.csv',
        'model:',
        '  path: m.onnx',
      ].join('\n'),
    );
    expect(fromCoco.images.length).toBe(coco.images.length);
    expect(fromCoco.classes).toEqual(['t-shirt', 'trouser', 'bag', 'ankle-boot']);
    expect(fromCoco.images.metadata.map((m) => m.name)).toEqual([
      'lighting',
      'background',
      'camera',
    ]);
    const c = fromCoco.images.column('camera');
    expect(fromCoco.images.value(c, 1)).toBe('cam1');
  });

  it('yolo and voc versions of the same images give the same objects', async () => {
    const names = coco.categories.map((c) => c.name);
    const catIndex = new Map(coco.categories.map((c, k) => [c.id, k]));
    const images = coco.images.slice(0, N);
    await mkdir(path.join(dir, 'yolo/images/val'), { recursive: true });
    await mkdir(path.join(dir, 'yolo/labels/val'), { recursive: true });
    await mkdir(path.join(dir, 'voc/Annotations'), { recursive: true });
    await mkdir(path.join(dir, 'voc/JPEGImages'), { recursive: true });
    await writeFile(
      path.join(dir, 'yolo/data.yaml'),
      `path: .\nval: images/val\nnames: [${names.join(', ')}]\n`,
    );
    for (const im of images) {
      const src = path.join(EXAMPLE, 'data/images', im.file_name);
      await copyFile(src, path.join(dir, 'yolo/images/val', im.file_name));
      await copyFile(src, path.join(dir, 'voc/JPEGImages', im.file_name));
      const anns = coco.annotations.filter((a) => a.image_id === im.id);
      const stem = im.file_name.replace(/\.jpg$/, '');
      await writeFile(
        path.join(dir, 'yolo/labels/val', `${stem}.txt`),
        anns
          .map(({ category_id, bbox: [x, y, w, h] }) =>
            [
              catIndex.get(category_id),
              (x! + w! / 2) / im.width,
              (y! + h! / 2) / im.height,
              w! / im.width,
              h! / im.height,
            ].join(' '),
          )
          .join('\n'),
      );
      // VOC: 1-based pixel indices, xmax/ymax inclusive (a box [x, x + w) is xmin x + 1, xmax x + w).
      const objectsXml = anns
        .map(
          ({ category_id, bbox: [x, y, w, h] }) =>
            `<object><name>${names[catIndex.get(category_id)!]}</name><difficult>0</difficult><bndbox><xmin>${x! + 1}</xmin><ymin>${y! + 1}</ymin><xmax>${x! + w!}</xmax><ymax>${y! + h!}</ymax></bndbox></object>`,
        )
        .join('');
      await writeFile(
        path.join(dir, 'voc/Annotations', `${stem}.xml`),
        `<annotation><filename>${im.file_name}</filename><size><width>${im.width}</width><height>${im.height}</height><depth>3</depth></size>${objectsXml}</annotation>`,
      );
    }
    const model = 'model:\n  path: m.onnx\n';
    const yolo = await load(`dataset:\n  format: yolo\n  root: yolo\n${model}`);
    const voc = await load(
      `dataset:\n  format: voc\n  root: voc\n  classes: [${names.join(', ')}]\n${model}`,
    );
    const want = objects(fromCoco);
    for (const got of [objects(yolo), objects(voc)]) {
      expect(got.size).toBe(N);
      for (const [file, rows] of got) expect(rows, file).toEqual(want.get(file));
    }
  });

  it('a missing annotation file is a clear error naming it', async () => {
    const error = await load(
      'dataset:\n  format: coco\n  root: .\n  annotations: nope.json\nmodel:\n  path: m.onnx\n',
    ).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/nope\.json/);
  });
});
