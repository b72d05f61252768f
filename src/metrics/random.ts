/**
 * Seeded, deterministic pseudo-random numbers for resampling. Same seed, same sequence, on every
 * platform: only 32-bit integer arithmetic (Math.imul, shifts) is used.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 2021), state seeded from the 32-bit seed by SplitMix32 (the 32-bit
 * variant of Steele, Lea & Flood's SplitMix, OOPSLA 2014) as the xoshiro authors recommend, so
 * nearby seeds give unrelated streams.
 */

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
  let x = seed >>> 0;
  const splitMix32 = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitMix32();
  let s1 = splitMix32();
  let s2 = splitMix32();
  let s3 = splitMix32();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

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

function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}
