/**
 * The project's one pseudo-random generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled
 * linear pseudorandom number generators", ACM TOMS 2021), 32-bit integer arithmetic only
 * (Math.imul, shifts), so the same seed gives the same sequence on every platform and it is fast
 * in JS. The bootstrap (metrics/random.ts) seeds it from a number, the corruptions
 * (corruptions/rng.ts) from a string key; both add their samplers on top of this core.
 */
export class Xoshiro128 {
  protected s0: number;
  protected s1: number;
  protected s2: number;
  protected s3: number;

  /** A generator in the given state (the all-zero state, a fixed point, becomes s0 = 1). */
  constructor(state: readonly [number, number, number, number]) {
    this.s0 = state[0] >>> 0;
    this.s1 = state[1] >>> 0;
    this.s2 = state[2] >>> 0;
    this.s3 = state[3] >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * The state for a 32-bit seed, by SplitMix32 (the 32-bit variant of Steele, Lea & Flood's
   * SplitMix, OOPSLA 2014) as the xoshiro authors recommend, so nearby seeds give unrelated
   * streams. `seed` is reduced to 32 bits (seed >>> 0).
   */
  static stateOf(seed: number): [number, number, number, number] {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    return [next(), next(), next(), next()];
  }

  /** Next raw 32-bit output as a signed int32 (callers pick the bits they need). */
  nextI32(): number {
    const s1 = this.s1;
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result | 0;
  }

  /** Next raw 32-bit output as an unsigned integer. */
  nextU32(): number {
    return this.nextI32() >>> 0;
  }
}
