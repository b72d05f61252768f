import { createHash } from 'node:crypto';
import type { ExampleTable } from '../../tables/examples.js';

/**
 * A deterministic stratified sample: strata are (class, values of the given metadata columns);
 * each stratum gets a share proportional to its size (largest remainder, so the total is exactly
 * `size`), and within a stratum the examples with the smallest sha256(seed, id) are taken. The
 * result depends only on the example ids, labels, metadata and seed, never on their order or on
 * sharding, so shards and the single run corrupt the same examples.
 */
export function stratifiedSample(
  examples: ExampleTable,
  size: number,
  columns: readonly string[],
  seed: number,
): Set<string> {
  if (size >= examples.length) return new Set(examples.ids);
  const strata = new Map<string, number[]>();
  const cols = columns.map((c) => examples.column(c));
  for (let i = 0; i < examples.length; i++) {
    const key = JSON.stringify([
      examples.labelCodes[i],
      ...cols.map((c) => (c < 0 ? null : (examples.value(c, i) ?? null))),
    ]);
    const list = strata.get(key);
    if (list) list.push(i);
    else strata.set(key, [i]);
  }
  const keys = [...strata.keys()].sort();
  const n = examples.length;
  const quotas = keys.map((k) => {
    const exact = (strata.get(k)!.length * size) / n;
    return { k, take: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let left = size - quotas.reduce((a, q) => a + q.take, 0);
  for (const q of [...quotas].sort((a, b) => b.rest - a.rest || (a.k < b.k ? -1 : 1))) {
    if (left <= 0) break;
    q.take++;
    left--;
  }
  const rank = (id: string) => createHash('sha256').update(`${seed}\u0000${id}`).digest('hex');
  const out = new Set<string>();
  for (const q of quotas) {
    const members = strata
      .get(q.k)!
      .map((i) => ({ id: examples.ids[i]!, r: rank(examples.ids[i]!) }))
      .sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
    for (const m of members.slice(0, q.take)) out.add(m.id);
  }
  return out;
}
