/**
 * Near-duplicate search: all pairs within a Hamming radius among n random 64-bit hashes (plus
 * planted near pairs), multi-index hashing (src/suites/data/hamming-index.ts) vs brute force.
 * Brute force is O(n²); the index should grow much more slowly (the paper's m ≈ 64 / log2 n
 * keeps buckets near one item; given r we pick m with a cost model). Random hashes are the index's best case — real pHashes cluster —
 * so the 100k row also reports how many candidates were checked per query.
 */
import {
  HammingIndex,
  pairsWithinBruteForce,
  type HashColumns,
} from '../src/suites/data/hamming-index.js';
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
    return { rows, notes };
  },
};

export default bench;
