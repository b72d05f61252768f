import { UserError } from '../errors.js';
import type { ExampleTable } from '../tables/examples.js';

/** Shard `index` of `count`, 1-based as users write it: `2/4`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parse `i/n` (1 ≤ i ≤ n ≤ 1024). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > 1024 || index < 1 || index > count) {
    throw new UserError('usage', `invalid shard "${text}": use i/n with 1 ≤ i ≤ n, e.g. 2/4`);
  }
  return { index, count };
}

/**
 * The examples of one shard: within each class, in manifest order, every count-th example
 * starting at index−1. Deterministic, disjoint, covering, and balanced by class, so each shard
 * sees every class in proportion.
 */
export function selectShard(examples: ExampleTable, shard: Shard): ExampleTable {
  const seen = new Map<number, number>();
  const rows: number[] = [];
  for (let i = 0; i < examples.length; i++) {
    const label = examples.labelCodes[i]!;
    const n = seen.get(label) ?? 0;
    seen.set(label, n + 1);
    if (n % shard.count === shard.index - 1) rows.push(i);
  }
  return examples.select(rows);
}
