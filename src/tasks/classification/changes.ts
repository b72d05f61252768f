/** Examples that newly fail or are newly fixed between baseline and candidate. */
import { compareText } from '../../text/compare.js';
import type { ExampleChanges, ExampleLookup, PairedTables } from '../task.js';
import type { ClassificationTable } from './records.js';
import type { ExampleChange } from './schema.js';

/**
 * Per-example changes between baseline and candidate on paired examples: newly failing (the
 * baseline right, the candidate wrong; most confident mistakes first, the most surprising
 * regressions) and newly fixed (by id). Both lists are sorted and cut to `limit` entries before
 * any entry is made, so a large regression costs one index per changed example, not an object;
 * the counts are complete.
 */
export function exampleChanges(
  pairing: PairedTables<ClassificationTable>,
  lookup: ExampleLookup,
  classes: readonly string[],
  limit = Infinity,
): ExampleChanges<ExampleChange> {
  const c = pairing.candidate;
  const b = pairing.baseline;
  const failing: number[] = [];
  const fixed: number[] = [];
  let bothWrong = 0;
  for (let i = 0; i < c.length; i++) {
    const j = pairing.baseRow[i]!;
    if (j < 0 || !b) continue;
    const bOk = b.pred[j] === b.label[j];
    const cOk = c.pred[i] === c.label[i];
    if (!bOk && !cOk) bothWrong++;
    if (bOk === cOk) continue;
    (bOk ? failing : fixed).push(i);
  }
  failing.sort((x, y) => c.conf[y]! - c.conf[x]! || compareText(c.ids[x]!, c.ids[y]!));
  fixed.sort((x, y) => compareText(c.ids[x]!, c.ids[y]!));
  const change = (i: number): ExampleChange => {
    const j = pairing.baseRow[i]!;
    const e = lookup.exRowOfCand[i]!;
    return {
      id: c.ids[i]!,
      path: lookup.examples.paths[e]!,
      label: classes[c.label[i]!] ?? String(c.label[i]),
      baselinePred: classes[b!.pred[j]!] ?? String(b!.pred[j]),
      candidatePred: classes[c.pred[i]!] ?? String(c.pred[i]),
      candidateConf: c.conf[i]!,
      metadata: lookup.examples.metadataOf(e),
    };
  };
  return {
    newlyFailing: failing.slice(0, limit).map(change),
    newlyFixed: fixed.slice(0, limit).map(change),
    counts: { newlyFailing: failing.length, newlyFixed: fixed.length, bothWrong },
  };
}
