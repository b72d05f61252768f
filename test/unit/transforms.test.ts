// Label-preserving transforms: identities, exact pixel moves, names and spec validation.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/corruptions/rng.js';
import {
  applyTransform,
  parseTransform,
  transformName,
  type TransformSpec,
} from '../../src/transforms/index.js';
import type { RgbImage } from '../../src/types.js';

function noise(w: number, h: number, key = 't'): RgbImage {
  const rng = Rng.fromKey(key);
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.nextU32() & 255;
  return { width: w, height: h, data };
}

function px(img: RgbImage, x: number, y: number): number[] {
  const p = (y * img.width + x) * 3;
  return Array.from(img.data.subarray(p, p + 3));
}

const same = (a: RgbImage, b: RgbImage): boolean =>
  a.width === b.width && a.height === b.height && Buffer.from(a.data).equals(Buffer.from(b.data));

describe('identities', () => {
  const img = noise(17, 11);
  it.each<[string, TransformSpec]>([
    ['rotate 0', { type: 'rotate', degrees: 0 }],
    ['rotate 360', { type: 'rotate', degrees: 360 }],
    ['translate 0', { type: 'translate', dx: 0, dy: 0 }],
    ['scale 1', { type: 'scale', factor: 1 }],
    ['crop 1', { type: 'crop', factor: 1 }],
    ['jitter neutral', { type: 'color_jitter', brightness: 1, contrast: 1, saturation: 1, hue: 0 }],
  ])('%s is the identity', (_, spec) => {
    expect(same(applyTransform(img, spec), img)).toBe(true);
  });

  it('hflip twice and vflip twice are the identity; rotate 180 = hflip ∘ vflip', () => {
    const h = applyTransform(img, { type: 'hflip' });
    expect(same(h, img)).toBe(false);
    expect(same(applyTransform(h, { type: 'hflip' }), img)).toBe(true);
    const v = applyTransform(img, { type: 'vflip' });
    expect(same(applyTransform(v, { type: 'vflip' }), img)).toBe(true);
    expect(
      same(
        applyTransform(img, { type: 'rotate', degrees: 180 }),
        applyTransform(h, { type: 'vflip' }),
      ),
    ).toBe(true);
  });

  it('four quarter turns of a square image return it exactly', () => {
    let sq = noise(9, 9, 'sq');
    const start = sq;
    for (let i = 0; i < 4; i++) sq = applyTransform(sq, { type: 'rotate', degrees: 90 });
    expect(same(sq, start)).toBe(true);
  });
});

describe('known pixel moves', () => {
  const img = noise(8, 6);

  it('hflip sends (x, y) to (W−1−x, y); vflip to (x, H−1−y)', () => {
    const h = applyTransform(img, { type: 'hflip' });
    const v = applyTransform(img, { type: 'vflip' });
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 8; x++) {
        expect(px(h, 7 - x, y)).toEqual(px(img, x, y));
        expect(px(v, x, 5 - y)).toEqual(px(img, x, y));
      }
    }
  });

  it('rotate 90 is counter-clockwise: the right-middle pixel goes to the top-middle', () => {
    const sq = noise(5, 5, 'r');
    const r = applyTransform(sq, { type: 'rotate', degrees: 90 });
    expect(px(r, 2, 0)).toEqual(px(sq, 4, 2)); // right-middle → top-middle
    expect(px(r, 0, 2)).toEqual(px(sq, 2, 0)); // top-middle → left-middle
    expect(px(r, 2, 2)).toEqual(px(sq, 2, 2)); // centre stays
    expect(px(r, 4, 4)).toEqual(px(sq, 0, 4)); // a corner: (x, y) → (y, W−1−x)
  });

  it('translate by whole pixels shifts exactly; the border rule fills the gap', () => {
    const t = applyTransform(img, { type: 'translate', dx: 2 / 8, dy: -1 / 6 }); // +2 px right, 1 px up
    for (let y = 0; y < 5; y++)
      for (let x = 2; x < 8; x++) expect(px(t, x, y)).toEqual(px(img, x - 2, y + 1));
    // reflect: column 1 mirrors column 0 of the source, column 0 mirrors column 1
    expect(px(t, 1, 0)).toEqual(px(img, 0, 1));
    expect(px(t, 0, 0)).toEqual(px(img, 1, 1));
    const e = applyTransform(img, { type: 'translate', dx: 2 / 8, dy: 0, border: 'edge' });
    expect(px(e, 0, 3)).toEqual(px(img, 0, 3));
    expect(px(e, 1, 3)).toEqual(px(img, 0, 3));
  });

  it('scale 2 about the centre: output pixel x reads source (x + c)/2 with bilinear weights', () => {
    const ramp: RgbImage = { width: 9, height: 1, data: new Uint8Array(27) };
    for (let x = 0; x < 9; x++) ramp.data.fill(x * 20, x * 3, x * 3 + 3);
    const z = applyTransform(ramp, { type: 'scale', factor: 2 });
    // centre c = 4: output x reads 4 + (x − 4)/2 → x = 0 reads 2 (value 40), x = 1 reads 2.5 (50)
    expect(px(z, 0, 0)[0]).toBe(40);
    expect(px(z, 1, 0)[0]).toBe(50);
    expect(px(z, 4, 0)[0]).toBe(80);
    expect(px(z, 8, 0)[0]).toBe(120);
    // crop 0.5 is the same zoom
    expect(same(applyTransform(ramp, { type: 'crop', factor: 0.5 }), z)).toBe(true);
  });
});

