// The seeded generator behind every corruption: reproducible sequences and correct distributions.
import { describe, expect, it } from 'vitest';
import { hashString, Rng, rngFor } from '../../src/corruptions/rng.js';

describe('Rng', () => {
  it('repeats a key’s sequence exactly and separates nearby keys', () => {
    const a = Rng.fromKey('img-1');
    const b = Rng.fromKey('img-1');
    const c = Rng.fromKey('img-2');
    const sa = Array.from({ length: 100 }, () => a.nextU32());
    expect(Array.from({ length: 100 }, () => b.nextU32())).toEqual(sa);
    const sc = Array.from({ length: 100 }, () => c.nextU32());
    expect(sc.filter((v, i) => v === sa[i]).length).toBe(0);
    expect(hashString('a')).not.toEqual(hashString('b'));
  });

  it('produces the same numbers on every machine (golden values)', () => {
    // xoshiro128** uses 32-bit integer arithmetic only: these must never change.
    const r = Rng.fromKey('golden');
    expect(Array.from({ length: 4 }, () => r.nextU32())).toMatchInlineSnapshot(`
      [
        2401338469,
        2254274925,
        1652550258,
        2870589810,
      ]
    `);
  });

  it('seeds from example, corruption and severity separately', () => {
    const first = (key: string, name: string, s: number): number => rngFor(key, name, s).nextU32();
    const base = first('x', 'fog', 1);
    expect(first('x', 'fog', 1)).toBe(base);
    expect(first('y', 'fog', 1)).not.toBe(base);
    expect(first('x', 'snow', 1)).not.toBe(base);
    expect(first('x', 'fog', 2)).not.toBe(base);
  });

  it('fillI32 continues the nextI32 sequence', () => {
    const a = Rng.fromKey('k');
    const b = Rng.fromKey('k');
    const bulk = new Int32Array(1000);
    a.fillI32(bulk);
    expect(Array.from(bulk)).toEqual(Array.from({ length: 1000 }, () => b.nextI32()));
    expect(a.nextI32()).toBe(b.nextI32());
  });

  it('uniform is uniform on [0, 1) and int honours numpy’s exclusive high', () => {
    const r = Rng.fromKey('u');
    const n = 200_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.003);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const k = r.int(-2, 2);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([-1, -2, 0, 1].sort());
    for (const c of counts.values()) expect(Math.abs(c / 60_000 - 0.25)).toBeLessThan(0.01);
  });

  it.each(['normal', 'fillNormal'] as const)(
    '%s draws a standard normal (moments, tails)',
    (how) => {
      const r = Rng.fromKey(`n-${how}`);
      const n = 1_000_000;
      const z = new Float64Array(n);
      if (how === 'normal') for (let i = 0; i < n; i++) z[i] = r.normal();
      else r.fillNormal(z);
      let s1 = 0;
      let s2 = 0;
      let s4 = 0;
      let beyond196 = 0;
      let beyondR = 0;
      for (const v of z) {
        s1 += v;
        s2 += v * v;
        s4 += v ** 4;
        if (Math.abs(v) > 1.959964) beyond196++;
        if (v > 3.442619855899) beyondR++; // the ziggurat's tail region
      }
      expect(Math.abs(s1 / n)).toBeLessThan(0.005);
      expect(Math.abs(s2 / n - 1)).toBeLessThan(0.006);
      expect(Math.abs(s4 / n - 3)).toBeLessThan(0.05);
      expect(Math.abs(beyond196 / n - 0.05)).toBeLessThan(0.0015);
      // P(Z > 3.4426) = 2.88e-4: ~288 of 1e6
      expect(beyondR).toBeGreaterThan(220);
      expect(beyondR).toBeLessThan(360);
    },
  );
});
