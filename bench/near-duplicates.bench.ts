/**
 * Near-duplicate search: all pairs within a Hamming radius among n random 64-bit hashes (plus
 * planted near pairs), multi-index hashing (src/suites/data/hamming-index.ts) vs brute force;
 * then the whole near-duplicate step (candidates and pixel check), previous vs current defaults.
 * Brute force is O(n²); the index should grow much more slowly (the paper's m ≈ 64 / log2 n
 * keeps buckets near one item; given r we pick m with a cost model). Random hashes are the index's best case — real pHashes cluster —
 * so the 100k row also reports how many candidates were checked per query.
 */
import {
  HammingIndex,
  pairsWithinBruteForce,
  type HashColumns,
} from '../src/suites/data/hamming-index.js';
import { findDuplicates, type HashedImage } from '../src/suites/data/near-duplicates.js';
import { pixelDifference } from '../src/suites/data/pixel-check.js';
import type { RegionSignature } from '../src/image/signature.js';
import { opsPerSecond, round, type Bench } from './harness.js';

/** mulberry32: a small 32-bit generator whose every output bit is well mixed (an LCG's low bits are not). */
function random32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** n random hashes, the last 1% of them near copies (1..radius bits flipped) of earlier ones. */
function hashes(n: number, radius: number, seed: number): HashColumns {
  const next = random32(seed);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const planted = Math.floor(n / 100);
  for (let k = 0; k < n - planted; k++) {
    hi[k] = next();
    lo[k] = next();
  }
  for (let k = n - planted; k < n; k++) {
    const src = next() % (n - planted);
    let h = hi[src]!;
    let l = lo[src]!;
    const flips = 1 + (next() % radius);
    for (let f = 0; f < flips; f++) {
      const bit = next() % 64;
      if (bit < 32) l ^= 1 << bit;
      else h ^= 1 << (bit - 32);
    }
    hi[k] = h >>> 0;
    lo[k] = l >>> 0;
  }
  return { hi, lo };
}

/**
 * n images with two-region signatures: random hashes and thumbnails, the last 1% near copies of
 * earlier ones (hashes 1..6 bits apart on both regions, thumbnails with ±3 grey levels of noise),
 * so the pixel check runs on every planted pair and on whatever random candidates the radius
 * lets through.
 */
function signatures(n: number, seed: number): HashedImage[] {
  const next = random32(seed);
  const region = (): RegionSignature => {
    const thumbnail = new Uint8Array(256);
    for (let i = 0; i < 256; i++) thumbnail[i] = next() & 255;
    const phash = { hi: next(), lo: next() };
    return { phash, dhash: phash, thumbnail };
  };
  const near = (r: RegionSignature): RegionSignature => {
    let { hi, lo } = r.phash;
    for (let f = 1 + (next() % 6); f > 0; f--) {
      const bit = next() % 64;
      if (bit < 32) lo = (lo ^ (1 << bit)) >>> 0;
      else hi = (hi ^ (1 << (bit - 32))) >>> 0;
    }
    const thumbnail = r.thumbnail.map((v) => Math.min(255, Math.max(0, v + (next() % 7) - 3)));
    return { phash: { hi, lo }, dhash: { hi, lo }, thumbnail };
  };
  const planted = Math.floor(n / 100);
  const images: HashedImage[] = [];
  for (let k = 0; k < n - planted; k++) {
    images.push({
      id: `i${k}`,
      sha256: `s${k}`,
      signature: { frame: region(), content: region() },
    });
  }
  for (let k = n - planted; k < n; k++) {
    const src = images[next() % (n - planted)]!.signature!;
    images.push({
      id: `i${k}`,
      sha256: `s${k}`,
      signature: { frame: near(src.frame), content: near(src.content!) },
    });
  }
  return images;
}

