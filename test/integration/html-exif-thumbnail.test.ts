/**
 * report.html draws detection boxes (pixels of the upright, EXIF-applied image) over thumbnails:
 * the thumbnail must be upright too, and its size the upright size. A JPEG stored sideways with
 * EXIF orientation 6 (display rotated 90° clockwise), made here with real sharp, has a white block
 * at a known place of its upright view; the box placed there must land on white in the thumbnail.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectionBoxes, sizedThumbnailOf } from '../../src/engine/html-report.js';
import type { Report } from '../../src/report/schema.js';

let tmp: string;
/** The upright view: 120 × 60, black, white block x 10..40, y 5..25 (x1, y1, x2, y2). */
const W = 120;
const H = 60;
const BLOCK = [10, 5, 40, 25];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-exif-'));
  const upright = Buffer.alloc(W * H * 3);
  for (let y = BLOCK[1]!; y < BLOCK[3]!; y++)
    for (let x = BLOCK[0]!; x < BLOCK[2]!; x++)
      upright.fill(255, 3 * (y * W + x), 3 * (y * W + x) + 3);
  // Stored turned 90° counter-clockwise; orientation 6 tells viewers to turn it back clockwise.
  const stored = await sharp(upright, { raw: { width: W, height: H, channels: 3 } })
    .rotate(270)
    .raw()
    .toBuffer({ resolveWithObject: true });
  expect([stored.info.width, stored.info.height]).toEqual([H, W]);
  await sharp(stored.data, { raw: { width: H, height: W, channels: 3 } })
    .jpeg({ quality: 100 })
    .withMetadata({ orientation: 6 })
    .toFile(path.join(tmp, 'sideways.jpg'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('report.html thumbnails of EXIF-rotated images', () => {
  it('are upright, sized upright, and a box in upright pixels lands where its object is', async () => {
    const file = path.join(tmp, 'sideways.jpg');
    expect((await sharp(file).metadata()).orientation).toBe(6);
    const t = (await sizedThumbnailOf(file))!;
    expect({ width: t.width, height: t.height }).toEqual({ width: W, height: H });
    expect({ width: t.thumbnail.width, height: t.thumbnail.height }).toEqual({
      width: 96,
      height: 48,
    });
    const report = {
      examples: {
        newlyFailing: [
          {
            id: 'a',
            path: 'sideways.jpg',
            metadata: {},
            newlyMissed: [{ class: 'block', box: BLOCK }],
            newFalsePositives: [],
          },
        ],
      },
      pinned: [],
    } as unknown as Report;
    const [box] = detectionBoxes(report, new Map([['a', t]])).examples.get('a')!;
    // Decode the thumbnail as the page shows it and read pixels inside and outside the box.
    const webp = Buffer.from(t.thumbnail.src.replace(/^data:image\/webp;base64,/, ''), 'base64');
    const { data, info } = await sharp(webp).raw().toBuffer({ resolveWithObject: true });
    const at = (fx: number, fy: number) =>
      data[
        info.channels * (Math.floor(fy * info.height) * info.width + Math.floor(fx * info.width))
      ]!;
    expect(at(box!.x + box!.w / 2, box!.y + box!.h / 2)).toBeGreaterThan(200);
    expect(at(box!.x + 0.1 * box!.w, box!.y + 0.1 * box!.h)).toBeGreaterThan(200);
    expect(at(box!.x + 0.9 * box!.w, box!.y + 0.9 * box!.h)).toBeGreaterThan(200);
    // Outside the block: black (right of it, below it, the opposite corner).
    expect(at(box!.x + box!.w + 0.2, box!.y + box!.h / 2)).toBeLessThan(50);
    expect(at(box!.x + box!.w / 2, box!.y + box!.h + 0.3)).toBeLessThan(50);
    expect(at(0.95, 0.9)).toBeLessThan(50);
  });
});
