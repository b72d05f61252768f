/** Letterbox / stretch placement and the way back, worked by hand from Ultralytics' rules. */
import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../src/image/geometry.js';
import {
  boxesToOriginal,
  letterboxPlacement,
  placementOf,
  stretchPlacement,
} from '../../src/model/detection/geometry.js';

describe('letterbox placement (Ultralytics LetterBox)', () => {
  it('160×118 into 96×96: r = 0.6, 96×71 inside, 12 rows above and 13 below', () => {
    expect(letterboxPlacement(160, 118, 96, 96)).toEqual({
      originalWidth: 160,
      originalHeight: 118,
      scaleX: 0.6,
      scaleY: 0.6,
      left: 0,
      top: 12, // round(12.5 − 0.1); the bottom gets round(12.5 + 0.1) = 13
      width: 96,
      height: 71, // round(70.8)
    });
  });

  it("rounds the resized size with Python's round (half to even)", () => {
    // 10×5 into 5×5: r = 0.5, height round(2.5) = 2 (Math.round would give 3).
    expect(letterboxPlacement(10, 5, 5, 5)).toMatchObject({ width: 5, height: 2, top: 1 });
  });

  it('640×480 into 640×640 pads 80 rows on each side; scale-up can be switched off', () => {
    expect(letterboxPlacement(640, 480, 640, 640)).toMatchObject({ left: 0, top: 80, height: 480 });
    expect(letterboxPlacement(100, 50, 640, 640, { scaleUp: false })).toMatchObject({
      scaleX: 1,
      width: 100,
      height: 50,
      left: 270,
      top: 295,
    });
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => letterboxPlacement(0, 10, 96, 96)).toThrow(/image size/);
  });
});

describe('boxes back to original pixels (scale_boxes + clip_boxes)', () => {
  it('undoes the letterbox exactly and clips to the image', () => {
    const p = letterboxPlacement(160, 118, 96, 96);
    const b = new Float64Array([12, 24, 48, 60, -5, 5, 200, 100]);
    boxesToOriginal(b, p);
    // (100 − 12) / 0.6 = 146.7 is below the image: clipped to its height, 118.
    expect(Array.from(b)).toEqual([12 / 0.6, 12 / 0.6, 48 / 0.6, 48 / 0.6, 0, 0, 160, 118]);
  });

  it('a box drawn in original pixels comes back where it was', () => {
    const p = letterboxPlacement(1280, 720, 640, 640);
    const orig = [100, 200, 400, 500];
    const input = new Float64Array([
      orig[0]! * p.scaleX + p.left,
      orig[1]! * p.scaleY + p.top,
      orig[2]! * p.scaleX + p.left,
      orig[3]! * p.scaleY + p.top,
    ]);
    boxesToOriginal(input, p);
    input.forEach((v, i) => expect(v).toBeCloseTo(orig[i]!, 10));
  });

  it('stretch scales each axis on its own', () => {
    const b = new Float64Array([32, 32, 64, 64]);
    boxesToOriginal(b, stretchPlacement(200, 100, 64, 64));
    expect(Array.from(b)).toEqual([100, 50, 200, 100]);
  });
});

describe('placement of one image from the geometry that made its pixels', () => {
  const geometry = (mode: Geometry['mode'], width = 96, height = 96): Geometry => ({
    width,
    height,
    mode,
    resampler: { library: 'opencv', interpolation: 'linear' },
    exif: true,
    pad: '#727272',
  });

  it('letterbox: the same as Ultralytics LetterBox for every aspect ratio', () => {
    for (const [w, h] of [
      [160, 118],
      [118, 160],
      [96, 96],
      [1280, 720],
      [641, 479],
      [33, 1000],
      [10, 5],
    ] as const)
      for (const [W, H] of [
        [96, 96],
        [640, 640],
        [640, 384],
      ] as const)
        expect(placementOf(w, h, geometry('letterbox', W, H))).toEqual(
          letterboxPlacement(w, h, W, H),
        );
  });

  it('stretch: per-axis ratios', () => {
    expect(placementOf(200, 100, geometry('stretch', 64, 64))).toEqual(
      stretchPlacement(200, 100, 64, 64),
    );
  });

  it('center-crop: a box drawn in the crop maps back to the source pixels', () => {
    // torchvision Resize(96) of 200×100 gives 192×96; CenterCrop(96) takes x 48..144.
    const p = placementOf(200, 100, geometry('center-crop'));
    expect(p).toMatchObject({ scaleX: 0.96, scaleY: 0.96, left: -48, top: 0 });
    const b = new Float64Array([0, 0, 96, 96]);
    boxesToOriginal(b, p);
    expect(Array.from(b)).toEqual([50, 0, 150, 100]);
  });
});
