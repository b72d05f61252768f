/**
 * Radius search over 64-bit hashes in sub-quadratic time: multi-index hashing (Norouzi, Punjani
 * & Fleet, "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012).
 *
 * The 64 bits are cut into m disjoint chunks. If two hashes differ in at most r bits, then by the
 * pigeonhole principle at least one chunk differs in at most ⌊r/m⌋ bits. So each chunk gets a
 * bucket table (chunk value → item ids), a query probes, in every chunk, the values within
 * ⌊r/m⌋ bits of its own chunk, and only the items found there are checked with the full
 * distance. The paper's choice m ≈ 64 / log2(n) keeps buckets at about one item each, so a
 * query costs roughly m × (probes + n·probes / 2^(64/m)) instead of n.
 */
import { popcount32, type Hash64 } from '../../image/hashing.js';

/** Largest chunk: 2^20 buckets (a 4 MB offsets table per chunk). */
const MAX_CHUNK_BITS = 20;
const MIN_CHUNK_BITS = 4;

/** A pair of indexed items within the search radius (i < j for a self-join). */
export interface HammingPair {
  i: number;
  j: number;
  distance: number;
}

interface Chunk {
  start: number;
  width: number;
  /** Chunk value of every item. */
  keys: Uint32Array;
  /** CSR bucket table: items with chunk value v are ids[offsets[v] .. offsets[v+1]). */
  offsets: Uint32Array;
  ids: Uint32Array;
}

/** Hashes stored as two parallel arrays of unsigned 32-bit halves. */
export interface HashColumns {
  hi: Uint32Array;
  lo: Uint32Array;
}

/** Convert a list of hashes to columns. */
export function toHashColumns(hashes: readonly Hash64[]): HashColumns {
  const hi = new Uint32Array(hashes.length);
  const lo = new Uint32Array(hashes.length);
  hashes.forEach((h, k) => {
    hi[k] = h.hi;
    lo[k] = h.lo;
  });
  return { hi, lo };
}

/** Multi-index hash table over a fixed set of 64-bit hashes; see the module comment. */
export class HammingIndex {
  readonly size: number;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly chunks: Chunk[];
  private readonly seen: Uint32Array;
  private epoch = 0;
  private readonly plans = new Map<number, Uint32Array[] | undefined>();

  private constructor(columns: HashColumns, chunkCount: number) {
    this.hi = columns.hi;
    this.lo = columns.lo;
    this.size = columns.hi.length;
    this.seen = new Uint32Array(this.size);
    this.chunks = [];
    const base = Math.floor(64 / chunkCount);
    let extra = 64 - base * chunkCount;
    let start = 0;
    for (let c = 0; c < chunkCount; c++) {
      const width = base + (extra > 0 ? 1 : 0);
      if (extra > 0) extra--;
      this.chunks.push(buildChunk(columns, start, width));
      start += width;
    }
  }

  /**
   * Index `hashes`. Without `chunks`: when the search radius is known, the m whose estimated
   * query cost m·(probes + n·probes / 2^(64/m)) is lowest; otherwise the paper's
   * m = ⌈64 / log2 n⌉. Chunk widths stay between 4 and 20 bits.
   */
  static build(
    hashes: readonly Hash64[] | HashColumns,
    options: { chunks?: number; radius?: number } = {},
  ): HammingIndex {
    const columns = Array.isArray(hashes) ? toHashColumns(hashes) : (hashes as HashColumns);
    if (columns.hi.length !== columns.lo.length) throw new Error('hash columns differ in length');
    const n = columns.hi.length;
    const chunkCount =
      options.chunks ??
      (options.radius === undefined ? defaultChunkCount(n) : cheapestChunkCount(n, options.radius));
    if (!Number.isInteger(chunkCount) || chunkCount < 1 || chunkCount > 16) {
      throw new Error(`chunks must be an integer in 1..16, got ${chunkCount}`);
    }
    if (Math.ceil(64 / chunkCount) > MAX_CHUNK_BITS) {
      throw new Error(`chunks must be at least ${Math.ceil(64 / MAX_CHUNK_BITS)}`);
    }
    return new HammingIndex(columns, chunkCount);
  }

