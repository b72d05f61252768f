/**
 * Seeded random numbers for corruptions. Everything random in a corruption comes from one
 * {@link Rng} seeded from `seedKey + corruption + severity`, so an example's corrupted bytes are
 * the same on every run and machine (V8 implements Math.exp/log/sqrt with its own fdlibm port, so
 * these do not vary by platform either). `Math.random` is never used.
 *
 * Generator: the project's xoshiro128** (src/random.ts), seeded by hashing the key, then 8
 * outputs discarded.
 * Normal deviates: the Marsaglia–Tsang ziggurat (128 layers), with the layer index and the value
 * taken from disjoint bits of one draw (Doornik's remark on the original's correlated bits).
 */

import { Xoshiro128 } from '../random.js';

const TWO_POW_32 = 4294967296;

/** Mix a 32-bit value (murmur3's finaliser). */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Four 32-bit words from a string (UTF-16 code units), each lane with its own multiplier, then
 * finalised. Not cryptographic: it only needs to spread nearby keys (`img-1`, `img-2`) far apart.
 */
export function hashString(text: string): [number, number, number, number] {
  let a = 0x243f6a88;
  let b = 0x85a308d3;
  let c = 0x13198a2e;
  let d = 0x03707344;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    a = Math.imul(a ^ k, 0x01000193);
    b = Math.imul(b ^ k, 0x5bd1e995);
    c = Math.imul(c ^ k, 0x27d4eb2f);
    d = Math.imul(d ^ k, 0x165667b1);
    a = (a << 13) | (a >>> 19);
    b = (b << 17) | (b >>> 15);
  }
  const n = text.length;
  a = mix32(a ^ n);
  b = mix32(b ^ a);
  c = mix32(c ^ b);
  d = mix32(d ^ c);
  return [a, b, c, d];
}

// Ziggurat tables (Marsaglia & Tsang 2000, 128 layers). Values are scaled so that a signed 25-bit
// integer j in [-2^24, 2^24) maps to x = j * W[i]; |j| < K[i] accepts without a density test.
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const ZIG_M = 16777216; // 2^24
const ZK = new Float64Array(128);
const ZW = new Float64Array(128);
const ZF = new Float64Array(128);
{
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  ZK[0] = (dn / q) * ZIG_M;
  ZK[1] = 0;
  ZW[0] = q / ZIG_M;
  ZW[127] = dn / ZIG_M;
  ZF[0] = 1;
  ZF[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    ZK[i + 1] = (dn / tn) * ZIG_M;
    tn = dn;
    ZF[i] = Math.exp(-0.5 * dn * dn);
    ZW[i] = dn / ZIG_M;
  }
}

/** ZK as integers: for an integer j, j < ZK[i] ⇔ j < ceil(ZK[i]); integer compares are cheaper. */
const ZKI = Int32Array.from(ZK, (v) => Math.ceil(v));

/** A seeded xoshiro128** generator (src/random.ts) with uniform, integer and normal samplers. */
export class Rng extends Xoshiro128 {
  constructor(seed: readonly [number, number, number, number]) {
    super(seed);
    for (let i = 0; i < 8; i++) this.nextU32();
  }

  /** A generator seeded from a string key. */
  static fromKey(key: string): Rng {
    return new Rng(hashString(key));
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return (this.nextI32() >>> 0) / TWO_POW_32;
  }

  /** Uniform in (0, 1): never 0, so safe under a logarithm. */
  uniformOpen(): number {
    return ((this.nextI32() >>> 0) + 0.5) / TWO_POW_32;
  }

