import { describe, expect, it } from 'vitest';
import type { Hash64 } from '../../src/image/hashing.js';
import {
  findDuplicates,
  findLeakage,
  type HashedImage,
} from '../../src/suites/data/near-duplicates.js';
import { pixelDifference } from '../../src/suites/data/pixel-check.js';
import { thumbnail, type RegionSignature } from '../../src/image/signature.js';

const S = 16;

/** A 16×16 thumbnail from a function of (x, y), rounded to bytes. */
function thumb(f: (x: number, y: number) => number): Uint8Array {
  const t = new Uint8Array(S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) t[y * S + x] = Math.round(f(x, y));
  return t;
}

const blob = (cx: number, cy: number) => (x: number, y: number) =>
  20 + 200 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * 2.5 ** 2));

describe('thumbnail', () => {
  it('area-averages to 16×16 and rounds to bytes', () => {
    // 32×32 made of 2×2 blocks: each thumbnail pixel is its block's value.
    const data = new Float32Array(32 * 32);
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) data[y * 32 + x] = ((x >> 1) * 16 + (y >> 1)) % 256;
    const t = thumbnail({ width: 32, height: 32, data });
    expect(t[0]).toBe(0);
    expect(t[3 * S + 5]).toBe(5 * 16 + 3);
    // A 2×2 block of 10, 10, 11, 12 averages to 10.75 → 11.
    const mixed = thumbnail({
      width: 32,
      height: 32,
      data: data.map((v, i) => (i === 1 ? v + 2 : v)),
    });
    expect(mixed[0]).toBe(1); // (0 + 2 + 0 + 0) / 4 = 0.5 rounds up
  });
});

describe('pixelDifference', () => {
  it('is 0 for the same picture under a brightness and contrast change', () => {
    const a = thumb(blob(7.5, 7.5));
    const b = thumb((x, y) => 0.5 * blob(7.5, 7.5)(x, y) + 40);
    // Rounding to bytes leaves at most half a grey level of difference.
    expect(pixelDifference(a, b)).toBeLessThan(0.02);
    expect(pixelDifference(a, a)).toBe(0);
  });

  it('aligns a whole-pixel shift exactly', () => {
    const a = thumb(blob(7, 8));
    // b(x, y) = a(x − 1, y): the picture moved one pixel right (column 0 is new content).
    const b = thumb((x, y) => (x === 0 ? 0 : a[y * S + x - 1]!));
    expect(pixelDifference(a, b)).toBe(0);
  });

  it('tolerates a half-pixel shift (resampling) far below the default threshold', () => {
    const d = pixelDifference(thumb(blob(7.5, 7.5)), thumb(blob(8, 7.5)));
    expect(d).toBeLessThan(0.05);
  });

  it('measures a changed 3×3 patch, worked by hand', () => {
    // a: a checkerboard of 5×5 squares (bright where the square's column + row is even), whose
    // edges make any shift cost more than it gains. b: the same with the 3×3 patch x, y in 6..8
    // (inside the bright centre square) made dark. On the 14×14 interior (x, y in 1..14) a has
    // 106 bright pixels of 196, b has 97. Standard scores: bright (1 − p)/s, dark −p/s with
    // s = √(p(1 − p)); on the patch a is bright and b dark, so the block there differs by
    // (1 − pa)/sa + pb/sb; everywhere else by less than 0.1.
    const square = (x: number, y: number): boolean =>
      (Math.floor(x / 5) + Math.floor(y / 5)) % 2 === 0;
    const inPatch = (x: number, y: number): boolean => x >= 6 && x <= 8 && y >= 6 && y <= 8;
    const a = thumb((x, y) => (square(x, y) ? 255 : 0));
    const b = thumb((x, y) => (square(x, y) && !inPatch(x, y) ? 255 : 0));
    const pa = 106 / 196;
    const pb = 97 / 196;
    const expected = (1 - pa) / Math.sqrt(pa * (1 - pa)) + pb / Math.sqrt(pb * (1 - pb));
    expect(expected).toBeCloseTo(1.9113, 4);
    expect(pixelDifference(a, b)).toBeCloseTo(expected, 12);
  });

  it('tells apart two pictures with the same layout', () => {
    // One blob vs two half-size blobs at the same place: same mass, different shape.
    const one = thumb(blob(7.5, 7.5));
    const two = thumb(
      (x, y) => 20 + 0.5 * (blob(5.5, 7.5)(x, y) - 20) + 0.5 * (blob(9.5, 7.5)(x, y) - 20),
    );
    expect(pixelDifference(one, two)).toBeGreaterThan(0.5);
  });

  it('treats featureless thumbnails as equal to each other and unlike any picture', () => {
    const grey = thumb(() => 128);
    const dark = thumb(() => 10);
    expect(pixelDifference(grey, dark)).toBe(0);
    expect(pixelDifference(grey, thumb(blob(7.5, 7.5)))).toBe(Infinity);
  });

  it('is symmetric', () => {
    let seed = 1;
    const noise = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let k = 0; k < 20; k++) {
      const a = thumb((x, y) => blob(6 + 4 * noise(), 6 + 4 * noise())(x, y) + 30 * noise());
      const b = thumb((x, y) => blob(6 + 4 * noise(), 6 + 4 * noise())(x, y) + 30 * noise());
      expect(pixelDifference(a, b)).toBe(pixelDifference(b, a));
    }
  });

  it('rejects thumbnails of the wrong size', () => {
    expect(() => pixelDifference(new Uint8Array(10), new Uint8Array(256))).toThrow(/16×16/);
  });
});