  /** Number of chunks (m). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /**
   * Call `visit(index, distance)` once for every indexed item within `radius` bits of `query`.
   * Falls back to a linear scan when probing would cost more than scanning (large radius or
   * tiny index), so the answer is always exact.
   */
  search(query: Hash64, radius: number, visit: (index: number, distance: number) => void): void {
    if (radius < 0 || this.size === 0) return;
    const qhi = query.hi >>> 0;
    const qlo = query.lo >>> 0;
    const hi = this.hi;
    const lo = this.lo;
    const plan = this.probePlan(radius);
    if (plan === undefined) {
      for (let k = 0; k < this.size; k++) {
        const d = popcount32(hi[k]! ^ qhi) + popcount32(lo[k]! ^ qlo);
        if (d <= radius) visit(k, d);
      }
      return;
    }
    const stamp = this.nextEpoch();
    const seen = this.seen;
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const key = chunkKey(qhi, qlo, chunk.start, chunk.width);
      const masks = plan[c]!;
      const offsets = chunk.offsets;
      const ids = chunk.ids;
      for (let m = 0; m < masks.length; m++) {
        const bucket = key ^ masks[m]!;
        const end = offsets[bucket + 1]!;
        for (let p = offsets[bucket]!; p < end; p++) {
          const k = ids[p]!;
          if (seen[k] === stamp) continue;
          seen[k] = stamp;
          const d = popcount32(hi[k]! ^ qhi) + popcount32(lo[k]! ^ qlo);
          if (d <= radius) visit(k, d);
        }
      }
    }
  }

  /** Per-chunk probe masks for a radius, or undefined when a linear scan is cheaper. Cached. */
  private probePlan(radius: number): Uint32Array[] | undefined {
    if (this.plans.has(radius)) return this.plans.get(radius);
    const sub = Math.floor(radius / this.chunks.length);
    const plan = this.chunks.map((chunk) => maskTable(chunk.width, sub));
    const probes = plan.reduce((s, masks) => s + masks.length, 0);
    const result = probes >= this.size ? undefined : plan;
    this.plans.set(radius, result);
    return result;
  }

  /** Every pair (i < j) of indexed items within `radius` bits of each other. */
  pairsWithin(radius: number): HammingPair[] {
    const pairs: HammingPair[] = [];
    for (let i = 0; i < this.size; i++) {
      this.search({ hi: this.hi[i]!, lo: this.lo[i]! }, radius, (j, distance) => {
        if (j > i) pairs.push({ i, j, distance });
      });
    }
    return pairs;
  }

  private nextEpoch(): number {
    this.epoch++;
    if (this.epoch === 0xffffffff) {
      this.seen.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }
}

/** Brute-force reference for {@link HammingIndex.pairsWithin}: O(n²) distance computations. */
export function pairsWithinBruteForce(columns: HashColumns, radius: number): HammingPair[] {
  const { hi, lo } = columns;
  const pairs: HammingPair[] = [];
  const n = hi.length;
  for (let i = 0; i < n; i++) {
    const ahi = hi[i]!;
    const alo = lo[i]!;
    for (let j = i + 1; j < n; j++) {
      const d = popcount32(hi[j]! ^ ahi) + popcount32(lo[j]! ^ alo);
      if (d <= radius) pairs.push({ i, j, distance: d });
    }
  }
  return pairs;
}

function defaultChunkCount(n: number): number {
  const bits = Math.min(
    MAX_CHUNK_BITS,
    Math.max(MIN_CHUNK_BITS, Math.round(Math.log2(Math.max(2, n)))),
  );
  return Math.ceil(64 / bits);
}

/** Estimated work per query (bucket probes + candidates checked) for m chunks at a radius. */
function queryCost(n: number, chunks: number, radius: number): number {
  const width = Math.ceil(64 / chunks);
  const sub = Math.floor(radius / chunks);
  let probes = 0;
  let binom = 1;
  for (let k = 0; k <= Math.min(sub, width); k++) {
    probes += binom;
    binom = (binom * (width - k)) / (k + 1);
  }
  return chunks * (probes + (n * probes) / 2 ** width);
}

function cheapestChunkCount(n: number, radius: number): number {
  let best = Math.ceil(64 / MAX_CHUNK_BITS);
  for (let m = best + 1; m <= 64 / MIN_CHUNK_BITS; m++) {
    if (queryCost(n, m, radius) < queryCost(n, best, radius)) best = m;
  }
  return best;
}

function chunkKey(hi: number, lo: number, start: number, width: number): number {
  const mask = width >= 32 ? 0xffffffff : (1 << width) - 1;
  if (start + width <= 32) return (lo >>> start) & mask;
  if (start >= 32) return (hi >>> (start - 32)) & mask;
  const lowBits = 32 - start;
  return ((lo >>> start) | ((hi & ((1 << (width - lowBits)) - 1)) << lowBits)) >>> 0;
}

function buildChunk(columns: HashColumns, start: number, width: number): Chunk {
  const n = columns.hi.length;
  const keys = new Uint32Array(n);
  const offsets = new Uint32Array((1 << width) + 1);
  for (let k = 0; k < n; k++) {
    const key = chunkKey(columns.hi[k]!, columns.lo[k]!, start, width);
    keys[k] = key;
    offsets[key + 1]!++;
  }
  for (let v = 1; v < offsets.length; v++) offsets[v]! += offsets[v - 1]!;
  const fill = offsets.slice(0, offsets.length - 1);
  const ids = new Uint32Array(n);
  for (let k = 0; k < n; k++) ids[fill[keys[k]!]!++] = k;
  return { start, width, keys, offsets, ids };
}

const maskCache = new Map<string, Uint32Array>();

/** All width-bit masks with at most `radius` bits set (the values XORed onto a chunk key). */
function maskTable(width: number, radius: number): Uint32Array {
  const r = Math.min(radius, width);
  const cacheKey = `${width}:${r}`;
  const cached = maskCache.get(cacheKey);
  if (cached) return cached;
  const masks: number[] = [0];
  const extend = (mask: number, from: number, left: number): void => {
    if (left === 0) return;
    for (let b = from; b < width; b++) {
      const next = (mask | (1 << b)) >>> 0;
      masks.push(next);
      extend(next, b + 1, left - 1);
    }
  };
  extend(0, 0, r);
  const table = Uint32Array.from(masks);
  maskCache.set(cacheKey, table);
  return table;
}
