import { randomRgbImage } from '../support/images.js';
import { describe, expect, it } from 'vitest';
import { channelCount, imagesToTensor, type TensorSpec } from '../../src/image/tensor.js';
import type { RgbImage } from '../../src/types.js';

/**
 * The 2×2 golden image, pixels in row-major order, RGB interleaved:
 *
 *   (x=0,y=0) p0 = (10, 20, 30)     (x=1,y=0) p1 = (40, 50, 60)
 *   (x=0,y=1) p2 = (70, 80, 90)     (x=1,y=1) p3 = (100, 110, 120)
 */
const IMG: RgbImage = {
  width: 2,
  height: 2,
  data: Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]),
};

/** Identity affine: scale 1, mean 0, std 1, so float outputs equal the raw pixel values. */
const RAW: TensorSpec = {
  layout: 'NCHW',
  channels: 'rgb',
  dtype: 'float32',
  scale: 1,
  mean: [0],
  std: [1],
};

const arr = (t: Float32Array | Uint8Array) => Array.from(t);

/** Compare a float32 tensor with hand-computed float64 values (float32 has ~7 digits). */
function expectClose(actual: Float32Array | Uint8Array, expected: number[]): void {
  expect(actual).toBeInstanceOf(Float32Array);
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i], `element ${i}`).toBeCloseTo(v, 5));
}

describe('imagesToTensor: layout and channel order', () => {
  it('NCHW rgb: one plane per channel, each plane in row-major pixel order', () => {
    // R plane p0..p3, then G plane, then B plane.
    expect(arr(imagesToTensor([IMG], RAW))).toEqual([
      10, 40, 70, 100, 20, 50, 80, 110, 30, 60, 90, 120,
    ]);
  });

  it('NHWC rgb: the pixels interleaved as stored', () => {
    expect(arr(imagesToTensor([IMG], { ...RAW, layout: 'NHWC' }))).toEqual([
      10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120,
    ]);
  });

  it('NCHW bgr: the B plane first', () => {
    expect(arr(imagesToTensor([IMG], { ...RAW, channels: 'bgr' }))).toEqual([
      30, 60, 90, 120, 20, 50, 80, 110, 10, 40, 70, 100,
    ]);
  });

  it('NHWC bgr: each pixel reversed', () => {
    expect(arr(imagesToTensor([IMG], { ...RAW, channels: 'bgr', layout: 'NHWC' }))).toEqual([
      30, 20, 10, 60, 50, 40, 90, 80, 70, 120, 110, 100,
    ]);
  });

  it('channelCount', () => {
    expect(channelCount('gray')).toBe(1);
    expect(channelCount('rgb')).toBe(3);
    expect(channelCount('bgr')).toBe(3);
  });
});

