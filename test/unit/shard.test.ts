import { describe, expect, it } from 'vitest';
import { parseShard, selectShard } from '../../src/engine/shard.js';
import { isUserError } from '../../src/errors.js';
import type { Example } from '../../src/types.js';
import { exampleObjects, tableOf } from '../support/tables.js';

const ex = (id: string, labelIndex: number): Example => ({
  id,
  path: `${id}.png`,
  absPath: `/d/${id}.png`,
  label: `c${labelIndex}`,
  labelIndex,
  metadata: {},
});

describe('parseShard', () => {
  it.each([
    ['2/4', { index: 2, count: 4 }],
    [' 3 / 3 ', { index: 3, count: 3 }],
    ['1/1', { index: 1, count: 1 }],
    ['1024/1024', { index: 1024, count: 1024 }],
  ])('%j → %j', (text, shard) => {
    expect(parseShard(text)).toEqual(shard);
  });

  it.each(['0/4', '5/4', '1/0', '1/1025', '-1/4', '1.5/4', 'a/b', '2', '', '2/4/6', '2 of 4'])(
    'refuses %j with a usage error naming it',
    (text) => {
      try {
        parseShard(text);
        expect.unreachable();
      } catch (error) {
        expect(isUserError(error)).toBe(true);
        expect((error as { kind: string }).kind).toBe('usage');
        expect((error as Error).message).toBe(
          `invalid shard "${text}": use i/n with 1 ≤ i ≤ n, e.g. 2/4`,
        );
      }
    },
  );
});

/** selectShard on example objects (through a table), as objects. */
const shardOf = (examples: readonly Example[], shard: { index: number; count: number }) =>
  exampleObjects(selectShard(tableOf(examples), shard));

describe('selectShard', () => {
  it('takes every count-th example of each class, in manifest order (hand-worked)', () => {
    // Manifest: a0 b0 a1 a2 b1 a3 b2 a4 (class a = 0, b = 1).
    // Class a in order: a0 a1 a2 a3 a4 → shard 1/2 takes positions 0, 2, 4 = a0, a2, a4;
    // class b: b0 b1 b2 → positions 0, 2 = b0, b2. In manifest order: a0 b0 a2 b2 a4.
    const all = [
      ex('a0', 0),
      ex('b0', 1),
      ex('a1', 0),
      ex('a2', 0),
      ex('b1', 1),
      ex('a3', 0),
      ex('b2', 1),
      ex('a4', 0),
    ];
    expect(shardOf(all, { index: 1, count: 2 }).map((e) => e.id)).toEqual([
      'a0',
      'b0',
      'a2',
      'b2',
      'a4',
    ]);
    expect(shardOf(all, { index: 2, count: 2 }).map((e) => e.id)).toEqual(['a1', 'b1', 'a3']);
  });

  // 3 classes with 17, 9 and 1 examples, interleaved in a fixed pseudo-random order.
  const examples: Example[] = [];
  {
    const left = [17, 9, 1];
    let seed = 7;
    let n = 0;
    while (left.some((c) => c > 0)) {
      seed = (seed * 48271) % 2147483647;
      const k = seed % 3;
      if (left[k]! === 0) continue;
      left[k]!--;
      examples.push(ex(`e${n++}`, k));
    }
  }

  for (const count of [1, 2, 3, 4, 5, 17, 30]) {
    it(`${count} shard(s): disjoint, covering, class-balanced, deterministic`, () => {
      const shards = Array.from({ length: count }, (_, i) =>
        shardOf(examples, { index: i + 1, count }),
      );
      const ids = shards.flatMap((s) => s.map((e) => e.id));
      // Disjoint: no id twice. Covering: every id once.
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(examples.map((e) => e.id).sort());
      // Within a shard, manifest order is kept.
      const position = new Map(examples.map((e, i) => [e.id, i]));
      for (const s of shards) {
        const pos = s.map((e) => position.get(e.id)!);
        expect(pos).toEqual([...pos].sort((a, b) => a - b));
      }
      // Balanced: for each class, shard sizes differ by at most 1 (17 over 4 shards: 5,4,4,4).
      for (const k of [0, 1, 2]) {
        const sizes = shards.map((s) => s.filter((e) => e.labelIndex === k).length);
        expect(
          Math.max(...sizes) - Math.min(...sizes),
          `class ${k}: ${sizes.join(',')}`,
        ).toBeLessThanOrEqual(1);
        const total = examples.filter((e) => e.labelIndex === k).length;
        // The first (total mod count) shards get one more: ceil then floor.
        sizes.forEach((size, i) =>
          expect(size).toBe(Math.floor(total / count) + (i < total % count ? 1 : 0)),
        );
      }
      // Deterministic: the same call gives the same shard.
      expect(shardOf(examples, { index: 1, count }).map((e) => e.id)).toEqual(
        shards[0]!.map((e) => e.id),
      );
    });
  }

  it('more shards than examples: the extra shards are empty, not errors', () => {
    expect(shardOf([ex('only', 0)], { index: 2, count: 3 })).toEqual([]);
    expect(shardOf([], { index: 1, count: 1 })).toEqual([]);
  });
});
