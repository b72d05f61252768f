/**
 * report.html draws detection boxes over thumbnails, so each thumbnail must be in the frame the
 * boxes are in: the frame the candidate's loader decoded (EXIF orientation applied or not, as
 * `model.input` says). A JPEG stored sideways with EXIF orientation 6 (display turned 90°
 * clockwise), made here with real sharp, has a white block at a known place; a box placed in
 * either frame's pixels must land on white in that frame's thumbnail.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import {
  detectionBoxes,
  sizedThumbnailOf,
  thumbnailsUpright,
} from '../../src/engine/html-report.js';
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

  it('are as stored when the candidate decodes without EXIF, with boxes in stored pixels', async () => {
    const t = (await sizedThumbnailOf(path.join(tmp, 'sideways.jpg'), false))!;
    expect({ width: t.width, height: t.height }).toEqual({ width: H, height: W });
    expect({ width: t.thumbnail.width, height: t.thumbnail.height }).toEqual({
      width: 48,
      height: 96,
    });
    // Turned 90° counter-clockwise, upright (x, y) is stored (y, W − x): the block's box.
    const stored = [BLOCK[1]!, W - BLOCK[2]!, BLOCK[3]!, W - BLOCK[0]!];
    const report = {
      examples: {
        newlyFailing: [
          {
            id: 'a',
            path: 'sideways.jpg',
            metadata: {},
            newlyMissed: [{ class: 'block', box: stored }],
            newFalsePositives: [],
          },
        ],
      },
      pinned: [],
    } as unknown as Report;
    const [box] = detectionBoxes(report, new Map([['a', t]])).examples.get('a')!;
    const webp = Buffer.from(t.thumbnail.src.replace(/^data:image\/webp;base64,/, ''), 'base64');
    const { data, info } = await sharp(webp).raw().toBuffer({ resolveWithObject: true });
    const at = (fx: number, fy: number) =>
      data[
        info.channels * (Math.floor(fy * info.height) * info.width + Math.floor(fx * info.width))
      ]!;
    expect(at(box!.x + box!.w / 2, box!.y + box!.h / 2)).toBeGreaterThan(200);
    expect(at(box!.x + 0.1 * box!.w, box!.y + 0.1 * box!.h)).toBeGreaterThan(200);
    expect(at(box!.x + 0.9 * box!.w, box!.y + 0.9 * box!.h)).toBeGreaterThan(200);
    expect(at(box!.x + box!.w / 2, box!.y - 0.2)).toBeLessThan(50);
    expect(at(0.9, 0.05)).toBeLessThan(50);
  });

  it('follow the candidate’s loader for detection (EXIF as model.input says), upright otherwise', () => {
    const detection = {
      task: 'detection',
      models: { candidate: { input: { width: 640, height: 640 } } },
    } as unknown as Report;
    const classification = {
      models: { candidate: { input: { width: 28, height: 28 } } },
    } as unknown as Report;
    const input = (resize: object, exif?: boolean) =>
      ({ resize, ...(exif === undefined ? {} : { exif }) }) as unknown as Config['model']['input'];
    // cv2.imread applies EXIF; PIL's open and torchvision's decode_image do not.
    expect(thumbnailsUpright(detection, input({ mode: 'letterbox', library: 'opencv' }))).toBe(
      true,
    );
    expect(thumbnailsUpright(detection, input({ mode: 'stretch', library: 'pillow' }))).toBe(false);
    expect(thumbnailsUpright(detection, input({ mode: 'stretch', library: 'pillow' }, true))).toBe(
      true,
    );
    expect(
      thumbnailsUpright(detection, input({ mode: 'letterbox', library: 'opencv' }, false)),
    ).toBe(false);
    expect(thumbnailsUpright(classification, input({ mode: 'stretch', library: 'pillow' }))).toBe(
      true,
    );
  });
});