describe('imagesToTensor: gray via BT.601 luma (0.299 R + 0.587 G + 0.114 B)', () => {
  // p0: 0.299·10 + 0.587·20 + 0.114·30 = 2.99 + 11.74 + 3.42 = 18.15
  // p1: 0.299·40 + 0.587·50 + 0.114·60 = 11.96 + 29.35 + 6.84 = 48.15
  // p2: 0.299·70 + 0.587·80 + 0.114·90 = 20.93 + 46.96 + 10.26 = 78.15
  // p3: 0.299·100 + 0.587·110 + 0.114·120 = 29.9 + 64.57 + 13.68 = 108.15
  const LUMA = [18.15, 48.15, 78.15, 108.15];

  it('float32: one plane of luma values (NCHW and NHWC agree for one channel)', () => {
    expectClose(imagesToTensor([IMG], { ...RAW, channels: 'gray' }), LUMA);
    expectClose(imagesToTensor([IMG], { ...RAW, channels: 'gray', layout: 'NHWC' }), LUMA);
  });

  it('uint8: luma rounded to the nearest integer', () => {
    // Pure red, green, blue, mid grey:
    //   0.299·255 = 76.245 → 76;  0.587·255 = 149.685 → 150;  0.114·255 = 29.07 → 29;
    //   (0.299 + 0.587 + 0.114)·128 = 128 → 128 (the weights sum to 1, grey stays grey).
    const img: RgbImage = {
      width: 2,
      height: 2,
      data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128]),
    };
    const t = imagesToTensor([img], { ...RAW, channels: 'gray', dtype: 'uint8' });
    expect(t).toBeInstanceOf(Uint8Array);
    expect(arr(t)).toEqual([76, 150, 29, 128]);
    // LUMA rows above: 18.15 → 18, 48.15 → 48, 78.15 → 78, 108.15 → 108.
    expect(arr(imagesToTensor([IMG], { ...RAW, channels: 'gray', dtype: 'uint8' }))).toEqual([
      18, 48, 78, 108,
    ]);
  });

  it('float32 gray with scale/mean/std', () => {
    // ((luma · 0.1) − 1) / 2: p0 (1.815 − 1)/2 = 0.4075, p1 (4.815 − 1)/2 = 1.9075,
    // p2 (7.815 − 1)/2 = 3.4075, p3 (10.815 − 1)/2 = 4.9075
    expectClose(
      imagesToTensor([IMG], { ...RAW, channels: 'gray', scale: 0.1, mean: [1], std: [2] }),
      [0.4075, 1.9075, 3.4075, 4.9075],
    );
  });
});