const bench: Bench = {
  name: 'near-duplicates',
  description:
    'All pairs within Hamming radius r among n random 64-bit hashes (1% planted near copies): multi-index hashing vs brute force; ms per full self-join, one thread.',
  async run({ quick }) {
    const rows: Record<string, string | number>[] = [];
    const notes: string[] = [];
    for (const radius of quick ? [6] : [6, 10]) {
      const timings: Record<string, number> = {};
      for (const n of [10_000, 100_000]) {
        const cols = hashes(n, radius, n + radius);
        let pairs = 0;
        let chunks = 0;
        const mihOps = await opsPerSecond(
          () => {
            const index = HammingIndex.build(cols, { radius });
            chunks = index.chunkCount;
            pairs = index.pairsWithin(radius).length;
          },
          { minMs: quick ? 200 : 1000, minIterations: 2 },
        );
        timings[`mih${n}`] = 1000 / mihOps;
        rows.push({
          n,
          radius,
          method: `multi-index (m=${chunks})`,
          pairs,
          ms: round(1000 / mihOps),
        });
        if (n === 10_000) {
          let brutePairs = 0;
          const bruteOps = await opsPerSecond(
            () => (brutePairs = pairsWithinBruteForce(cols, radius).length),
            {
              minMs: quick ? 200 : 1000,
              minIterations: 2,
            },
          );
          timings.brute10000 = 1000 / bruteOps;
          if (brutePairs !== pairs)
            throw new Error(`pair counts differ: ${brutePairs} vs ${pairs}`);
          rows.push({
            n,
            radius,
            method: 'brute force',
            pairs: brutePairs,
            ms: round(1000 / bruteOps),
          });
        }
      }
      const speedup = timings.brute10000! / timings.mih10000!;
      const growth = timings.mih100000! / timings.mih10000!;
      notes.push(
        `r=${radius}: at n=10k the index is ${round(speedup)}× faster than brute force (same pairs). ` +
          `10k → 100k multiplies index time by ${round(growth)} (empirical exponent ${round(Math.log10(growth))}; brute force: 100, exponent 2), ` +
          `so brute force at 100k would take ≈ ${round((timings.brute10000! * 100) / 1000)} s vs ${round(timings.mih100000! / 1000)} s.`,
      );
    }
    // The whole near-duplicate step: the previous defaults (pHash of the content window within 6
    // bits, no pixel check) against the current ones (frame or content window within 8 bits,
    // confirmed on thumbnails).
    const timings: Record<string, number> = {};
    for (const n of quick ? [10_000] : [10_000, 100_000]) {
      const images = signatures(n, n);
      const previous = images.map((img) => ({
        ...img,
        signature: { frame: img.signature!.content! },
      }));
      const base = { hash: 'phash', maxPixelDifference: 0.2, maxListed: 50 } as const;
      for (const [method, list, options] of [
        ['previous: content pHash ≤ 6', previous, { ...base, threshold: 6, pixelCheck: false }],
        [
          'current: frame|content ≤ 8 + pixels',
          images,
          { ...base, threshold: 8, pixelCheck: true },
        ],
      ] as const) {
        let groups = 0;
        const ops = await opsPerSecond(() => (groups = findDuplicates(list, options).groupCount), {
          minMs: quick ? 200 : 1000,
          minIterations: 2,
        });
        timings[`${method}${n}`] = 1000 / ops;
        rows.push({ n, radius: options.threshold, method, pairs: groups, ms: round(1000 / ops) });
      }
      const ratio =
        timings[`current: frame|content ≤ 8 + pixels${n}`]! /
        timings[`previous: content pHash ≤ 6${n}`]!;
      notes.push(
        `n=${n}: the current near-duplicate step takes ${round(ratio)}× the previous one (same run).`,
      );
    }
    const a = signatures(2, 1)[0]!.signature!.frame.thumbnail;
    const b = signatures(2, 2)[0]!.signature!.frame.thumbnail;
    const checks = await opsPerSecond(() => pixelDifference(a, b), {
      minMs: quick ? 200 : 1000,
      opsPerCall: 1,
    });
    notes.push(
      `Pixel check: ${round(1e6 / checks)} µs per thumbnail pair; a candidate pair costs up to two (one per region). ` +
        'Random hashes give few candidates; clustered real data gives more (docs/data-suite.md: ≈ 0.6 candidate pairs per image on 2000 Fashion-MNIST images).',
    );
    return { rows, notes };
  },
};

export default bench;
