import { describe, expect, it } from 'vitest';
import {
  HammingIndex,
  pairsWithinBruteForce,
  toHashColumns,
} from '../../src/suites/data/hamming-index.js';
import {
  contentWindow,
  dHash,
  hammingDistance,
  hash64FromHex,
  hash64ToHex,
  pHash,
  popcount32,
  resizeArea,
  type GrayImage,
  type Hash64,
} from '../../src/image/hashing.js';
import {
  findDuplicates,
  findLeakage,
  UnionFind,
  type HashedImage,
} from '../../src/suites/data/near-duplicates.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const randomHash = (r: () => number): Hash64 => ({
  hi: Math.floor(r() * 2 ** 32) >>> 0,
  lo: Math.floor(r() * 2 ** 32) >>> 0,
});

/** Flip `bits` distinct random bits. */
function flip(h: Hash64, bits: number, r: () => number): Hash64 {
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(r() * 64));
  let { hi, lo } = h;
  for (const b of chosen) {
    if (b < 32) lo = (lo ^ (1 << b)) >>> 0;
    else hi = (hi ^ (1 << (b - 32))) >>> 0;
  }
  return { hi, lo };
}

/** A smooth synthetic "photo": blobs and gradients, values 0–255. */
function synthetic(width: number, height: number, seed: number): GrayImage {
  const r = rng(seed);
  const blobs = Array.from({ length: 6 }, () => ({
    x: r(),
    y: r(),
    s: 0.05 + 0.2 * r(),
    a: 60 + 120 * r(),
  }));
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 30 + 40 * (x / width);
      for (const b of blobs) {
        const dx = x / width - b.x;
        const dy = y / height - b.y;
        v += b.a * Math.exp(-(dx * dx + dy * dy) / (2 * b.s * b.s));
      }
      data[y * width + x] = Math.min(255, v);
    }
  }
  return { width, height, data };
}

describe('bit helpers', () => {
  it('counts bits and measures Hamming distance', () => {
    expect([0, 1, 0xff, 0x80000000, 0xffffffff, 0x55555555].map(popcount32)).toEqual([
      0, 1, 8, 1, 32, 16,
    ]);
    expect(hammingDistance({ hi: 0, lo: 0 }, { hi: 0xffffffff, lo: 0xffffffff })).toBe(64);
    expect(hammingDistance({ hi: 0b1010, lo: 1 }, { hi: 0b0110, lo: 0 })).toBe(3);
  });
  it('round-trips hex', () => {
    const h = { hi: 0xdeadbeef, lo: 0x0000f00d };
    expect(hash64ToHex(h)).toBe('deadbeef0000f00d');
    expect(hash64FromHex('deadbeef0000f00d')).toEqual(h);
    expect(() => hash64FromHex('xyz')).toThrow(/64-bit/);
  });
});

describe('resizeArea', () => {
  it('keeps the mean and averages exact blocks', () => {
    const img = synthetic(64, 48, 1);
    const small = resizeArea(img, 16, 12);
    const mean = (d: Float32Array): number => d.reduce((a, b) => a + b, 0) / d.length;
    expect(mean(small.data)).toBeCloseTo(mean(img.data), 3);
    // 4×4 blocks: the first output pixel is the mean of the top-left block.
    let block = 0;
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) block += img.data[y * 64 + x]!;
    expect(small.data[0]).toBeCloseTo(block / 16, 3);
  });
  it('fills area outside the image with the window background', () => {
    const img: GrayImage = { width: 2, height: 2, data: Float32Array.from([100, 100, 100, 100]) };
    const out = resizeArea(img, 2, 1, { x0: -2, y0: 0, x1: 2, y1: 2, background: 0 });
    expect(Array.from(out.data)).toEqual([0, 100]);
  });
});

