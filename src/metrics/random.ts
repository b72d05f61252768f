/**
 * Seeded, deterministic pseudo-random numbers for resampling. Same seed, same sequence, on every
 * platform: only 32-bit integer arithmetic (Math.imul, shifts) is used.
 *
 * Generator: the project's xoshiro128** (src/random.ts), its state made from the 32-bit seed by
 * SplitMix32, so nearby seeds give unrelated streams.
 */
import { Xoshiro128 } from '../random.js';

/** A source of uniform random numbers. */
export interface Random {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform integer in [0, n), without modulo bias; n in [1, 2³²]. */
  nextInt(n: number): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /**
   * Fill `out` with uniform integers in [0, n): the same values as `out.length` calls of
   * `nextInt(n)`, several times faster (bootstrap inner loop).
   */
  fillInts(out: Uint32Array | Int32Array, n: number): void;
}

/** Create a seeded generator. `seed` is reduced to 32 bits (seed >>> 0). */
export function createRandom(seed: number): Random {
  const core = new Xoshiro128(Xoshiro128.stateOf(seed));
  const nextUint32 = (): number => core.nextU32();

  const checkBound = (n: number): void => {
    if (!(n >= 1 && n <= 0x100000000 && Number.isInteger(n))) {
      throw new RangeError(`nextInt needs an integer n in [1, 2^32], got ${n}`);
    }
  };

  // Lemire's multiply-shift with rejection ("Fast random integer generation in an interval",
  // ACM TOMACS 2019): u·n < 2⁵³ is exact in a double for n ≤ 2²¹; its high 32 bits are the
  // result, and the rare low words below (2³² − n) mod n are rejected to remove the bias.
  const multiplyShift = (n: number): number => {
    let m = nextUint32() * n;
    let hi = Math.floor(m * 2.3283064365386963e-10); // m / 2³²
    let lo = m - hi * 0x100000000;
    if (lo < n) {
      const threshold = (0x100000000 - n) % n;
      while (lo < threshold) {
        m = nextUint32() * n;
        hi = Math.floor(m * 2.3283064365386963e-10);
        lo = m - hi * 0x100000000;
      }
    }
    return hi;
  };

  // Larger n: accept u below the largest multiple of n that fits in 2³², then u mod n is exactly
  // uniform.
  const moduloReject = (n: number): number => {
    const limit = 0x100000000 - (0x100000000 % n);
    let u = nextUint32();
    while (u >= limit) u = nextUint32();
    return u % n;
  };

  return {
    nextUint32,
    nextInt(n: number): number {
      checkBound(n);
      return n <= 0x200000 ? multiplyShift(n) : moduloReject(n);
    },
    fillInts(out: Uint32Array | Int32Array, n: number): void {
      checkBound(n);
      if (n > 0x200000) {
        for (let i = 0; i < out.length; i++) out[i] = moduloReject(n);
        return;
      }
      for (let i = 0; i < out.length; i++) out[i] = multiplyShift(n);
    },
    nextFloat(): number {
      const hi = nextUint32() >>> 5; // 27 bits
      const lo = nextUint32() >>> 6; // 26 bits
      return (hi * 67108864 + lo) / 9007199254740992; // (hi·2²⁶ + lo) / 2⁵³
    },
  };
}
