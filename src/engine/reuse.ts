import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Example, PredictionRecord } from '../types.js';
import type { ModelUnderTest, Variant } from './evaluate.js';
import type { StoredResult } from './results.js';
import { summarizeContract } from './summary.js';

/** Why stored records could or could not stand in for running the baseline model. */
export type ReuseDecision =
  { reuse: true; records: PredictionRecord[]; from: string } | { reuse: false; why: string };

/**
 * Decide whether a stored result can replace running the baseline model: it must come from the
 * same model file (sha256) with the same input contract, and hold a record for every
 * (variant, example) this run needs, made from the same image bytes. All or nothing: a partial
 * match runs the model, so a reused baseline is always exactly what running it would give.
 */
export async function decideReuse(
  stored: StoredResult,
  baseline: ModelUnderTest,
  examples: readonly Example[],
  variants: readonly Variant[],
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
  const byKey = new Map<string, PredictionRecord>();
  for (const r of stored.records)
    if (r.model === 'candidate') byKey.set(`${r.variant}\u0000${r.id}`, r);
  const out: PredictionRecord[] = [];
  for (const v of variants) {
    for (const e of examples) {
      if (v.ids && !v.ids.has(e.id)) continue;
      const r = byKey.get(`${v.name}\u0000${e.id}`);
      if (!r) return { reuse: false, why: `it has no record for ${e.id} (${v.name})` };
      if (r.hash !== hashes.get(e.id))
        return { reuse: false, why: `the image of ${e.id} changed since` };
      out.push({ ...r, model: 'baseline' });
    }
  }
  return { reuse: true, records: out, from: stored.dir };
}

/** sha256 of each example's file bytes (the same hash the evaluation pass records). */
async function imageHashes(examples: readonly Example[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const limit = 32;
  for (let i = 0; i < examples.length; i += limit) {
    await Promise.all(
      examples.slice(i, i + limit).map(async (e) => {
        const bytes = await readFile(e.absPath).catch(() => undefined);
        if (bytes) out.set(e.id, createHash('sha256').update(bytes).digest('hex'));
      }),
    );
  }
  return out;
}
