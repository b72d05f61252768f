/**
 * The data suite on a detection run: a small COCO dataset made here from the detection example's
 * images, with planted problems (a duplicate box, a degenerate box, a box 1 px past the border,
 * tiny objects, a near-duplicate image: one image re-encoded, and an image leaked from a
 * training manifest of paths). `visiongate run` with the example's detector must find each of
 * them, name the image and object, and find nothing else.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/detection');

interface BoxesFinding {
  status: 'ran';
  imageCount: number;
  objectCount: number;
  degenerateCount: number;
  outOfBoundsCount: number;
  duplicateCount: number;
  tinyCount: number;
  tinyShare: number;
  classes: { class: string; objects: number; images: number }[];
  degenerate: { id: string; path: string; object: number; box: number[] }[];
  outOfBounds: { id: string; path: string; object: number; box: number[] }[];
  duplicates: { id: string; objects: number[]; iou: number }[];
}
interface DataSection {
  checks: {
    boxes: BoxesFinding;
    duplicates: { status: string; groupCount: number; groups: { ids: string[]; exact: boolean }[] };
    labelIssues: { status: string; reason?: string };
    bias: { status: string; reason?: string };
    imageProperties: { status: string; unreadableCount: number };
    leakage: {
      status: string;
      leakedCount: number;
      evalCount: number;
      trainCount: number;
      examples: { id: string; exact: boolean; trainIds: string[]; labelMismatch: boolean }[];
    };
  };
  gateResults: { gate: string; level: string; value: number }[];
}

/**
 * [x, y, w, h] COCO boxes per image file; every image is 160×118. The pictures are all bright,
 * textured scenes, so that none is an image-property outlier among so few (a plain background's
 * contrast is).
 */
const IMAGES: { file: string; from: string; boxes: { cat: number; bbox: number[] }[] }[] = [
  // Two annotations of one bag (IoU 30·30 / (30·30.5) ≈ 0.984).
  {
    file: 'dup-box.jpg',
    from: 'scene0000.jpg',
    boxes: [
      { cat: 5, bbox: [10, 10, 30, 30] },
      { cat: 5, bbox: [10, 10, 30, 30.5] },
    ],
  },
  // Zero width.
  {
    file: 'degenerate.jpg',
    from: 'scene0002.jpg',
    boxes: [
      { cat: 1, bbox: [20, 20, 40, 40] },
      { cat: 3, bbox: [80, 30, 0, 25] },
    ],
  },
  // Right edge at 161 in a 160-pixel-wide image (inside the readers' 1-pixel tolerance).
  { file: 'border.jpg', from: 'scene0003.jpg', boxes: [{ cat: 9, bbox: [121, 40, 40, 30] }] },
  // Two tiny objects (10×10 < 16²).
  {
    file: 'tiny.jpg',
    from: 'scene0009.jpg',
    boxes: [
      { cat: 1, bbox: [5, 5, 10, 10] },
      { cat: 3, bbox: [100, 80, 10, 10] },
      { cat: 9, bbox: [40, 30, 50, 50] },
    ],
  },
  { file: 'original.jpg', from: 'scene0008.jpg', boxes: [{ cat: 1, bbox: [30, 20, 50, 60] }] },
  // The same picture re-encoded (written below): a near duplicate, not byte-identical.
  { file: 'reencoded.jpg', from: 'scene0008.jpg', boxes: [{ cat: 1, bbox: [30, 20, 50, 60] }] },
  { file: 'other-a.jpg', from: 'scene0011.jpg', boxes: [{ cat: 3, bbox: [60, 10, 40, 90] }] },
  { file: 'other-b.jpg', from: 'scene0014.jpg', boxes: [{ cat: 9, bbox: [20, 50, 60, 40] }] },
];

