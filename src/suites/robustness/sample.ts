import { createHash } from 'node:crypto';
import type { Example } from '../../types.js';

/**
 * A deterministic stratified sample: strata are (class, values of the given metadata columns);
 * each stratum gets a share proportional to its size (largest remainder, so the total is exactly
 * `size`), and within a stratum the examples with the smallest sha256(seed, id) are taken. The
 * result depends only on the example ids, labels, metadata and seed, never on their order or on
 * sharding, so shards and the single run corrupt the same examples.
 */
export function stratifiedSample(
  examples: readonly Example[],
  size: number,
  columns: readonly string[],
  seed: number,
): Set<string> {
  if (size >= examples.length) return new Set(examples.map((e) => e.id));
  const strata = new Map<string, Example[]>();
  for (const e of examples) {
    const key = JSON.stringify([e.labelIndex, ...columns.map((c) => e.metadata[c] ?? null)]);
    const list = strata.get(key);
    if (list) list.push(e);
    else strata.set(key, [e]);
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
      .map((e) => ({ id: e.id, r: rank(e.id) }))
      .sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
    for (const m of members.slice(0, q.take)) out.add(m.id);
  }
  return out;
}
