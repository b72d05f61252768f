/**
 * The frame of a report: the examples it is about (those with a clean candidate record), in
 * example order, lined up with the candidate's record rows.
 */
import { createHash } from 'node:crypto';
import type { ExampleTable } from '../tables/examples.js';
import type { RecordTableCore } from '../tables/records.js';

/**
 * The examples a report is about: those with a clean candidate record, in example order. Slices
 * hold positions in the frame; the metrics read the candidate rows at those positions.
 */
export interface Frame {
  examples: ExampleTable;
  /** Example-table row per position. */
  exRows: Uint32Array;
  /** Candidate-record row per position. */
  candRows: Uint32Array;
  /** Example-table row of each candidate record (−1 for an id that is not an example). */
  exRowOfCand: Int32Array;
}

/** Line up the examples with the candidate's records (by id; no Map when they are in order). */
export function frameOf(examples: ExampleTable, candidate: RecordTableCore): Frame {
  const exRowOfCand = new Int32Array(candidate.length).fill(-1);
  // Records of a run follow example order: walk both lists once.
  let j = 0;
  let inOrder = true;
  for (let i = 0; i < candidate.length && inOrder; i++) {
    const id = candidate.ids[i];
    while (j < examples.length && examples.ids[j] !== id) j++;
    if (j === examples.length) inOrder = false;
    else exRowOfCand[i] = j++;
  }
  if (!inOrder) {
    const byId = examples.indexById();
    candidate.ids.forEach((id, i) => (exRowOfCand[i] = byId.get(id) ?? -1));
  }
  const candOfEx = new Int32Array(examples.length).fill(-1);
  exRowOfCand.forEach((e, i) => {
    if (e >= 0) candOfEx[e] = i;
  });
  let m = 0;
  for (const c of candOfEx) if (c >= 0) m++;
  const exRows = new Uint32Array(m);
  const candRows = new Uint32Array(m);
  for (let e = 0, p = 0; e < examples.length; e++) {
    if (candOfEx[e]! < 0) continue;
    exRows[p] = e;
    candRows[p++] = candOfEx[e]!;
  }
  return { examples, exRows, candRows, exRowOfCand };
}

/**
 * sha256 over the sorted (id, image sha256) pairs of a table's records: the same examples with
 * the same bytes give the same hash, in any order and any sharding.
 */
export function contentHash(table: RecordTableCore): string {
  const hash = createHash('sha256');
  const ids = table.ids;
  const byId = Uint32Array.from({ length: table.length }, (_, i) => i).sort((a, b) =>
    ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0,
  );
  for (const i of byId) hash.update(`${ids[i]}\u0000${table.hashes.get(i)}\n`);
  return hash.digest('hex');
}