  /** Uniform in [low, high). */
  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Integer uniform in [low, high) (numpy `randint` semantics: high is exclusive). */
  int(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low));
  }

  /** Standard normal deviate (ziggurat). */
  normal(): number {
    const u = this.nextI32();
    const i = u & 127;
    const j = u >> 7; // signed 25-bit, disjoint from the layer bits
    if ((j ^ (j >> 31)) - (j >> 31) < ZKI[i]!) return j * ZW[i]!;
    return slowNormal(i, j, () => this.nextI32());
  }

  /**
   * Fill `out` with raw int32 outputs: the same sequence as repeated {@link nextI32} calls, with
   * the state held in locals (several times faster in V8 than method calls).
   */
  fillI32(out: Int32Array, from = 0, to = out.length): void {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let k = from; k < to; k++) {
      const r = Math.imul(s1, 5);
      out[k] = Math.imul((r << 7) | (r >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Fill `out` with uniform deviates in [low, high). */
  fillUniform(out: Float32Array | Float64Array, low: number, high: number): void {
    const raw = scratch(out.length);
    this.fillI32(raw, 0, out.length);
    const span = (high - low) / TWO_POW_32;
    for (let k = 0; k < out.length; k++) out[k] = low + (raw[k]! >>> 0) * span;
  }

  /**
   * Fill `out` with normal deviates of the given mean and standard deviation. Same ziggurat as
   * {@link normal}, fed from a bulk buffer of raw draws.
   */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): void {
    const n = out.length;
    const raw = scratch(n);
    this.fillI32(raw, 0, n);
    // Fast pass over all values; the ~1.2 % that fall outside their layer's rectangle are listed
    // and finished afterwards (wedge test or tail), drawing further values from the generator.
    let rejected = rejectScratch(n);
    let count = 0;
    for (let k = 0; k < n; k++) {
      const u = raw[k]!;
      const i = u & 127;
      const j = u >> 7;
      out[k] = mean + std * j * ZW[i]!;
      if ((j ^ (j >> 31)) - (j >> 31) >= ZKI[i]!) {
        if (count === rejected.length) rejected = growRejects(count);
        rejected[count++] = k;
      }
    }
    const next = (): number => this.nextI32();
    for (let r = 0; r < count; r++) {
      const k = rejected[r]!;
      const u = raw[k]!;
      out[k] = mean + std * slowNormal(u & 127, u >> 7, next);
    }
  }
}

let rejectBuf = new Int32Array(4096);
function rejectScratch(n: number): Int32Array {
  const want = (n >> 5) + 64;
  if (rejectBuf.length < want) rejectBuf = new Int32Array(want);
  return rejectBuf;
}
function growRejects(count: number): Int32Array {
  const bigger = new Int32Array(Math.max(64, count * 2));
  bigger.set(rejectBuf.subarray(0, count));
  rejectBuf = bigger;
  return bigger;
}

/** A shared scratch buffer for raw draws (corruptions run one at a time per thread). */
let scratchBuf = new Int32Array(1 << 16);
function scratch(n: number): Int32Array {
  if (scratchBuf.length < n) scratchBuf = new Int32Array(Math.max(n, scratchBuf.length * 2));
  return scratchBuf;
}

/** The ziggurat's rare paths: the tail beyond R (layer 0) and the wedge density test. */
function slowNormal(i0: number, j0: number, next: () => number): number {
  let i = i0;
  let j = j0;
  for (;;) {
    if (i === 0) {
      let x: number;
      let y: number;
      do {
        x = -Math.log(((next() >>> 0) + 0.5) / TWO_POW_32) / ZIG_R;
        y = -Math.log(((next() >>> 0) + 0.5) / TWO_POW_32);
      } while (y + y < x * x);
      return j > 0 ? ZIG_R + x : -ZIG_R - x;
    }
    const x = j * ZW[i]!;
    if (ZF[i]! + ((next() >>> 0) / TWO_POW_32) * (ZF[i - 1]! - ZF[i]!) < Math.exp(-0.5 * x * x))
      return x;
    const u = next();
    i = u & 127;
    j = u >> 7;
    if ((j ^ (j >> 31)) - (j >> 31) < ZKI[i]!) return j * ZW[i]!;
  }
}

/** The generator for one (example, corruption, severity): the determinism contract. */
export function rngFor(seedKey: string, corruption: string, severity: number): Rng {
  // A separator that cannot occur in corruption names keeps `a|b` and `ab|` apart.
  return Rng.fromKey(`${seedKey}\u0000${corruption}\u0000${severity}`);
}