describe('pHash and dHash', () => {
  it('pHash sets exactly half of the 64 bits (median split) and ignores brightness/contrast', () => {
    const img = synthetic(96, 80, 2);
    const h = pHash(img);
    expect(popcount32(h.hi) + popcount32(h.lo)).toBe(32);
    // A positive affine change of luma scales every AC coefficient alike: same hash.
    const adjusted = { ...img, data: img.data.map((v) => 0.6 * v + 40) };
    expect(pHash(adjusted)).toEqual(h);
  });
  it('pHash survives rescaling and separates different images', () => {
    const img = synthetic(128, 128, 3);
    const half = resizeArea(img, 64, 64);
    expect(hammingDistance(pHash(img), pHash(half))).toBeLessThanOrEqual(2);
    const other = synthetic(128, 128, 4);
    expect(hammingDistance(pHash(img), pHash(other))).toBeGreaterThan(12);
  });
  it('dHash encodes horizontal gradients', () => {
    const ramp = (dir: 1 | -1): GrayImage => {
      const data = new Float32Array(90 * 80);
      for (let y = 0; y < 80; y++)
        for (let x = 0; x < 90; x++) data[y * 90 + x] = dir > 0 ? x : 90 - x;
      return { width: 90, height: 80, data };
    };
    expect(dHash(ramp(1))).toEqual({ hi: 0, lo: 0 }); // left never brighter than right
    expect(dHash(ramp(-1))).toEqual({ hi: 0xffffffff, lo: 0xffffffff });
  });
  it('the content window ignores uniform padding', () => {
    const img = synthetic(80, 80, 5);
    // Subtract the border level so that the object sits on a uniform black background.
    const object = {
      ...img,
      data: img.data.map((v, i) => (i % 80 < 8 || i % 80 >= 72 || i < 640 || i >= 5760 ? 0 : v)),
    };
    const padded: GrayImage = { width: 120, height: 100, data: new Float32Array(120 * 100) };
    for (let y = 0; y < 80; y++)
      for (let x = 0; x < 80; x++) padded.data[(y + 5) * 120 + x + 30] = object.data[y * 80 + x]!;
    const a = pHash(object, contentWindow(object));
    const b = pHash(padded, contentWindow(padded));
    expect(hammingDistance(a, b)).toBeLessThanOrEqual(2);
    const w = contentWindow(padded);
    expect(w.x0).toBeGreaterThan(30 + 7);
    expect(w.x1).toBeLessThan(30 + 73);
    expect(w.background).toBe(0);
    // A blank image keeps the whole frame.
    const blank: GrayImage = { width: 10, height: 10, data: new Float32Array(100).fill(7) };
    expect(contentWindow(blank)).toEqual({ x0: 0, y0: 0, x1: 10, y1: 10, background: 7 });
  });
});

