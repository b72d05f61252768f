/**
 * Records are stored with 7 significant digits. Quantising when a record is made (not when it
 * is written) means a report computed in memory equals one recomputed from the records file,
 * which is what makes stored baselines and shard merges reproduce a run exactly. Every task's
 * records share it.
 */
export function quantize(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(7));
}
