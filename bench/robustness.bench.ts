/**
 * The robustness pass end to end on the bundled example: 15 corruptions × 5 severities on a
 * stratified sample, both models, inline (workers: 0) vs the worker pool, interleaved in one
 * process. Reports variant images per second and the pool's speed-up.
 */
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { runEvaluation } from '../src/engine/run.js';
import { BENCHMARK_CORRUPTIONS } from '../src/config/robustness.js';
import type { CorruptionName } from '../src/corruptions/types.js';
import { VariantPool } from '../src/engine/variant-pool.js';
import type { Bench } from './harness.js';
import { round } from './harness.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const bench: Bench = {
  name: 'robustness',
  description:
    'Robustness pass on the example (28×28, CIFAR-10-C parameters, 15 corruptions × 5 severities, both models): inline vs worker threads, interleaved.',
  async run({ quick }) {
    const sample = quick ? 100 : 300;
    const base = await readFile(path.join(repo, 'examples/fashion/visiongate.yml'), 'utf8');
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-bench-rob-'));
    const workers = os.availableParallelism();
    const configs = await Promise.all(
      [0, workers].map(async (w) => {
        const text = base
          .replace('name: fashion\n', `name: fashion\nruntime: { workers: ${w} }\n`)
          .replace(/sample: \d+/, `sample: ${sample}`)
          .replace(/\ndata:\n(  .*\n)+/, '\n')
          .replace(
            /(: |\[)(data|models)\b/g,
            (_m, pre: string, dir: string) => `${pre}${path.join(repo, 'examples/fashion', dir)}`,
          );
        const file = path.join(tmp, `w${w}.yml`);
        await writeFile(file, text);
        return { w, loaded: parseConfig(text, file) };
      }),
    );
    const seconds = new Map<number, number>();
    let variantImages = 0;
    try {
      const reps = quick ? 1 : 3;
      for (let r = 0; r < reps + 1; r++) {
        for (const { w, loaded } of configs) {
          const { report, records } = await runEvaluation(loaded, {});
          if (r === 0) continue; // warm-up
          seconds.set(w, (seconds.get(w) ?? 0) + (report.timing.evaluate ?? NaN));
          variantImages = records.tables
            .filter((t) => t.variant !== 'clean')
            .reduce((n, t) => n + t.length, 0);
        }
      }
      const perRun = (w: number) => seconds.get(w)! / reps;
      const rows: Record<string, string | number>[] = configs.map(({ w }) => ({
        workers: w === 0 ? '0 (inline)' : String(w),
        'sampled examples': sample,
        'variant predictions': variantImages,
        'pass s': round(perRun(w)),
        'variant predictions/s': round(variantImages / perRun(w)),
      }));
      // Variant images alone at 224×224 (no inference): where the pool has real work to spread.
      const n = quick ? 16 : 48;
      const img = (i: number) => {
        const data = new Uint8Array(224 * 224 * 3);
        for (let j = 0; j < data.length; j++) data[j] = (j * 31 + i * 7 + ((j >> 6) & 63)) & 255;
        return { width: 224, height: 224, data };
      };
      const images = Array.from({ length: n }, (_, i) => img(i));
      const tasks = (c: CorruptionName) =>
        images.map((_, i) => ({
          kind: 'corruption' as const,
          name: c,
          severity: 3 as const,
          seedKey: `e${i}`,
          table: 'imagenet' as const,
          pixelScale: 'reference' as const,
        }));
      const timeOf = async (pool: VariantPool) => {
        const t = performance.now();
        for (const c of BENCHMARK_CORRUPTIONS) await pool.runBatch(images, tasks(c));
        return (performance.now() - t) / 1000;
      };
      const inline = VariantPool.create(0);
      const pooled = VariantPool.create(workers);
      await timeOf(pooled); // warm-up: workers load the code
      let tInline = 0;
      let tPool = 0;
      for (let r = 0; r < (quick ? 1 : 2); r++) {
        tInline += await timeOf(inline);
        tPool += await timeOf(pooled);
      }
      await pooled.close();
      const count = n * BENCHMARK_CORRUPTIONS.length * (quick ? 1 : 2);
      rows.push(
        {
          workers: '0 (inline)',
          'sampled examples': n,
          'variant predictions': '224×224 images only',
          'pass s': round(tInline),
          'variant predictions/s': round(count / tInline),
        },
        {
          workers: String(workers),
          'sampled examples': n,
          'variant predictions': '224×224 images only',
          'pass s': round(tPool),
          'variant predictions/s': round(count / tPool),
        },
      );
      return {
        rows,
        notes: [
          `224×224 corruption images (15 corruptions at severity 3, no inference): pool speed-up ${round(tInline / tPool)}×.`,
          `Worker pool speed-up on ${os.availableParallelism()} CPUs: ${round(perRun(0) / perRun(workers))}× (same run, interleaved).`,
          'Variant predictions count both models; the pass also decodes and runs the clean images.',
        ],
      };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};
export default bench;