let dir: string;
let data: DataSection;
let code: number;
let markdown: string;
let html: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vg-data-detect-'));
  await mkdir(path.join(dir, 'images'));
  for (const im of IMAGES) {
    const src = path.join(EXAMPLE, 'data/images', im.from);
    const dst = path.join(dir, 'images', im.file);
    if (im.file === 'reencoded.jpg') await sharp(src).jpeg({ quality: 70 }).toFile(dst);
    else await copyFile(src, dst);
  }
  let annId = 0;
  const coco = {
    images: IMAGES.map((im, i) => ({ id: i + 1, file_name: im.file, width: 160, height: 118 })),
    annotations: IMAGES.flatMap((im, i) =>
      im.boxes.map((b) => ({
        id: ++annId,
        image_id: i + 1,
        category_id: b.cat,
        bbox: b.bbox,
        area: b.bbox[2]! * b.bbox[3]!,
        iscrowd: 0,
      })),
    ),
    categories: [
      { id: 1, name: 't-shirt' },
      { id: 3, name: 'trouser' },
      { id: 5, name: 'bag' },
      { id: 9, name: 'ankle-boot' },
    ],
  };
  await writeFile(path.join(dir, 'annotations.json'), JSON.stringify(coco));
  // A training set listed by path only (detection images have no single label): one copy of an
  // evaluation image, and one image that is not in the evaluation set.
  await mkdir(path.join(dir, 'train'));
  await copyFile(
    path.join(EXAMPLE, 'data/images/scene0011.jpg'),
    path.join(dir, 'train/leaked.jpg'),
  );
  await copyFile(
    path.join(EXAMPLE, 'data/images/scene0020.jpg'),
    path.join(dir, 'train/other.jpg'),
  );
  await writeFile(path.join(dir, 'train/train.csv'), 'path\nleaked.jpg\nother.jpg\n');
  await writeFile(
    path.join(dir, 'visiongate.yml'),
    [
      'dataset: { format: coco, root: images, annotations: annotations.json }',
      'model:',
      `  path: ${path.join(EXAMPLE, 'models/candidate-yolo.onnx')}`,
      '  input: { resize: { mode: letterbox, library: opencv } }',
      'statistics: { resamples: 20 }',
      'data:',
      '  trainManifest: train/train.csv',
      '  gates: { maxDuplicateBoxes: 0 }',
      '',
    ].join('\n'),
  );
  ({ code } = await cli([
    'run',
    '--config',
    path.join(dir, 'visiongate.yml'),
    '--out',
    path.join(dir, 'out'),
    '--quiet',
  ]));
  const report = JSON.parse(await readFile(path.join(dir, 'out/report.json'), 'utf8')) as {
    suites: { data: DataSection };
  };
  data = report.suites.data;
  markdown = await readFile(path.join(dir, 'out/report.md'), 'utf8');
  html = await readFile(path.join(dir, 'out/report.html'), 'utf8');
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the data suite on a COCO dataset with planted problems', () => {
  it('fails on the duplicate box (maxDuplicateBoxes: 0) and the leaked image, exit 1', () => {
    expect(code).toBe(1);
    const failing = data.gateResults.filter((g) => g.level !== 'pass');
    expect(failing.map((g) => [g.gate, g.level, g.value]).sort()).toEqual(
      [
        ['maxDegenerateBoxes', 'warn', 1],
        ['maxOutOfBoundsBoxes', 'warn', 1],
        ['maxDuplicateBoxes', 'fail', 1],
        ['maxDuplicateGroups', 'warn', 1],
        ['maxLeakageRate', 'fail', 1 / 8],
      ].sort(),
    );
  });

  it('names the degenerate box, the box past the border and the duplicate pair', () => {
    const b = data.checks.boxes;
    expect(b.status).toBe('ran');
    expect(b.imageCount).toBe(8);
    expect(b.objectCount).toBe(12);
    expect(b.degenerate.map((d) => [d.path, d.object, d.box])).toEqual([
      ['degenerate.jpg', 1, [80, 30, 80, 55]],
    ]);
    expect(b.outOfBounds.map((d) => [d.path, d.object, d.box])).toEqual([
      ['border.jpg', 0, [121, 40, 161, 70]],
    ]);
    expect(b.duplicates).toHaveLength(1);
    expect(b.duplicates[0]!.objects).toEqual([0, 1]);
    // 900 / 915 by hand.
    expect(b.duplicates[0]!.iou).toBeCloseTo(900 / 915, 12);
  });

  it('counts tiny objects and objects per class', () => {
    const b = data.checks.boxes;
    // The two 10×10 objects and the zero-width one (area 0), of 12 counted objects.
    expect(b.tinyCount).toBe(3);
    expect(b.tinyShare).toBeCloseTo(3 / 12, 12);
    expect(b.classes).toEqual([
      { class: 't-shirt', objects: 4, images: 4, share: 4 / 12 },
      { class: 'trouser', objects: 3, images: 3, share: 3 / 12 },
      { class: 'bag', objects: 2, images: 1, share: 2 / 12 },
      { class: 'ankle-boot', objects: 3, images: 3, share: 3 / 12 },
    ]);
  });

  it('finds the re-encoded image as the one near-duplicate group', () => {
    const d = data.checks.duplicates;
    expect(d.status).toBe('ran');
    expect(d.groupCount).toBe(1);
    expect(d.groups[0]!.ids.sort()).toEqual(['5', '6']);
    expect(d.groups[0]!.exact).toBe(false);
    expect(data.checks.imageProperties.unreadableCount).toBe(0);
  });

  it('finds the evaluation image that is in the training manifest', () => {
    const l = data.checks.leakage;
    expect(l.status).toBe('ran');
    expect([l.leakedCount, l.evalCount, l.trainCount]).toEqual([1, 8, 2]);
    // other-a.jpg is image id 7; the training image's id is its path.
    expect(l.examples).toEqual([
      expect.objectContaining({
        id: '7',
        exact: true,
        trainIds: ['leaked.jpg'],
        labelMismatch: false,
      }),
    ]);
  });

  it('skips the checks that need one class per image, saying why', () => {
    expect(data.checks.labelIssues.status).toBe('skipped');
    expect(data.checks.labelIssues.reason).toMatch(/one class per example/);
  });

  it('shows the findings in report.md and report.html', () => {
    expect(markdown).toMatch(
      /\| Boxes \| 12 objects in 8 images: 1 degenerate, 1 past the border, 1 duplicate pairs/,
    );
    expect(markdown).toContain('degenerate.jpg');
    expect(html).toContain('<h3>Boxes: 1 degenerate, 1 past the border, 1 duplicate pair(s)</h3>');
    // The problem boxes are drawn over their images.
    expect(html).toMatch(/<rect class="box missed"/);
  });
});