describe('colour jitter', () => {
  it('brightness multiplies, contrast blends with the mean grey, saturation with the pixel grey', () => {
    const img: RgbImage = { width: 2, height: 1, data: new Uint8Array([100, 50, 200, 0, 0, 0]) };
    expect(Array.from(applyTransform(img, { type: 'color_jitter', brightness: 1.5 }).data)).toEqual(
      [150, 75, 255, 0, 0, 0],
    );
    const g = 0.299 * 100 + 0.587 * 50 + 0.114 * 200; // 82.15
    const grey = applyTransform(img, { type: 'color_jitter', saturation: 0 });
    expect(Array.from(grey.data.subarray(0, 3))).toEqual([82, 82, 82].map(() => Math.round(g)));
    const flat = applyTransform(img, { type: 'color_jitter', contrast: 0 });
    const mean = Math.round(g / 2);
    expect(Array.from(flat.data)).toEqual([mean, mean, mean, mean, mean, mean]);
  });

  it('hue rotates: a third of a turn maps red to green, and a full turn is the identity', () => {
    const red: RgbImage = { width: 1, height: 1, data: new Uint8Array([200, 0, 0]) };
    expect(Array.from(applyTransform(red, { type: 'color_jitter', hue: 1 / 3 }).data)).toEqual([
      0, 200, 0,
    ]);
    const img = noise(6, 6, 'hue');
    const back = applyTransform(applyTransform(img, { type: 'color_jitter', hue: 0.25 }), {
      type: 'color_jitter',
      hue: -0.25,
    });
    let maxDiff = 0;
    for (let i = 0; i < img.data.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(back.data[i]! - img.data[i]!));
    expect(maxDiff).toBeLessThanOrEqual(2);
  });
});

describe('parseTransform', () => {
  it('names transforms from their parameters', () => {
    expect(parseTransform({ type: 'rotate', degrees: 10 }).name).toBe('rotate-10');
    expect(parseTransform({ type: 'rotate', degrees: -7.5 }).name).toBe('rotate-m7.5');
    expect(parseTransform({ type: 'translate', dx: 0.1, dy: -0.05 }).name).toBe(
      'translate-0.1-m0.05',
    );
    expect(parseTransform({ type: 'scale', factor: 1.2 }).name).toBe('scale-1.2');
    expect(parseTransform({ type: 'crop', factor: 0.8 }).name).toBe('crop-0.8');
    expect(parseTransform({ type: 'hflip' }).name).toBe('hflip');
    expect(parseTransform({ type: 'color_jitter', brightness: 1.2, hue: 0.05 }).name).toBe(
      'jitter-b1.2-h0.05',
    );
    expect(parseTransform({ type: 'vflip', name: 'upside-down' }).name).toBe('upside-down');
    expect(transformName({ type: 'vflip' })).toBe('vflip');
  });

  it('applies what it parsed', () => {
    const img = noise(7, 7);
    const t = parseTransform({ type: 'rotate', degrees: 90, border: 'edge' });
    expect(same(t.apply(img), applyTransform(img, { type: 'rotate', degrees: 90 }))).toBe(true);
  });

  it.each<[unknown, RegExp]>([
    [null, /expected an object/],
    [{ type: 'shear' }, /'type' must be one of rotate, translate/],
    [{ type: 'rotate' }, /'degrees' must be a finite number, got undefined/],
    [{ type: 'rotate', degrees: '10' }, /'degrees' must be a finite number, got "10"/],
    [{ type: 'rotate', degrees: 10, angle: 3 }, /unknown key 'angle' for type 'rotate'/],
    [{ type: 'translate', dx: 1.5, dy: 0 }, /'dx' must be a fraction/],
    [{ type: 'crop', factor: 1.5 }, /'factor' must be in \(0, 1\]/],
    [{ type: 'scale', factor: 0 }, /'factor' must be > 0/],
    [{ type: 'color_jitter' }, /needs at least one of/],
    [{ type: 'color_jitter', hue: 0.7 }, /'hue' must be in/],
    [{ type: 'hflip', border: 'wrap' }, /'border' must be 'reflect' or 'edge'/],
    [{ type: 'hflip', name: 'a b' }, /'name' must be/],
  ])('rejects %j', (input, message) => {
    expect(() => parseTransform(input, 'transforms[0]')).toThrow(message);
    expect(() => parseTransform(input, 'transforms[0]')).toThrow(/^transforms\[0\]: /);
  });
});