describe('imagesToTensor: uint8 keeps raw pixels', () => {
  it('ignores scale, mean and std', () => {
    const t = imagesToTensor([IMG], {
      ...RAW,
      layout: 'NHWC',
      dtype: 'uint8',
      scale: 1 / 255,
      mean: [0.5],
      std: [0.25],
    });
    expect(t).toBeInstanceOf(Uint8Array);
    expect(arr(t)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
  });
});

describe('imagesToTensor: ((x · scale) − mean) / std', () => {
  it('per channel, in model channel order (rgb)', () => {
    // scale 0.5, mean [1, 2, 3], std [2, 4, 0.5]:
    //   R: (x/2 − 1)/2   → p0..p3 (5−1)/2=2,  (20−1)/2=9.5,  (35−1)/2=17,  (50−1)/2=24.5
    //   G: (x/2 − 2)/4   → (10−2)/4=2,  (25−2)/4=5.75,  (40−2)/4=9.5,  (55−2)/4=13.25
    //   B: (x/2 − 3)/0.5 → (15−3)·2=24, (30−3)·2=54,   (45−3)·2=84,  (60−3)·2=114
    const spec: TensorSpec = { ...RAW, scale: 0.5, mean: [1, 2, 3], std: [2, 4, 0.5] };
    expectClose(
      imagesToTensor([IMG], spec),
      [2, 9.5, 17, 24.5, 2, 5.75, 9.5, 13.25, 24, 54, 84, 114],
    );
  });

  it('per channel with bgr: mean/std index the tensor channel, which holds B first', () => {
    // Tensor channel 0 = B with mean 1, std 2: (x/2 − 1)/2 on B: (15−1)/2=7, (30−1)/2=14.5,
    //   (45−1)/2=22, (60−1)/2=29.5
    // Channel 1 = G with mean 2, std 4: same as above: 2, 5.75, 9.5, 13.25
    // Channel 2 = R with mean 3, std 0.5: (5−3)·2=4, (20−3)·2=34, (35−3)·2=64, (50−3)·2=94
    const spec: TensorSpec = {
      ...RAW,
      channels: 'bgr',
      scale: 0.5,
      mean: [1, 2, 3],
      std: [2, 4, 0.5],
    };
    expectClose(
      imagesToTensor([IMG], spec),
      [7, 14.5, 22, 29.5, 2, 5.75, 9.5, 13.25, 4, 34, 64, 94],
    );
  });

  it('a single mean/std value is broadcast to every channel (NHWC)', () => {
    // scale 1, mean 5, std 5: (x − 5)/5 → 10→1, 20→3, 30→5, 40→7, …, 120→23
    const spec: TensorSpec = { ...RAW, layout: 'NHWC', mean: [5], std: [5] };
    expectClose(imagesToTensor([IMG], spec), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
  });

  it('mean with 3 values and std with 1 are each applied as given', () => {
    // scale 1/10, mean [0, 1, 2], std [0.5]: (x/10 − m)/0.5 for p0 = (1−0)/0.5=2, (2−1)/0.5=2,
    // (3−2)/0.5=2; p3 = (10−0)/0.5=20, (11−1)/0.5=20, (12−2)/0.5=20
    const spec: TensorSpec = { ...RAW, layout: 'NHWC', scale: 0.1, mean: [0, 1, 2], std: [0.5] };
    const t = imagesToTensor([IMG], spec);
    expectClose(t.slice(0, 3), [2, 2, 2]);
    expectClose(t.slice(9, 12), [20, 20, 20]);
  });

  it('the ImageNet normalisation on one pixel', () => {
    // (10/255 − 0.485)/0.229, (20/255 − 0.456)/0.224, (30/255 − 0.406)/0.225
    //   = (0.0392157 − 0.485)/0.229 = −1.946656
    //   = (0.0784314 − 0.456)/0.224 = −1.685574
    //   = (0.1176471 − 0.406)/0.225 = −1.281569
    const spec: TensorSpec = {
      ...RAW,
      layout: 'NHWC',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    };
    const t = imagesToTensor([IMG], spec);
    expect(t[0]).toBeCloseTo(-1.946656, 5);
    expect(t[1]).toBeCloseTo(-1.685574, 5);
    expect(t[2]).toBeCloseTo(-1.281569, 5);
  });
});

describe('imagesToTensor: batches', () => {
  // Image 2: every value of IMG plus 1.
  const IMG2: RgbImage = { ...IMG, data: IMG.data.map((v) => v + 1) };

  it('NCHW: image n occupies [n·C·H·W, (n+1)·C·H·W)', () => {
    // prettier-ignore
    expect(arr(imagesToTensor([IMG, IMG2], RAW))).toEqual([
      10, 40, 70, 100,  20, 50, 80, 110,  30, 60, 90, 120, // image 0: R, G, B planes
      11, 41, 71, 101,  21, 51, 81, 111,  31, 61, 91, 121, // image 1
    ]);
  });

  it('NHWC: image n occupies [n·H·W·C, (n+1)·H·W·C)', () => {
    // prettier-ignore
    expect(arr(imagesToTensor([IMG, IMG2], { ...RAW, layout: 'NHWC' }))).toEqual([
      10, 20, 30,  40, 50, 60,  70, 80, 90,  100, 110, 120, // image 0: p0..p3
      11, 21, 31,  41, 51, 61,  71, 81, 91,  101, 111, 121, // image 1
    ]);
  });

  it('gray uint8 batch: 4 values per image', () => {
    // IMG2 luma = IMG luma + 1 (weights sum to 1): 19.15 → 19, 49.15 → 49, …
    expect(arr(imagesToTensor([IMG, IMG2], { ...RAW, channels: 'gray', dtype: 'uint8' }))).toEqual([
      18, 48, 78, 108, 19, 49, 79, 109,
    ]);
  });

  it('refuses images of different sizes in one batch', () => {
    const small: RgbImage = { width: 1, height: 1, data: Uint8Array.from([1, 2, 3]) };
    expect(() => imagesToTensor([IMG, small], RAW)).toThrow(/share a size/);
  });

  it('an empty batch gives an empty tensor of the right type', () => {
    const f = imagesToTensor([], RAW);
    expect(f).toBeInstanceOf(Float32Array);
    expect(f.length).toBe(0);
    const u = imagesToTensor([], { ...RAW, dtype: 'uint8' });
    expect(u).toBeInstanceOf(Uint8Array);
    expect(u.length).toBe(0);
  });
});

/**
 * The per-channel loops imagesToTensor had before it wrote all channels in one pass per pixel:
 * the tensor must not change by a single bit in any layout, channel order or dtype.
 */
function referenceTensor(images: readonly RgbImage[], spec: TensorSpec): Float32Array | Uint8Array {
  const { width: w, height: h } = images[0]!;
  const c = channelCount(spec.channels);
  const plane = w * h;
  const perImage = plane * c;
  const out =
    spec.dtype === 'uint8'
      ? new Uint8Array(perImage * images.length)
      : new Float32Array(perImage * images.length);
  const order = spec.channels === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  images.forEach((img, n) => {
    const src = img.data;
    const base = n * perImage;
    if (c === 1) {
      for (let p = 0, s = 0; p < plane; p++, s += 3) {
        const g = 0.299 * src[s]! + 0.587 * src[s + 1]! + 0.114 * src[s + 2]!;
        out[base + p] =
          out instanceof Uint8Array
            ? Math.round(g)
            : (g * spec.scale - spec.mean[0]!) / spec.std[0]!;
      }
      return;
    }
    for (let k = 0; k < 3; k++) {
      const mean = spec.mean.length === 1 ? spec.mean[0]! : spec.mean[k]!;
      const std = spec.std.length === 1 ? spec.std[0]! : spec.std[k]!;
      const lut = new Float32Array(256);
      for (let x = 0; x < 256; x++) lut[x] = (x * spec.scale - mean) / std;
      for (let p = 0; p < plane; p++) {
        const v = src[p * 3 + order[k]!]!;
        const at = spec.layout === 'NCHW' ? base + k * plane + p : base + p * 3 + k;
        out[at] = out instanceof Uint8Array ? v : lut[v]!;
      }
    }
  });
  return out;
}

describe('imagesToTensor: same bits as the per-channel reference', () => {
  const random = randomRgbImage;
  const batch = [random(13, 9, 1), random(13, 9, 2), random(13, 9, 3)];
  const imagenet = { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
  const cases: TensorSpec[] = [];
  for (const layout of ['NCHW', 'NHWC'] as const)
    for (const channels of ['rgb', 'bgr', 'gray'] as const) {
      cases.push({ layout, channels, dtype: 'uint8', scale: 1, mean: [0], std: [1] });
      cases.push({ layout, channels, dtype: 'float32', ...imagenet });
      cases.push({ layout, channels, dtype: 'float32', scale: 0.01, mean: [0.5], std: [0.25] });
    }
  it.each(cases.map((c) => [`${c.layout} ${c.channels} ${c.dtype} mean ${c.mean.join('/')}`, c]))(
    '%s',
    (_, spec) => {
      const s = spec;
      const got = imagesToTensor(batch, s);
      const want = referenceTensor(batch, s);
      expect(got.constructor).toBe(want.constructor);
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    },
  );
});

describe('imagesToTensor: spare buffers', () => {
  it('reuses a spare of the right type and length, overwriting every element', () => {
    const fresh = imagesToTensor([IMG, IMG], RAW);
    const spare = new Float32Array(fresh.length).fill(Number.NaN);
    const wrongType = new Uint8Array(fresh.length);
    const wrongLength = new Float32Array(fresh.length + 1);
    const spares: (Float32Array | Uint8Array)[] = [wrongType, spare, wrongLength];
    const out = imagesToTensor([IMG, IMG], RAW, spares);
    expect(out).toBe(spare);
    expect(arr(out)).toEqual(arr(fresh));
    expect(spares).toEqual([wrongType, wrongLength]);
  });

  it('allocates when no spare fits', () => {
    const spares: (Float32Array | Uint8Array)[] = [new Float32Array(3)];
    const out = imagesToTensor([IMG], { ...RAW, dtype: 'uint8' }, spares);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(spares).toHaveLength(1);
  });
});
