/** Pinned cases of classification: the example is present and its predicted class is its label. */
import type { ClassificationTable } from './records.js';
import type { PinnedCase } from './schema.js';

/** Pinned cases: each id must be present and classified correctly by the candidate. */
export function checkPinned(
  ids: readonly string[],
  candidate: ClassificationTable,
  classes: readonly string[],
): PinnedCase[] {
  const wanted = new Set(ids);
  const rowOf = new Map<string, number>();
  candidate.ids.forEach((id, i) => {
    if (wanted.has(id)) rowOf.set(id, i);
  });
  return ids.map((id) => {
    const i = rowOf.get(id);
    if (i === undefined) return { id, status: 'missing' as const };
    const label = candidate.label[i]!;
    const pred = candidate.pred[i]!;
    return {
      id,
      status: pred === label ? ('pass' as const) : ('fail' as const),
      label: classes[label] ?? String(label),
      pred: classes[pred] ?? String(pred),
    };
  });
}
