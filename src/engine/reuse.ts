import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ExampleTable } from '../tables/examples.js';
import { HashColumn, RecordSet } from '../tables/records.js';
import type { Task } from '../tasks/task.js';
import type { ModelUnderTest, Variant } from './evaluate.js';
import type { StoredResult } from './results.js';
import { summarizeContract } from './summary.js';

/** Why stored records could or could not stand in for running the baseline model. */
export type ReuseDecision =
  { reuse: true; records: RecordSet; from: string } | { reuse: false; why: string };

/**
 * Decide whether a stored result can replace running the baseline model: it must come from the
 * same model file (sha256) with the same input contract, and hold a record for every
 * (variant, example) this run needs, made from the same image bytes. All or nothing: a partial
 * match runs the model, so a reused baseline is always exactly what running it would give.
 */
export async function decideReuse(
  stored: StoredResult,
  baseline: ModelUnderTest,
  examples: ExampleTable,
  variants: readonly Variant[],
  task: Task,
): Promise<ReuseDecision> {
  const summary = stored.report.models.candidate;
  if (summary.sha256 !== baseline.model.sha256) {
    return {
      reuse: false,
      why: `it was made with another model (sha256 ${summary.sha256?.slice(0, 12) ?? '?'} vs ${baseline.model.sha256.slice(0, 12)})`,
    };
  }
  const want = summarizeContract(baseline.contract);
  if (JSON.stringify(summary.input) !== JSON.stringify(want)) {
    return { reuse: false, why: 'its input contract (size, resize, channels, layout) differs' };
  }
  const hashes = await imageHashes(examples);
  const tables = [];
  for (const v of variants) {
    const from = stored.records.table('candidate', v.name);
    const rowOf = from?.indexById();
    const out = task.builder('baseline', v.name);
    for (let e = 0; e < examples.length; e++) {
      const id = examples.ids[e]!;
      if (v.ids && !v.ids.has(id)) continue;
      const r = rowOf?.get(id);
      if (r === undefined) return { reuse: false, why: `it has no record for ${id} (${v.name})` };
      if (!hashes.read[e] || !from!.hashes.equals(r, hashes.column, e))
        return { reuse: false, why: `the image of ${id} changed since` };
      out.copyRow(from!, r);
    }
    tables.push(out.finish());
  }
  return { reuse: true, records: new RecordSet(tables), from: stored.dir };
}

/** sha256 of each example's file bytes (the same hash the evaluation pass records), by row. */
async function imageHashes(
  examples: ExampleTable,
): Promise<{ column: HashColumn; read: Uint8Array }> {
  const column = new HashColumn(examples.length);
  const read = new Uint8Array(examples.length);
  const limit = 32;
  for (let i = 0; i < examples.length; i += limit) {
    const batch: Promise<void>[] = [];
    for (let e = i; e < Math.min(i + limit, examples.length); e++) {
      batch.push(
        readFile(examples.absPath(e)).then(
          (bytes) => {
            column.setBytes(e, createHash('sha256').update(bytes).digest());
            read[e] = 1;
          },
          () => undefined,
        ),
      );
    }
    await Promise.all(batch);
  }
  return { column, read };
}
