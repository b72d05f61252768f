/** COCO, YOLO and VOC readers on small datasets written to a temporary folder. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCocoDataset } from '../../src/dataset/detection/coco.js';
import { joinImageMetadata } from '../../src/dataset/detection/metadata.js';
import { areaBucket } from '../../src/tables/detections.js';
import { readVocDataset } from '../../src/dataset/detection/voc.js';
import { readYoloDataset } from '../../src/dataset/detection/yolo.js';
import { parseCsvManifest } from '../../src/dataset/manifest.js';
import { isUserError } from '../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vg-det-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function png(file: string, width: number, height: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .png()
    .toFile(file);
}

async function expectUserError(p: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await p;
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    return;
  }
  expect.unreachable('no error');
}

const coco = () => ({
  images: [
    { id: 7, file_name: 'b.png', width: 100, height: 80, lighting: 'dim' },
    { id: 3, file_name: 'a.png', width: 100, height: 80, lighting: 'bright', site: 2 },
  ],
  annotations: [
    { id: 1, image_id: 7, category_id: 90, bbox: [10, 10, 20, 30], area: 400, iscrowd: 0 },
    { id: 2, image_id: 3, category_id: 1, bbox: [0, 0, 100, 80], iscrowd: 1 },
    { id: 3, image_id: 7, category_id: 1, bbox: [50.5, 20, 10, 10] },
  ],
  categories: [
    { id: 90, name: 'toothbrush' },
    { id: 1, name: 'person' },
  ],
});

describe('COCO reader', () => {
  it('orders classes by category id and images by id; keeps area, crowd and metadata', async () => {
    const root = path.join(dir, 'coco');
    await png(path.join(root, 'a.png'), 100, 80);
    await png(path.join(root, 'b.png'), 100, 80);
    await writeFile(path.join(root, 'ann.json'), JSON.stringify(coco()));
    const ds = await readCocoDataset(path.join(root, 'ann.json'));
    expect(ds.classes).toEqual(['person', 'toothbrush']);
    expect(ds.categoryIds).toEqual([1, 90]);
    expect(ds.images.ids).toEqual(['3', '7']);
    expect(ds.images.paths).toEqual(['a.png', 'b.png']);
    expect(ds.images.metadataOf(0)).toEqual({ lighting: 'bright', site: '2' });
    expect(ds.images.metadataOf(1)).toEqual({ lighting: 'dim' });
    expect(Array.from(ds.gt.offsets)).toEqual([0, 1, 3]);
    expect(Array.from(ds.gt.classes)).toEqual([0, 1, 0]);
    expect(Array.from(ds.gt.boxes)).toEqual([0, 0, 100, 80, 10, 10, 30, 40, 50.5, 20, 60.5, 30]);
    // The annotation's area (a segment's) when given, else w·h.
    expect(Array.from(ds.gt.areas)).toEqual([8000, 400, 100]);
    expect(Array.from(ds.gt.iscrowd)).toEqual([1, 0, 0]);
    expect(Array.from(ds.widths)).toEqual([100, 100]);
  });

  const bad: [string, (j: ReturnType<typeof coco>) => void, RegExp][] = [
    [
      'an unknown category',
      (j) => (j.annotations[0]!.category_id = 5),
      /ann\.json: annotations\[0\] \(id 1\): category_id 5 is not in categories \(1, 90\)/,
    ],
    [
      'a missing image',
      (j) => (j.annotations[2]!.image_id = 99),
      /annotations\[2\] \(id 3\): image_id 99 is not in images/,
    ],
    [
      'a negative size',
      (j) => (j.annotations[0]!.bbox = [10, 10, -5, 30]),
      /annotations\[0\] \(id 1\): bbox \[10, 10, -5, 30\] has a negative size/,
    ],
    [
      'a box outside the image',
      (j) => (j.annotations[0]!.bbox = [90, 10, 20, 30]),
      /annotations\[0\] \(id 1\): bbox \[90, 10, 20, 30\] lies outside the 100x80 image/,
    ],
    [
      'a duplicate image id',
      (j) => (j.images[1]!.id = 7),
      /images\[1\] \(id 7\): the id is used twice/,
    ],
  ];
  for (const [what, edit, message] of bad) {
    it(`names the file and entry of ${what}`, async () => {
      const root = path.join(dir, 'coco');
      const j = coco();
      edit(j);
      await writeFile(path.join(root, 'bad.json'), JSON.stringify(j));
      await expectUserError(readCocoDataset(path.join(root, 'bad.json'), {}, 'ann.json'), message);
    });
  }

  it('names an image whose file is missing', async () => {
    const root = path.join(dir, 'coco-missing');
    await mkdir(root, { recursive: true });
    await png(path.join(root, 'a.png'), 100, 80);
    await writeFile(path.join(root, 'ann.json'), JSON.stringify(coco()));
    await expectUserError(
      readCocoDataset(path.join(root, 'ann.json')),
      /image id 7: file_name b\.png not found/,
    );
  });

  it('joins a manifest by file name', async () => {
    const root = path.join(dir, 'coco');
    await writeFile(path.join(root, 'ann.json'), JSON.stringify(coco()));
    const ds = await readCocoDataset(path.join(root, 'ann.json'));
    const rows = parseCsvManifest('file_name,camera,lighting\nb.png,phone,dim\n', 'meta.csv');
    const joined = joinImageMetadata(ds, rows, 'meta.csv');
    expect(joined.images.metadata.map((m) => m.name)).toEqual(['lighting', 'site', 'camera']);
    expect(joined.images.metadataOf(1)).toEqual({ lighting: 'dim', camera: 'phone' });
    expect(joined.images.metadataOf(0)).toEqual({ lighting: 'bright', site: '2' });
    expect(() =>
      joinImageMetadata(ds, parseCsvManifest('file_name,x\nzz.png,1\n', 'meta.csv'), 'meta.csv'),
    ).toThrow(/meta\.csv:2: zz\.png is not an image of the dataset/);
  });
});

describe('YOLO reader (Ultralytics layout)', () => {
  it('reads normalised boxes and polygons in pixels, background images without labels', async () => {
    const root = path.join(dir, 'yolo');
    await png(path.join(root, 'images/val/one.png'), 200, 100);
    await png(path.join(root, 'images/val/two.png'), 50, 50);
    await mkdir(path.join(root, 'labels/val'), { recursive: true });
    await writeFile(
      path.join(root, 'labels/val/one.txt'),
      '1 0.5 0.5 0.2 0.4\n0 0.1 0.1 0.3 0.1 0.3 0.2\n',
    );
    await writeFile(
      path.join(root, 'data.yaml'),
      'path: .\ntrain: images/train\nval: images/val\nnames:\n  0: cat\n  1: dog\n',
    );
    const ds = await readYoloDataset(path.join(root, 'data.yaml'));
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect(ds.images.ids).toEqual(['images/val/one.png', 'images/val/two.png']);
    expect(Array.from(ds.gt.offsets)).toEqual([0, 2, 2]);
    expect(Array.from(ds.gt.boxes)).toEqual([80, 30, 120, 70, 20, 10, 60, 20]);
    expect(Array.from(ds.gt.areas)).toEqual([1600, 400]);
  });

  it('names the label file and line of a bad class or an unnormalised box', async () => {
    const root = path.join(dir, 'yolo');
    await writeFile(
      path.join(root, 'labels/val/two.txt'),
      '0 0.5 0.5 0.1 0.1\n2 0.5 0.5 0.1 0.1\n',
    );
    await expectUserError(
      readYoloDataset(path.join(root, 'data.yaml')),
      /labels\/val\/two\.txt:2: class 2 is not one of the 2 names in data\.yaml/,
    );
    await writeFile(path.join(root, 'labels/val/two.txt'), '0 25 25 10 10\n');
    await expectUserError(
      readYoloDataset(path.join(root, 'data.yaml')),
      /labels\/val\/two\.txt:1: the box lies outside the image/,
    );
    await rm(path.join(root, 'labels/val/two.txt'));
  });
});

describe('Pascal VOC reader', () => {
  const xml = (objects: string) =>
    `<annotation><filename>x.jpg</filename><size><width>100</width><height>50</height><depth>3</depth></size>${objects}</annotation>`;
  const object = (name: string, b: number[], difficult = 0) =>
    `<object><name>${name}</name><difficult>${difficult}</difficult><bndbox><xmin>${b[0]}</xmin><ymin>${b[1]}</ymin><xmax>${b[2]}</xmax><ymax>${b[3]}</ymax></bndbox></object>`;

  it('converts 1-based boxes and keeps difficult objects as ignored', async () => {
    const root = path.join(dir, 'voc');
    await mkdir(path.join(root, 'Annotations'), { recursive: true });
    await writeFile(
      path.join(root, 'Annotations/000001.xml'),
      xml(object('dog', [1, 1, 50, 20]) + object('cat', [10, 10, 30, 40], 1)),
    );
    const ds = await readVocDataset(root);
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect(ds.images.paths).toEqual(['JPEGImages/x.jpg']);
    expect(Array.from(ds.gt.boxes)).toEqual([0, 0, 50, 20, 9, 9, 30, 40]);
    expect(Array.from(ds.gt.classes)).toEqual([1, 0]);
    expect(Array.from(ds.gt.ignore)).toEqual([0, 1]);
  });

  it('names the file and object of a bad box or an unknown class', async () => {
    const root = path.join(dir, 'voc');
    await writeFile(
      path.join(root, 'Annotations/000002.xml'),
      xml(object('cat', [60, 10, 20, 30])),
    );
    await expectUserError(
      readVocDataset(root),
      /Annotations\/000002\.xml: object 1 \(cat\): bndbox \(60, 10, 20, 30\) has a negative size/,
    );
    await writeFile(path.join(root, 'Annotations/000002.xml'), xml(object('bird', [1, 1, 20, 30])));
    await expectUserError(
      readVocDataset(root, { classes: ['cat', 'dog'] }),
      /Annotations\/000002\.xml: object 1 \(bird\): class "bird" is not one of cat, dog/,
    );
  });
});

describe('area buckets', () => {
  it('follows COCO: small < 32², medium < 96², large otherwise', () => {
    expect([1023, 1024, 9215, 9216].map(areaBucket)).toEqual([
      'small',
      'medium',
      'medium',
      'large',
    ]);
  });
});