describe('HammingIndex (multi-index hashing)', () => {
  const r = rng(42);
  const hashes: Hash64[] = Array.from({ length: 3000 }, () => randomHash(r));
  // Planted near pairs at distances 0..12.
  for (let k = 0; k < 200; k++) hashes.push(flip(hashes[k]!, k % 13, r));
  const columns = toHashColumns(hashes);
  const key = (p: { i: number; j: number; distance: number }): string =>
    `${p.i}:${p.j}:${p.distance}`;

  it.each([0, 1, 3, 6, 8, 12])('finds exactly the brute-force pairs within radius %i', (radius) => {
    const expected = pairsWithinBruteForce(columns, radius).map(key).sort();
    expect(HammingIndex.build(columns).pairsWithin(radius).map(key).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThanOrEqual(
      Math.floor((200 * (Math.min(radius, 12) + 1)) / 13),
    );
  });
  it.each([4, 5, 6, 8, 16])('is exact for %i chunks', (chunks) => {
    const expected = pairsWithinBruteForce(columns, 7).map(key).sort();
    expect(HammingIndex.build(columns, { chunks }).pairsWithin(7).map(key).sort()).toEqual(
      expected,
    );
  });
  it('answers radius queries and handles empty and tiny indexes', () => {
    const index = HammingIndex.build(hashes);
    expect(index.chunkCount).toBe(Math.ceil(64 / Math.round(Math.log2(hashes.length))));
    const found: number[] = [];
    index.search(hashes[5]!, 0, (k) => found.push(k));
    expect(found).toContain(5);
    expect(HammingIndex.build([]).pairsWithin(5)).toEqual([]);
    const tiny = HammingIndex.build([hashes[0]!, flip(hashes[0]!, 30, r)]);
    expect(tiny.pairsWithin(40)).toEqual([{ i: 0, j: 1, distance: 30 }]);
    expect(() => HammingIndex.build(hashes, { chunks: 0 })).toThrow(/chunks/);
    // Chunks wider than 20 bits would need a 2^21+ bucket table.
    expect(() => HammingIndex.build(hashes, { chunks: 3 })).toThrow(/at least 4/);
  });
});

describe('UnionFind', () => {
  it('joins transitively', () => {
    const uf = new UnionFind(5);
    uf.union(0, 1);
    uf.union(3, 4);
    uf.union(1, 4);
    expect(uf.find(0)).toBe(uf.find(3));
    expect(uf.find(2)).not.toBe(uf.find(0));
  });
});

describe('findDuplicates and findLeakage (pure, from hashes)', () => {
  const r = rng(7);
  const base = Array.from({ length: 50 }, () => randomHash(r));
  const img = (
    id: string,
    label: string,
    sha: string,
    phash: Hash64,
    dhash?: Hash64,
  ): HashedImage => ({
    id,
    label,
    sha256: sha,
    signature: { frame: { phash, dhash: dhash ?? phash, thumbnail: new Uint8Array(256) } },
  });
  // The grouping logic on hashes alone; the pixel check has its own tests below.
  const hashesOnly = { pixelCheck: false, maxPixelDifference: 0.2 } as const;
  const images: HashedImage[] = base.map((h, k) => img(`img${k}`, `c${k % 3}`, `sha${k}`, h));
  images.push(img('exact-of-3', 'c0', 'sha3', base[3]!)); // same bytes as img3
  images.push(img('near-of-7', 'c2', 'shaN7', flip(base[7]!, 4, r))); // img7 is c1: conflict
  images.push(img('chain-a', 'c0', 'shaA', flip(base[9]!, 5, r)));
  images.push({ id: 'unreadable', sha256: 'sha11' }); // no perceptual hash, same bytes as img11

  it('groups exact and near duplicates, conflicting labels first', () => {
    const f = findDuplicates(images, { hash: 'phash', threshold: 6, maxListed: 10, ...hashesOnly });
    expect(f.groups.map((g) => g.ids)).toEqual([
      ['img7', 'near-of-7'],
      ['chain-a', 'img9'],
      ['exact-of-3', 'img3'],
      ['img11', 'unreadable'],
    ]);
    expect(f.groups[0]).toMatchObject({
      conflictingLabels: true,
      labels: ['c1', 'c2'],
      exact: false,
      maxLinkDistance: 4,
    });
    expect(f.groups[2]).toMatchObject({ exact: true, maxLinkDistance: 0 });
    expect(f.groups[3]).toMatchObject({ exact: true, labels: ['c2'] });
    expect(f).toMatchObject({
      exactGroupCount: 2,
      groupCount: 4,
      imagesInGroups: 8,
      redundantImages: 4,
      conflictingGroupCount: 1,
      hashedCount: 53,
      truncated: false,
    });
    expect(
      findDuplicates(images, { hash: 'phash', threshold: 6, maxListed: 1, ...hashesOnly }),
    ).toMatchObject({
      groupCount: 4,
      truncated: true,
    });
    expect(
      findDuplicates(images, { hash: 'phash', threshold: 4, maxListed: 10, ...hashesOnly })
        .groupCount,
    ).toBe(3);
  });

  it("mode 'both' needs the dHash within the threshold too", () => {
    const far = images.map((x) => {
      if (x.id !== 'near-of-7') return x;
      const frame = x.signature!.frame;
      return { ...x, signature: { frame: { ...frame, dhash: flip(frame.phash, 20, r) } } };
    });
    const ids = findDuplicates(far, {
      hash: 'both',
      threshold: 6,
      maxListed: 10,
      ...hashesOnly,
    }).groups.flatMap((g) => g.ids);
    expect(ids).not.toContain('near-of-7');
    expect(ids).toContain('chain-a');
  });

  it('finds eval images present in the training set', () => {
    const train: HashedImage[] = [
      img('t-exact', 'c1', 'sha1', base[1]!),
      img('t-near', 'c9', 'shaT', flip(base[2]!, 3, r)),
      img('t-far', 'c0', 'shaF', flip(base[4]!, 20, r)),
    ];
    const evalSet = images.slice(0, 10);
    const f = findLeakage(evalSet, train, {
      hash: 'phash',
      threshold: 6,
      near: true,
      maxListed: 10,
      ...hashesOnly,
    });
    expect(f.examples).toEqual([
      {
        id: 'img1',
        label: 'c1',
        exact: true,
        distance: 0,
        trainIds: ['t-exact'],
        trainMatchCount: 1,
        labelMismatch: false,
      },
      {
        id: 'img2',
        label: 'c2',
        exact: false,
        distance: 3,
        trainIds: ['t-near'],
        trainMatchCount: 1,
        labelMismatch: true,
      },
    ]);
    expect(f).toMatchObject({
      leakedCount: 2,
      leakedRate: 0.2,
      exactCount: 1,
      nearCount: 1,
      trainCount: 3,
    });
    const exactOnly = findLeakage(evalSet, train, {
      hash: 'phash',
      threshold: 6,
      near: false,
      maxListed: 10,
      ...hashesOnly,
    });
    expect(exactOnly.examples.map((e) => e.id)).toEqual(['img1']);
  });
});