describe('near pairs: candidates on either region, confirmed on pixels', () => {
  const h = (hi: number, lo: number): Hash64 => ({ hi, lo });
  const region = (hash: Hash64, t: Uint8Array): RegionSignature => ({
    phash: hash,
    dhash: hash,
    thumbnail: t,
  });
  const picture = thumb(blob(7.5, 7.5));
  const other = thumb((x, y) => blob(4, 4)(x, y) + blob(11, 11)(x, y) - 20);
  const img = (id: string, frame: RegionSignature, content?: RegionSignature): HashedImage => ({
    id,
    sha256: id,
    signature: content ? { frame, content } : { frame },
  });
  const options = {
    hash: 'phash',
    threshold: 6,
    pixelCheck: true,
    maxPixelDifference: 0.2,
    maxListed: 10,
  } as const;

  it('keeps a hash match only when the thumbnails agree', () => {
    const images = [
      img('a', region(h(1, 1), picture)),
      img('same-picture', region(h(1, 3), picture)),
      img('other-picture', region(h(1, 1), other)),
    ];
    const f = findDuplicates(images, options);
    expect(f.groups.map((g) => g.ids)).toEqual([['a', 'same-picture']]);
    // Without the pixel check the hashes decide alone: one group of three.
    const loose = findDuplicates(images, { ...options, pixelCheck: false });
    expect(loose.groups.map((g) => g.ids)).toEqual([['a', 'other-picture', 'same-picture']]);
  });

  it('needs less pixel agreement from hashes within 2 bits', () => {
    // The checkerboard of the hand-worked case with a fainter patch: 0.2–0.35 apart on pixels.
    const square = (x: number, y: number): boolean =>
      (Math.floor(x / 5) + Math.floor(y / 5)) % 2 === 0;
    const board = thumb((x, y) => (square(x, y) ? 255 : 0));
    const faint = thumb((x, y) =>
      square(x, y) ? (x >= 6 && x <= 8 && y >= 6 && y <= 8 ? 220 : 255) : 0,
    );
    const d = pixelDifference(board, faint);
    expect(d).toBeGreaterThan(0.2);
    expect(d).toBeLessThan(0.35);
    const pair = (bits: number): string[][] =>
      findDuplicates(
        [img('a', region(h(0, 0), board)), img('b', region(h(0, 2 ** bits - 1), faint))],
        options,
      ).groups.map((g) => g.ids);
    expect(pair(2)).toEqual([['a', 'b']]);
    expect(pair(3)).toEqual([]);
  });

  it('finds a pair whose hashes agree on the content window only', () => {
    const images = [
      img('a', region(h(0, 0), other), region(h(5, 5), picture)),
      img('b', region(h(0xffffffff, 0xffffffff), other), region(h(5, 5), picture)),
      img('c', region(h(0xffff0000, 0xffff0000), other)),
    ];
    const f = findDuplicates(images, options);
    expect(f.groups).toEqual([
      { ids: ['a', 'b'], labels: [], conflictingLabels: false, exact: false, maxLinkDistance: 0 },
    ]);
    const leak = findLeakage([images[1]!], [images[0]!, images[2]!], { ...options, near: true });
    expect(leak.examples.map((e) => [e.id, e.trainIds, e.distance])).toEqual([['b', ['a'], 0]]);
  });
});
