/** Examples that newly fail or are newly fixed between baseline and candidate. */
import type { Frame } from '../../analysis/frame.js';
import type { Pairing } from '../../analysis/pairing.js';
import { compareText } from '../../analysis/slices.js';
import type { ExampleChange } from './schema.js';
import type { RecordTable } from '../../tables/records.js';

/** Per-example changes between baseline and candidate on paired examples. */
export interface ExampleChanges {
  /** The first `limit` newly failing examples, most confident mistakes first. */
  newlyFailing: ExampleChange[];
  /** The first `limit` newly fixed examples, by id. */
  newlyFixed: ExampleChange[];
  counts: { newlyFailing: number; newlyFixed: number; bothWrong: number };
}

/**
 * Per-example changes between baseline and candidate on paired examples. Both lists are sorted
 * and cut to `limit` entries before any entry is made, so a large regression costs one index
 * per changed example, not an object; the counts are complete.
 */
export function exampleChanges(
  pairing: Pairing<RecordTable>,
  frame: Pick<Frame, 'examples' | 'exRowOfCand'>,
  classes: readonly string[],
  limit = Infinity,
): ExampleChanges {
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
  // Most confident mistakes first: those are the most surprising regressions.
  failing.sort((x, y) => c.conf[y]! - c.conf[x]! || compareText(c.ids[x]!, c.ids[y]!));
  fixed.sort((x, y) => compareText(c.ids[x]!, c.ids[y]!));
  const change = (i: number): ExampleChange => {
    const j = pairing.baseRow[i]!;
    const e = frame.exRowOfCand[i]!;
    return {
      id: c.ids[i]!,
      path: frame.examples.paths[e]!,
      label: classes[c.label[i]!] ?? String(c.label[i]),
      baselinePred: classes[b!.pred[j]!] ?? String(b!.pred[j]),
      candidatePred: classes[c.pred[i]!] ?? String(c.pred[i]),
      candidateConf: c.conf[i]!,
      metadata: frame.examples.metadataOf(e),
    };
  };
  return {
    newlyFailing: failing.slice(0, limit).map(change),
    newlyFixed: fixed.slice(0, limit).map(change),
    counts: { newlyFailing: failing.length, newlyFixed: fixed.length, bothWrong },
  };
}
